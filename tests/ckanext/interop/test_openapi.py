"""The OpenAPI 3.1 description at /api/openapi.json: valid for
openapi-spec-validator, and complete: every ``casa_`` action that the
running application registers (read from its plugins, so that a new
action is caught) and the CKAN actions our users call."""

from __future__ import annotations

from typing import Any

import pytest
from openapi_spec_validator import validate

import ckan.plugins as p

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets dcat"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("with_plugins"),
]
CORE = ["package_search", "package_show", "datastore_search", "organization_list", "group_list"]


def registered_casa_actions() -> set[str]:
    names: set[str] = set()
    for plugin in p.PluginImplementations(p.IActions):
        names |= {n for n in plugin.get_actions() if n.startswith("casa_")}
    return names


def test_the_description_is_valid_openapi_3_1_and_complete(app: Any) -> None:
    response = app.get("/api/openapi.json", status=200)
    doc = response.json
    validate(doc)
    assert doc["openapi"] == "3.1.0"
    actions = {path.removeprefix("/action/") for path in doc["paths"]}
    casa = registered_casa_actions()
    assert casa and {"casa_unit_show", "casa_unit_search"} <= casa
    assert casa | set(CORE) == actions, sorted((casa | set(CORE)) ^ actions)


def test_operations_come_from_the_docstrings_and_schemas(app: Any) -> None:
    doc = app.get("/api/openapi.json").json
    search = doc["paths"]["/action/casa_unit_search"]
    params = {q["name"]: q for q in search["get"]["parameters"]}
    assert params["q"]["required"] and not params["level"]["required"]  # not_empty in the schema
    assert params["limit"]["schema"] == {"type": "integer"}  # int_validator in the schema
    assert "06.141" in params["q"]["description"]  # from the docstring's :param q:
    assert search["post"]["requestBody"]["content"]["application/json"]["schema"]["required"] == ["q"]
    # Actions that change data are POST only.
    assert list(doc["paths"]["/action/casa_referential_publish"]) == ["post"]
    datastore = {q["name"]: q for q in doc["paths"]["/action/datastore_search"]["get"]["parameters"]}
    assert datastore["resource_id"]["required"] and datastore["limit"]["schema"]["type"] == "integer"


def test_the_operations_answer_as_described(app: Any) -> None:
    """Each GET operation of the description, called without its required
    parameters, answers CKAN's JSON error (409), never a 500."""
    doc = app.get("/api/openapi.json").json
    for path, item in doc["paths"].items():
        if "get" not in item or not any(q["required"] for q in item["get"]["parameters"]):
            continue
        body = app.get(f"/api/3{path}", status=409).json
        assert body["success"] is False and body["error"]["__type"] == "Validation Error", path


@pytest.mark.parametrize(("prefix", "words", "foreign"), [
    ("", ["Exemples", "Opérations", "Paramètre"], ["Examples", "العمليات"]),
    ("/ar", ["أمثلة", "العمليات", "المعامل", 'dir="rtl"'], ["Exemples", "Examples", "Parameter"]),
    ("/en", ["Examples", "Operations", "Parameter"], ["Exemples", "العمليات"]),
])
def test_the_api_page_in_three_languages(app: Any, prefix: str, words: list[str], foreign: list[str]) -> None:
    body = app.get(f"{prefix}/documentation/api", status=200).body
    for word in words:
        assert word in body
    for word in foreign:
        assert word not in body
    assert "/api/openapi.json" in body and "casa_unit_show" in body and "ckanapi dump" in body
