"""The référentiel actions, anonymous, on the real HCP data."""

from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

pytestmark = [
    pytest.mark.ckan_config(
        "ckan.plugins", "datastore casa casa_search scheming_datasets"
    ),
    pytest.mark.ckan_config(
        "scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"
    ),
    pytest.mark.usefixtures("with_plugins", "referentials_loaded"),
]


def call(action: str, **data):
    return helpers.call_action(
        action, context={"ignore_auth": False, "user": ""}, **data
    )


def test_casablanca_arrondissements_sum_to_the_commune() -> None:
    unit = call("casa_unit_show", code="06.141.01.0", as_of="2025-01-01")
    assert unit["name_fr"] == "Casablanca" and unit["level"] == "commune"
    children = [c for c in unit["children"] if c["level"] == "arrondissement"]
    assert len(children) == 16
    total = sum(
        call("casa_unit_show", code=c["code"], as_of="2025-01-01")["population"]
        for c in children
    )
    assert total == unit["population"] == 3215935
    assert [p["code"] for p in unit["parents"]] == ["06.141", "06"]


def test_old_code_resolves_to_its_successor() -> None:
    then = call("casa_unit_show", code="01.051.05.01", as_of="2020-01-01")
    assert then["name_fr"] == "Ait Kamra" and then["code_valid_to"] == "2024-09-01"
    assert then["successors"][0]["successor_code"] == "01.051.11.01"
    now = call("casa_unit_show", code="01.051.05.01", as_of="2025-01-01")
    assert now["resolved_from"] == "01.051.05.01"
    assert [s["code"] for s in now["successors"]] == ["01.051.11.01"]
    assert "n'est plus valide" in now["message"]


def test_split_cercle_resolves_to_all_its_successors() -> None:
    now = call("casa_unit_show", code="06.461.03", as_of="2025-01-01")
    assert [s["code"] for s in now["successors"]] == ["06.461.11", "06.461.13"]


def test_search_is_insensitive_to_accents_and_arabic_forms() -> None:
    fr = call("casa_unit_search", q="ain sebaa", level="arrondissement")
    assert [r["code"] for r in fr["results"]] == ["06.141.01.21"]
    ar = call(
        "casa_unit_search", q="انفا", parent="06.141.01.0"
    )  # written without the hamza of أنفا
    assert "06.141.01.01" in [r["code"] for r in ar["results"]]
    by_code = call("casa_unit_search", q="06.141.01", level="arrondissement")
    assert by_code["count"] == 16


def test_history_and_diff() -> None:
    history = call("casa_unit_history", code="01.051.11.01")
    assert [e["kind"] for e in history["events"]][:1] == ["renumbered"]
    diff = call(
        "casa_referential_diff",
        name="territorial_units",
        from_version="2014",
        to_version="2024",
    )
    assert diff["counts"]["renumbered"] == 207 and diff["counts"]["merged"] == 1
    listed = {r["name"]: r for r in call("casa_referential_list")}
    assert [v["label"] for v in listed["territorial_units"]["versions"]] == [
        "2014",
        "2024",
    ]
    assert listed["themes"]["current_version"] == "2018"
    shown = call("casa_referential_show", name="territorial_units")
    assert shown["counts"]["arrondissement"] == 41 and shown["report"]["quirks"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"code": "6.141"}, "code"),
        ({"code": "06.141.01.0", "as_of": "2024-13-45"}, "as_of"),
        ({"code": "06.141.01.0", "as_of": "1066-10-14"}, "as_of"),
    ],
)
def test_unit_show_bad_input(data, field) -> None:
    with pytest.raises(tk.ValidationError) as err:
        call("casa_unit_show", **data)
    assert field in err.value.error_dict


def test_unknown_level_and_code() -> None:
    with pytest.raises(tk.ValidationError) as err:
        call("casa_unit_search", q="anfa", level="quartier")
    assert "quartier" in err.value.error_dict["level"][0]
    with pytest.raises(tk.ObjectNotFound, match="Code inconnu"):
        call("casa_unit_show", code="99.999.99.99")
    with pytest.raises(tk.ObjectNotFound, match="n'existait pas"):
        call("casa_unit_show", code="01.051.11.01", as_of="2015-01-01")
    with pytest.raises(tk.ObjectNotFound):
        call(
            "casa_referential_diff",
            name="territorial_units",
            from_version="2014",
            to_version="1999",
        )


def test_http_status_codes(app) -> None:
    assert (
        app.get(
            "/api/3/action/casa_unit_show", query_string={"code": "06.141.01.0"}
        ).status_code
        == 200
    )
    assert app.get(
        "/api/3/action/casa_unit_show", query_string={"code": "abc"}, status=409
    ).json["error"]["code"]
    assert app.get(
        "/api/3/action/casa_unit_show", query_string={"code": "99.999"}, status=404
    )
    assert app.get(
        "/api/3/action/casa_unit_show",
        query_string={"code": "06", "as_of": "hier"},
        status=409,
    )


def test_downloads_cite_one_version(app) -> None:
    csv_2014 = app.get("/referentiels/territorial_units/2014.csv").get_data(
        as_text=True
    )
    csv_2024 = app.get("/referentiels/territorial_units/2024.csv").get_data(
        as_text=True
    )
    assert "01.051.05.01," in csv_2014 and "01.051.05.01," not in csv_2024
    assert csv_2024.count("\n") == 1852 + 1
    geo = app.get("/referentiels/territorial_units/2024.geojson").json
    anfa = next(f for f in geo["features"] if f["id"] == "06.141.01.01")
    assert (
        anfa["geometry"]["type"] == "MultiPolygon"
        and anfa["properties"]["population"] == 66202
    )
    app.get("/referentiels/territorial_units/1999.csv", status=404)
    app.get("/referentiels/territorial_units/2024.xlsx", status=404)


@pytest.mark.usefixtures("clean_db")
@pytest.mark.ckan_config("ckan.plugins", "casa casa_search scheming_datasets")
@pytest.mark.ckan_config(
    "scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"
)
def test_referential_becomes_a_dataset() -> None:
    from ckan.tests import factories

    sysadmin = factories.Sysadmin()
    factories.Organization(name="bureau-des-donnees")
    factories.Group(name="territoire-population")
    context = {"user": sysadmin["name"], "ignore_auth": False}
    dataset = helpers.call_action(
        "casa_referential_publish", context=context, name="territorial_units"
    )
    assert dataset["name"] == "referentiel-territorial-units"
    assert [g["name"] for g in dataset["groups"]] == ["territoire-population"]
    assert {r["format"] for r in dataset["resources"]} == {"CSV", "JSON", "GeoJSON"}
    assert len(dataset["resources"]) == 6
    again = helpers.call_action(
        "casa_referential_publish", context=context, name="territorial_units"
    )
    assert again["id"] == dataset["id"]
    assert [r["id"] for r in again["resources"]] == [
        r["id"] for r in dataset["resources"]
    ]
    current_csv = next(r for r in again["resources"] if r["url"].endswith("/2024.csv"))
    assert current_csv["datastore_active"] is True
    found = helpers.call_action(
        "datastore_search", resource_id=current_csv["id"], q="Sidi Moumen"
    )
    assert [r["code"] for r in found["records"]] == ["06.141.01.53"]
    # clean_db resets the catalogue only: drop the datastore table we made.
    helpers.call_action("datastore_delete", resource_id=current_csv["id"], force=True)
    with pytest.raises(tk.NotAuthorized):
        call("casa_referential_publish", name="territorial_units")
