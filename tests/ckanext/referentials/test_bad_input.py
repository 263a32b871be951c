"""Bad input to the référentiel actions and pages over HTTP: a clear 409 or
404 in the request's language, never a 500."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "datastore casa casa_search scheming_datasets"
    ),
    pytest.mark.ckan_config(
        "scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"
    ),
    pytest.mark.usefixtures("with_plugins", "referentials_loaded"),
]

API = "/api/3/action/"


def post(app, action: str, body: dict, status: int) -> dict:
    response = app.post(API + action, json=body, status=status)
    return response.json


@pytest.mark.parametrize(
    "action, body, field",
    [
        ("casa_unit_show", {"code": "06.141\x00"}, "code"),
        ("casa_unit_show", {"code": "06.141.01.0", "as_of": "2024-01-01\x00"}, "as_of"),
        ("casa_unit_search", {"q": "anfa\x00"}, "q"),
        ("casa_unit_search", {"q": "anfa", "level": "commune\x00"}, "level"),
        ("casa_unit_history", {"code": "\x00"}, "code"),
        ("casa_referential_show", {"name": "territorial_units\x00"}, "name"),
        (
            "casa_referential_diff",
            {"name": "territorial_units", "from_version": "2014\x00", "to_version": "2024"},
            "from_version",
        ),
    ],
)
def test_nul_characters_are_409(app, action, body, field) -> None:
    out = post(app, action, body, 409)
    assert "NUL" in out["error"][field][0]


@pytest.mark.parametrize(
    "action, body, field",
    [
        ("casa_unit_show", {"code": ["06.141", "06"]}, "code"),
        ("casa_unit_show", {"code": "06.141", "as_of": ["2024-01-01"]}, "as_of"),
        ("casa_unit_search", {"q": ["anfa"]}, "q"),
        ("casa_unit_search", {"q": {"fr": "anfa"}}, "q"),
        ("casa_unit_search", {"q": "anfa", "limit": [5]}, "limit"),
        ("casa_unit_search", {"q": "anfa", "parent": ["06"]}, "parent"),
        ("casa_referential_show", {"name": ["territorial_units"]}, "name"),
    ],
)
def test_lists_where_scalars_are_expected_are_409(app, action, body, field) -> None:
    out = post(app, action, body, 409)
    assert out["error"][field][0].startswith("Attendu un texte")


def test_query_size_is_capped(app) -> None:
    out = post(app, "casa_unit_search", {"q": "a" * 120_000}, 409)
    assert "au plus 200" in out["error"]["q"][0]
    # A long but reasonable name still searches.
    post(app, "casa_unit_search", {"q": "Sidi " * 39}, 200)


def test_messages_in_the_request_language(app) -> None:
    ar = app.post("/ar" + API + "casa_unit_show", json={"code": "6.1"}, status=409).json
    assert "رمز غير صحيح" in ar["error"]["code"][0]
    en = app.post("/en" + API + "casa_unit_show", json={"code": "6.1"}, status=409).json
    assert en["error"]["code"][0].startswith("Malformed code")


@pytest.mark.parametrize(
    "path",
    [
        "/referentiels/territoire/%00",
        "/referentiels/territoire/06.141%00",
        "/referentiels/territoire/06.141?as_of=2024-01-01%00",
        "/referentiels/territorial_units%00/2024.csv",
        "/referentiels/territorial_units/2024%00.csv",
        "/referentiels/territorial_units/2024.csv%00",
        "/ar/referentiels/territoire/%00",
    ],
)
def test_nul_in_paths_is_a_404(app, path) -> None:
    app.get(path, status=404)
