"""Each census export passes every check of its dataset against the real
référentiel (codes as of the census date) and its suite; each invalid
example fails with the expected (row, field, type) triples; one real export
is ingested as a release."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
import yaml
from casa_pipelines.extract import extract
from casa_pipelines.releases.ingest import ingest
from casa_pipelines.releases.stage import table_prefix
from casa_pipelines.sources.package import export, write
from casa_pipelines.spec import find_spec, load_spec
from casa_pipelines.validate import validate
from casa_pipelines.validate.referential_check import PostgresReferential

REPO = Path(__file__).resolve().parents[3]
DATASETS = REPO / "datasets"
SLUGS = ["population-2024", "population-2014", "education-2024", "emploi-2024",
         "deplacements-domicile-travail-2024", "logements-2024", "etablissements-2024"]
INVALID = {
    "population-2014": [(3, "population_legale", "type-error"), (4, "code", "constraint-error"),
                        (5, "population_municipale", "constraint-error"), (7, None, "primary-key")],
    "education-2024": [(3, "population_7_12", "type-error"), (4, "code", "constraint-error"),
                       (5, "taux_scolarisation_6_11", "constraint-error"), (7, None, "primary-key")],
    "emploi-2024": [(3, "population_15_plus", "type-error"), (4, "code", "constraint-error"),
                    (5, "taux_activite", "constraint-error"), (7, None, "primary-key")],
    "deplacements-domicile-travail-2024": [(3, "actifs_occupes_sedentaires", "type-error"),
                                           (4, "code", "constraint-error"), (5, "a_pied_pct", "constraint-error"),
                                           (7, None, "primary-key")],
    "logements-2024": [(3, "logements", "type-error"), (4, "code", "constraint-error"),
                       (5, "occupes_pct", "constraint-error"), (7, None, "primary-key")],
    "etablissements-2024": [(3, "etablissements_total", "type-error"), (4, "code", "constraint-error"),
                            (5, "services_publics", "constraint-error"), (7, None, "primary-key")],
    "population-2024": [(3, "population_legale", "type-error"), (4, "code", "constraint-error"),
                        (4, "niveau", "constraint-error"), (5, None, "primary-key"),
                        (6, "menages", "constraint-error")],
}


def _triples(report) -> list[tuple]:
    return sorted(((i.row, i.field_name, i.type) for i in report.issues), key=lambda t: (t[0] or 0, t[1] or ""))


@pytest.mark.parametrize("slug", SLUGS)
def test_real_export_is_valid(slug: str, tmp_path: Path, territorial_units: str) -> None:
    spec = find_spec(slug, DATASETS)
    path = tmp_path / f"{slug}.csv"
    write(export(spec), path)
    report = validate(extract(path, spec.source), spec, referential=PostgresReferential(territorial_units))
    assert report.valid, report.to_text()
    assert {"table-schema", "referential", "suite"} <= set(report.checks)


@pytest.mark.parametrize("slug", sorted(INVALID))
def test_invalid_example_issues(slug: str) -> None:
    spec = find_spec(slug, DATASETS)
    report = validate(extract(spec.schema_path.parent / "invalid.csv", spec.source), spec)
    assert not report.valid
    assert _triples(report) == sorted(INVALID[slug], key=lambda t: (t[0] or 0, t[1] or ""))


def test_2014_figures_under_2024_codes_fail_the_referential(tmp_path: Path, territorial_units: str) -> None:
    """Without its `recode` step the 2014 export carries the 2024 codes of
    the 52 renumbered communes: the référentiel check as of 2014 finds them."""
    data = yaml.safe_load((DATASETS / "population-2014.yaml").read_text(encoding="utf-8"))
    del data["source"]["package"]["recode"]
    (tmp_path / "datasets").mkdir()
    path = tmp_path / "datasets" / "population-2014.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    spec = load_spec(path, root=REPO)
    out = tmp_path / "x.csv"
    write(export(spec), out)
    report = validate(extract(out, spec.source), spec, referential=PostgresReferential(territorial_units))
    unknown = {i.value for i in report.issues if i.type == "referential-unknown-code"}
    assert len(unknown) == 52 and "06.371.01.05" in unknown


def test_suite_catches_broken_totals(tmp_path: Path) -> None:
    """Men + women = total and shares summing to 100 are real rules: break one cell each."""
    spec = find_spec("population-2024", DATASETS)
    report = validate(extract(spec.schema_path.parent / "invalid-suite.csv", spec.source), spec)
    failed = [i.field_name or "" for i in report.issues]
    assert any("population_municipale_hommes" in name for name in failed), failed
    spec = find_spec("deplacements-domicile-travail-2024", DATASETS)
    lines = (spec.schema_path.parent / "valid.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1].split(",")
    cells[header.index("a_pied_pct")] = str(float(cells[header.index("a_pied_pct")]) + 5)
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n", encoding="utf-8")
    report = validate(extract(broken, spec.source), spec)
    assert [i.type for i in report.issues] == ["expectation-failed"]


def test_ingest_records_a_release(tmp_path: Path, territorial_units: str) -> None:
    """The exported file takes the steward's path: a release, once."""
    slug = f"test-etab-{uuid.uuid4().hex[:6]}"
    data = yaml.safe_load((DATASETS / "etablissements-2024.yaml").read_text(encoding="utf-8"))
    data["slug"] = slug
    (tmp_path / "datasets").mkdir()
    path = tmp_path / "datasets" / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    spec = load_spec(path, root=REPO)
    out = tmp_path / "etablissements.csv"
    write(export(spec), out)
    lookup = PostgresReferential(territorial_units)
    try:
        first = ingest(spec, out, territorial_units, referential=lookup)
        assert first.created and first.release.rows == 187
        again = ingest(spec, out, territorial_units, referential=lookup)
        assert not again.created and again.release.number == first.release.number
    finally:
        with psycopg.connect(territorial_units, autocommit=True) as conn:
            for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'casa_staging' "
                                        "AND tablename LIKE %s", (table_prefix(slug) + "%",)).fetchall():
                conn.execute(f'DROP TABLE casa_staging."{name}"')
            for table in ("casa_staging.release",):
                if conn.execute("SELECT to_regclass(%s)", (table,)).fetchone() != (None,):
                    conn.execute(f"DELETE FROM {table} WHERE dataset = %s", (slug,))
