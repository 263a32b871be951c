"""Seeded random tables of tricky cells: both engines must agree on every
one. Fixtures show the cases we thought of; this finds the ones we did not.
("snan" is left out: a signalling NaN makes frictionless itself raise.)"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from casa_pipelines.extract import extract
from casa_pipelines.validate.engine import compile_schema, validate_table
from frictionless_reference import frictionless_triples, sort_triples

POOL = ["", " ", "0", "7", "-3", "+12", "007", " 42 ", "1_000", "1__0", "٣٤", "۵", "1.5", "-0.0", ".5", "5.",
        "1e3", "1E-2", "nan", "NaN", "inf", "-Infinity", "1,5", "1 000", "n/a", "NA", "-", "true", "True",
        "yes", "1", "false", "2024-02-29", "2023-02-29", "2024-1-5", "2024-01-05 ", "0000-01-01", "9999-12-31",
        "2024", "1999", "20 4", "abc", "Abc", "ABC", "é", "الدار", "06.141", "06.141.01.01", "x\ny", "a\n"]
SCHEMA = {
    "missingValues": ["", "NA"],
    "fields": [
        {"name": "i", "type": "integer", "constraints": {"minimum": -5, "maximum": 1000}},
        {"name": "n", "type": "number", "constraints": {"minimum": 0, "required": True}},
        {"name": "d", "type": "date", "constraints": {"minimum": "2000-01-01"}},
        {"name": "b", "type": "boolean"},
        {"name": "y", "type": "year", "constraints": {"unique": True}},
        {"name": "s", "type": "string", "constraints": {"pattern": "[A-Za-z\\u0600-\\u06FF]+", "maxLength": 4,
                                                        "enum": ["abc", "Abc", "الدار", "é"]}},
        {"name": "c", "type": "string", "constraints": {"pattern": "\\d{2}(\\.\\d{3})?", "minLength": 2}},
    ],
    "primaryKey": ["i", "c"],
}
FRENCH = {
    "fields": [
        {"name": "montant", "type": "number", "decimalChar": ",", "groupChar": " ",
         "constraints": {"maximum": 1000}},
        {"name": "prix", "type": "number", "bareNumber": False, "constraints": {"minimum": "0"}},
        {"name": "qte", "type": "integer", "bareNumber": False, "missingValues": ["-"], "constraints": {"enum": [1, 7]}},
        {"name": "jour", "type": "date", "format": "%d/%m/%Y"},
        {"name": "ok", "type": "boolean", "trueValues": ["oui", "1"], "falseValues": ["non"]},
        {"name": "an", "type": "year", "constraints": {"required": True}},
    ],
    "primaryKey": ["jour"],
}
FRENCH_POOL = ["1 000,5", "1,5", "1.5", "12,5 MAD", "MAD", "€ 3", "-4 unités", "5/1/2024", "31/02/2024",
               "01/12/1999", " 1/1/2000", "oui", "non", "Oui", "0"]


@pytest.mark.parametrize("schema", [SCHEMA, FRENCH], ids=["iso", "french"])
@pytest.mark.parametrize("seed", range(10))
def test_random_tables_agree(seed: int, schema: dict, tmp_path: Path) -> None:
    rng = random.Random(seed)
    pool = POOL if schema is SCHEMA else POOL + FRENCH_POOL * 3
    width_ok = len(schema["fields"])
    path = tmp_path / f"fuzz{seed}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([fld["name"] for fld in schema["fields"]])
        for _ in range(80):
            width = rng.choice([width_ok] * 8 + [0, 1, 3, width_ok - 1, width_ok + 1, width_ok + 2])
            writer.writerow([rng.choice(pool) for _ in range(width)])
    table = extract(path)
    ours = sort_triples([i.triple() for i in validate_table(table, compile_schema(schema))])
    assert ours == frictionless_triples(path, schema, encoding="utf-8", delimiter=",")


@pytest.mark.parametrize("seed", range(6))
def test_regular_tables_take_the_arrow_path_and_agree(seed: int, tmp_path: Path) -> None:
    """Same width everywhere and no line breaks in cells: Arrow's reader is
    used, and must read exactly what Python's csv module reads."""
    rng = random.Random(1000 + seed)
    pool = [v for v in POOL if "\n" not in v] + ['a "quoted" word', "x,y", '"', ""]
    path = tmp_path / f"regular{seed}.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow([fld["name"] for fld in SCHEMA["fields"]])
        for _ in range(200):
            writer.writerow([rng.choice(pool) for _ in range(len(SCHEMA["fields"]))])
    table = extract(path)
    assert table.arrow is not None
    with path.open(newline="", encoding="utf-8") as f:
        assert [table.header, *table.rows] == list(csv.reader(f))
    ours = sort_triples([i.triple() for i in validate_table(table, compile_schema(SCHEMA))])
    assert ours == frictionless_triples(path, SCHEMA, encoding="utf-8", delimiter=",")
