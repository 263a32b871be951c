"""The vectorised engine must report exactly frictionless-py's
(row, field number, error type) triples, duplicates included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from casa_pipelines.extract import extract
from casa_pipelines.validate.engine import compile_schema, validate_table
from frictionless_reference import frictionless_triples, sort_triples

COMPARE = Path(__file__).resolve().parents[1] / "fixtures" / "compare"
CASES = sorted(p.name.removesuffix(".csv") for p in COMPARE.glob("*.csv"))


@pytest.mark.parametrize("case", CASES)
def test_same_triples_as_frictionless(case: str) -> None:
    schema = json.loads((COMPARE / f"{case}.schema.json").read_text(encoding="utf-8"))
    path = COMPARE / f"{case}.csv"
    table = extract(path)
    ours = sort_triples([issue.triple() for issue in validate_table(table, compile_schema(schema))])
    reference = frictionless_triples(path, schema, encoding=table.encoding or "utf-8",
                                     delimiter=table.delimiter or ",")
    assert ours == reference
    assert ours, "each comparison fixture must contain errors, or it proves nothing"


def test_torture_file_exact_triples() -> None:
    """Pinned independently of frictionless, so a change in either shows."""
    schema = json.loads((COMPARE / "torture.schema.json").read_text(encoding="utf-8"))
    issues = validate_table(extract(COMPARE / "torture.csv"), compile_schema(schema))
    triples = [i.triple() for i in issues]
    assert triples[:5] == [(3, None, "blank-row"), (3, None, "primary-key"), (4, 2, "constraint-error"),
                           (4, 3, "missing-cell"), (4, 4, "missing-cell")]
    na = [i for i in issues if i.row == 14 and i.field_number == 3]
    assert [(i.type, i.value) for i in na] == [("type-error", "n/a")]
