"""CKAN's /datastore/dump: bad arguments are a 400 saying which one and why
(an unknown format, a NUL in a filter, an invalid sort were server errors),
and formula cells are neutralised in CSV and TSV, as in our own downloads."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search"),
    pytest.mark.usefixtures("clean_db", "clean_index", "with_request_context"),
]

BAD = [
    ({"format": "xyz"}, "format"),
    ({"format": "csv\x00"}, "format"),
    ({"filters": '{"nom": "An\\u0000fa"}'}, "filters"),
    ({"filters": '{"nom\\u0000": "Anfa"}'}, "filters"),
    ({"q": "An\x00fa"}, "q"),
    ({"language": "fr\x00"}, "language"),
    ({"sort": "nope desc"}, "sort"),
    ({"sort": "n sideways"}, "sort"),
    ({"sort": "n; DROP TABLE x"}, "sort"),
    ({"fields": "nope"}, "fields"),
    ({"offset": "-1"}, "offset"),
    ({"limit": "abc"}, "limit"),
    ({"filters": "[1"}, "filters"),
]


@pytest.mark.parametrize(("params", "field"), BAD)
def test_bad_argument_is_a_400_naming_it(app: Any, table: dict, params: dict, field: str) -> None:
    response = app.get(f"/datastore/dump/{table['resource_id']}", query_string=params)
    body = response.get_data(as_text=True)
    assert response.status_code == 400, (response.status_code, body[:500])
    assert field in body
    assert "Traceback" not in body and "psycopg" not in body


def test_good_dump_still_works(app: Any, table: dict) -> None:
    response = app.get(f"/datastore/dump/{table['resource_id']}", query_string={"sort": "n desc"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["_id", "n", "nom", "note"]
    assert [r[1] for r in rows[1:]] == ["7", "6", "5", "4", "3", "1", "-2"]


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_formula_cells_are_neutralised(app: Any, table: dict, fmt: str, delimiter: str) -> None:
    response = app.get(f"/datastore/dump/{table['resource_id']}", query_string={"format": fmt})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True), newline=""), delimiter=delimiter))
    notes = {int(r[1]): r[3] for r in rows[1:]}
    assert notes == {
        1: "'=HYPERLINK(\"http://x\")",
        -2: "'+cmd|' /C calc'!A0",
        3: "'-2+3+cmd|' /C calc'!A0",
        4: "'@SUM(1,1)",
        5: "'\t=1+1",
        6: "'\r=1+1",
        7: "sans formule",
    }


def test_json_dump_keeps_the_values(app: Any, table: dict) -> None:
    response = app.get(f"/datastore/dump/{table['resource_id']}", query_string={"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.get_data(as_text=True))["records"][0][3] == '=HYPERLINK("http://x")'


def test_nul_in_datastore_search_filters_is_a_clear_error(app: Any, table: dict) -> None:
    response = app.get("/api/3/action/datastore_search",
                       query_string={"resource_id": table["resource_id"], "filters": '{"nom": "A\\u0000"}'})
    assert response.status_code == 409
    assert "NUL" in response.json["error"]["filters.nom"][0]
