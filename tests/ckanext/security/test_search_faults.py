"""Search input that made a server error: date arithmetic out of range and
thousands of nested parentheses. In ``fq`` each is a 400 with a message
saying what is wrong; in ``q``, which forgives what it cannot parse as
Solr's dismax does, an answer; never a 500, and the search keeps working."""

from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]

API = "/api/3/action/package_search"
DEEP = "(" * 5000 + "eau" + ")" * 5000

FQ_FAULTS = [
    ("metadata_modified:[NOW-100000YEARS TO NOW]", "Date out of range"),
    ("metadata_modified:[NOW-99999999999999999DAYS TO NOW]", "Date out of range"),
    ("metadata_created:[NOW+9999YEARS TO *]", "Date out of range"),
    ("metadata_modified:[NOW-" + "9" * 4000 + "DAYS TO NOW]", "Date out of range"),
    (DEEP, "nested 5000 levels deep"),
    ("title:" + DEEP, "nested 5000 levels deep"),
]
Q_FAULTS = ["metadata_modified:[NOW-100000YEARS TO NOW]", "metadata_modified:[NOW-99999999999999999DAYS TO NOW]",
            DEEP, "title:" + DEEP]


@pytest.mark.parametrize(("fq", "message"), FQ_FAULTS)
def test_fq_fault_is_a_clear_400(app: Any, fq: str, message: str) -> None:
    factories.Dataset(name="eau", title="eau")
    response = app.get(API, query_string={"fq": fq})
    assert response.status_code == 400, response.get_data(as_text=True)[:300]
    assert message in response.json["error"]["message"]
    assert app.get(API, query_string={"q": "eau"}).json["result"]["count"] == 1


@pytest.mark.parametrize("q", Q_FAULTS)
def test_q_fault_is_no_server_error(app: Any, q: str) -> None:
    factories.Dataset(name="eau", title="eau")
    response = app.get(API, query_string={"q": q})
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert app.get(API, query_string={"q": "eau"}).json["result"]["count"] == 1


def test_reasonable_nesting_still_works(app: Any) -> None:
    factories.Dataset(name="eau", title="eau")
    q = "(" * 20 + "eau" + ")" * 20
    assert app.get(API, query_string={"q": q}).json["result"]["count"] == 1
