"""Every valid example passes its Table Schema and every invalid one fails,
with the errors we expect."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from casa_pipelines.referentials.spec import REFERENTIALS_DIR
from casa_pipelines.referentials.validate import validate_schema

EXAMPLES = sorted(REFERENTIALS_DIR.glob("*/examples/*.csv"))


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return [{k: (v or None) for k, v in r.items()} for r in csv.DictReader(f)]


@pytest.mark.parametrize(
    "path", EXAMPLES, ids=lambda p: f"{p.parents[1].name}/{p.name}"
)
def test_example_matches_its_verdict(path: Path) -> None:
    schema = json.loads((path.parents[1] / "schema.json").read_text(encoding="utf-8"))
    _, report = validate_schema(_rows(path), schema)
    assert report.valid is (path.stem == "valid"), [e.as_dict() for e in report.errors]


def test_invalid_territorial_example_errors() -> None:
    path = REFERENTIALS_DIR / "territorial_units" / "examples" / "invalid.csv"
    schema = json.loads((path.parents[1] / "schema.json").read_text(encoding="utf-8"))
    _, report = validate_schema(_rows(path), schema)
    assert [(e.row, e.field, e.type) for e in report.errors] == [
        (4, "code", "constraint-error"),
        (5, "population", "constraint-error"),
        (5, None, "foreign-key"),
        (6, "level", "constraint-error"),
        (6, "code", "unique-error"),
        (6, None, "primary-key"),
    ]


def test_every_referential_has_both_examples() -> None:
    for folder in (p.parent for p in REFERENTIALS_DIR.glob("*/referential.yaml")):
        assert {p.name for p in (folder / "examples").glob("*.csv")} == {
            "valid.csv",
            "invalid.csv",
        }
