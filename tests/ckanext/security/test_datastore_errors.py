"""A datastore query PostgreSQL rejects is answered with what is wrong, not
with the SQL statement, its parameters and PostgreSQL's error text."""

from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_request_context"),
]

SQL_MARKERS = ("SELECT", "statement", "orig", "psycopg", "[SQL", "LINE 1")


BAD = [
    # The API answers in the site's default language (French here).
    ({"filters": '{"n": "abc"}'}, "n'est pas un integer valide"),
    ({"filters": '{"n": "99999999999"}'}, "dépasse les limites de sa colonne"),
    ({"filters": '{"n": "1.5"}'}, "n'est pas un integer valide"),
]


@pytest.mark.parametrize(("params", "message"), BAD)
def test_errors_name_no_sql(app: Any, table: dict, params: dict, message: str) -> None:
    response = app.get("/api/3/action/datastore_search",
                       query_string={"resource_id": table["resource_id"], **params})
    body = response.get_data(as_text=True)
    assert response.status_code == 409, body
    assert not [m for m in SQL_MARKERS if m in body], body
    assert message in response.json["error"]["query"][0]


def test_sysadmins_still_get_the_statement(table: dict) -> None:
    with pytest.raises(helpers.logic.ValidationError) as error:
        helpers.call_action("datastore_search", {"user": table["admin"]["name"], "ignore_auth": False},
                            resource_id=table["resource_id"], filters={"n": "abc"})
    assert "statement" in error.value.error_dict["info"]
