"""Totals that never double count (partitions, casa_unit_aggregate) and bulk
recoding (casa_unit_recode), on the real HCP data."""

from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("with_plugins", "referentials_loaded"),
]
LEVELS = ("region", "province", "prefecture", "prefecture_arrondissements", "cercle", "commune")
VERSIONS = {"2014": "2020-01-01", "2024": "2025-01-01"}


def call(action: str, **data):
    return helpers.call_action(action, context={"ignore_auth": False, "user": ""}, **data)


def test_casablanca_children_come_by_partition() -> None:
    """Adding up all the children of the préfecture gave 6,433,971 for
    3,218,036 people: the préfectures d'arrondissements are a second partition."""
    unit = call("casa_unit_show", code="06.141", as_of="2025-01-01")
    parts = {p["partition"]: p for p in unit["partitions"]}
    assert set(parts) == {"subdivisions", "prefectures_arrondissements"}
    assert parts["subdivisions"]["population"] == unit["population"] == 3218036
    assert parts["subdivisions"]["covers"] is True
    assert parts["prefectures_arrondissements"]["count"] == 8
    assert parts["prefectures_arrondissements"]["covers"] is False
    # A préfecture d'arrondissements lists its arrondissements, which cover it.
    pa = call("casa_unit_show", code="06.141.01.50", as_of="2025-01-01")
    assert pa["partitions"][0]["codes"] == ["06.141.01.51", "06.141.01.53"]
    assert pa["partitions"][0]["covers"] is True


@pytest.mark.parametrize("label", sorted(VERSIONS))
def test_every_version_s_partitions_cover_their_unit(label: str) -> None:
    day = VERSIONS[label]
    for level in ("region", "province", "prefecture"):
        units = [u for prefix in ("0", "1")
                 for u in call("casa_unit_search", q=prefix, level=level, as_of=day, limit=100)["results"]]
        assert len(units) == {"region": 12, "province": 62, "prefecture": 13}[level]
        for unit in units:
            shown = call("casa_unit_show", code=unit["code"], as_of=day)
            main = [p for p in shown["partitions"] if p["partition"] == "subdivisions"]
            assert main and main[0]["covers"] is True, (label, unit["code"], main)


@pytest.mark.parametrize("label", sorted(VERSIONS))
@pytest.mark.parametrize("level", LEVELS)
def test_aggregate_equals_the_census_published_totals(label: str, level: str) -> None:
    """Every unit of every version: the roll-up equals the published figure,
    except where the loader reported a disagreement (none in HCP's data)."""
    day = VERSIONS[label]
    reported = {
        code
        for q in call("casa_referential_show", name="territorial_units", version=label)["report"]["quirks"]
        if q["kind"] == "published_sum_disagrees"
        for code in q["codes"]
    }
    for indicator in ("population", "households"):
        out = call("casa_unit_aggregate", indicator=indicator, level=level, as_of=day)
        assert out["count"] > 0
        assert set(out["disagreements"]) <= reported, (indicator, out["disagreements"][:5])
        if indicator == "population":
            assert not out["not_published"]
            assert out["total"] == out["published_total"]
    national = call("casa_unit_aggregate", indicator="population", level="region", as_of=day)["total"]
    provinces = call("casa_unit_aggregate", indicator="population", level="province", as_of=day)["total"]
    prefectures = call("casa_unit_aggregate", indicator="population", level="prefecture", as_of=day)["total"]
    assert national == provinces + prefectures


def test_aggregate_bad_input() -> None:
    with pytest.raises(tk.ValidationError) as err:
        call("casa_unit_aggregate", indicator="revenue", level="region")
    assert "indicator" in err.value.error_dict
    with pytest.raises(tk.ValidationError) as err:
        call("casa_unit_aggregate", indicator="population", level="quartier")
    assert "level" in err.value.error_dict


def test_recode_to_2024() -> None:
    out = call(
        "casa_unit_recode",
        codes=["01.051.05.01", "06.461.03", "01.511.81", "06.141.01.01", "99.999.99.99", "x", "06.141.01.01"],
        to="2024",
    )
    by_row = {r["row"]: r for r in out["results"]}
    assert by_row[1]["status"] == "recoded" and [s["code"] for s in by_row[1]["successors"]] == ["01.051.11.01"]
    assert by_row[2]["status"] == "split" and by_row[2]["ambiguous"] is True
    assert [s["code"] for s in by_row[2]["successors"]] == ["06.461.11", "06.461.13"]
    assert by_row[3]["status"] == "merged" and [s["code"] for s in by_row[3]["successors"]] == ["01.511.05"]
    assert by_row[4]["status"] == "unchanged"
    assert out["unknown"] == [
        {"row": 5, "code": "99.999.99.99", "status": "unknown"},
        {"row": 6, "code": "x", "status": "malformed"},
    ]
    assert out["counts"]["unchanged"] == 2 and out["count"] == 7


def test_recode_backward_and_in_bulk() -> None:
    back = call("casa_unit_recode", codes="01.051.11.01", to="2014")
    assert back["results"][0]["status"] == "recoded"
    assert [s["code"] for s in back["results"][0]["successors"]] == ["01.051.05.01"]
    many = call("casa_unit_recode", codes=["01.051.05.01"] * 10_000, as_of="2025-01-01")
    assert many["counts"] == {"recoded": 10_000}
    with pytest.raises(tk.ValidationError) as err:
        call("casa_unit_recode", codes=["01"] * 10_001)
    assert "10000" in err.value.error_dict["codes"][0].replace(",", "")
    with pytest.raises(tk.ValidationError) as err:
        call("casa_unit_recode", codes=["01"], to="1999")
    assert "to" in err.value.error_dict
    with pytest.raises(tk.ValidationError) as err:
        call("casa_unit_recode", codes=["01", ["02"]])
    assert "codes" in err.value.error_dict
