"""Expectation suites: loaded with the public GX API, counted after loading,
run on a typed DataFrame and on a table in PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path

import psycopg
import pytest
import yaml
from casa_pipelines.errors import SpecError
from casa_pipelines.extract import extract_bytes
from casa_pipelines.validate.engine import compile_schema
from casa_pipelines.validate.suite import (
    read_suite,
    run_suite_on_arrow,
    run_suite_on_postgres,
)
from casa_pipelines.validate.typed import typed_arrow

SCHEMA = {"fields": [{"name": "code", "type": "string"}, {"name": "legale", "type": "integer"},
                     {"name": "municipale", "type": "integer"}]}
RULES = [
    {"type": "expect_column_pair_values_a_to_be_greater_than_b",
     "kwargs": {"column_A": "legale", "column_B": "municipale", "or_equal": True},
     "meta": {"fr": "Légale ≥ municipale", "en": "Legal ≥ municipal"}},
    {"type": "expect_column_values_to_be_between", "kwargs": {"column": "municipale", "min_value": 0}},
]
CSV = b"code,legale,municipale\n06,100,90\n06.141,80,85\n06.371,n/a,-3\n"


def _suite(tmp_path: Path, entries: list) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(yaml.safe_dump({"name": "t", "expectations": entries}, allow_unicode=True), encoding="utf-8")
    return path


def test_suite_on_typed_frame(tmp_path: Path) -> None:
    data = typed_arrow(extract_bytes(CSV, "p.csv"), compile_schema(SCHEMA))
    issues = run_suite_on_arrow(read_suite(_suite(tmp_path, RULES)), data)
    assert [(i.type, i.field_name, i.note) for i in issues] == [
        ("expectation-failed", "legale / municipale", "expect_column_pair_values_a_to_be_greater_than_b"),
        ("expectation-failed", "municipale", "expect_column_values_to_be_between"),
    ]
    assert issues[0].hint_fr.startswith("Légale ≥ municipale") and "-3" in (issues[1].value or "")


@pytest.mark.parametrize(("entries", "message"), [
    ([RULES[0], RULES[0]], "2 attentes déclarées mais 1 chargées"),  # GX merges duplicates silently
    ([{"type": "expect_the_moon", "kwargs": {}}], "type d'attente inconnu"),
    ([{"type": "expect_column_values_to_be_between", "kwargs": {"colum": "x"}}], "paramètres invalides"),
    ([{"kwargs": {}}], "« type » manquant"),
    ([{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "x"}, "severity": 1}], "clé inconnue"),
])
def test_malformed_suites_are_refused(tmp_path: Path, entries: list, message: str) -> None:
    data = typed_arrow(extract_bytes(CSV, "p.csv"), compile_schema(SCHEMA))
    with pytest.raises(SpecError, match=message):
        run_suite_on_arrow(read_suite(_suite(tmp_path, entries)), data)


def test_suite_on_postgres_table(tmp_path: Path, url: str) -> None:
    table = f"test_suite_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE UNLOGGED TABLE casa_staging.{table} (code text, legale bigint, municipale bigint)")
        try:
            with conn.cursor().copy(f"COPY casa_staging.{table} FROM STDIN") as copy:
                for row in [("06", 100, 90), ("06.141", 80, 85), ("06.371", None, -3)]:
                    copy.write_row(row)
            issues = run_suite_on_postgres(read_suite(_suite(tmp_path, RULES)), url, "casa_staging", table)
        finally:
            conn.execute(f"DROP TABLE casa_staging.{table}")
    assert [(i.field_name, i.value) for i in issues] == [("legale / municipale", '[[80, 85]]'),
                                                         ("municipale", "[-3]")]
