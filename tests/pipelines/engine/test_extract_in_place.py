"""CSV files read in place by DuckDB (extract/csv_file.py) must give exactly
what the in-memory reader gives (Python's csv module, or Arrow on regular
files), or not be read in place at all."""

from __future__ import annotations

import codecs
import random
from pathlib import Path

import pytest
from casa_pipelines.errors import SourceError
from casa_pipelines.extract import extract
from casa_pipelines.validate.engine import compile_schema, validate_table
from casa_pipelines.validate.typed import typed_arrow, typed_reader

CELLS = ["", " ", "a", "b c", "x,y", 'a "q" b', '"', '""', "n/a", "NA", "12", " 7 ", "-3.5", "2024-02-29",
         "2023-02-30", "EQ-1", "الدار", "é", "=SUM(A1)", "+1", "true", "1_000"]
SCHEMA = {
    "missingValues": ["", "NA"],
    "fields": [
        {"name": "id", "type": "string", "constraints": {"required": True, "pattern": "[A-Z]+-[0-9]+"}},
        {"name": "n", "type": "integer", "constraints": {"minimum": 0}},
        {"name": "x", "type": "number"},
        {"name": "d", "type": "date"},
        {"name": "t", "type": "string", "constraints": {"maxLength": 3}},
    ],
    "primaryKey": ["id"],
}
RAW = {"fields": [{"name": f["name"], "type": "string"} for f in SCHEMA["fields"]], "missingValues": []}


def _quoted(cell: str, rng: random.Random) -> str:
    if any(ch in cell for ch in ',"') or rng.random() < 0.2:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def _write(path: Path, rows: list[list[str]], rng: random.Random, newline: str = "\n") -> None:
    lines = [",".join(_quoted(c, rng) for c in row) for row in rows]
    path.write_bytes((newline.join(lines) + newline).encode("utf-8"))


def _issues(table, schema) -> list[tuple]:
    return [(i.row, i.field_number, i.type, i.value, i.note) for i in validate_table(table, schema, formulas=True)]


def _same_as_in_memory(path: Path) -> bool:
    """Compare the in-place reading with the in-memory one; True if in place."""
    schema, raw = compile_schema(SCHEMA), compile_schema(RAW)
    in_place = extract(path)
    used = in_place.file is not None
    memory = extract(path)
    memory.load()
    assert memory.file is None
    assert _issues(in_place, schema) == _issues(memory, schema)
    assert typed_arrow(extract(path), raw).equals(typed_arrow(memory, raw))
    assert typed_arrow(extract(path), schema).equals(typed_arrow(memory, schema))
    return used


@pytest.mark.parametrize("seed", range(12))
def test_random_files_read_in_place_as_in_memory(seed: int, tmp_path: Path) -> None:
    rng = random.Random(seed)
    header = [f["name"] for f in SCHEMA["fields"]]
    rows = [header]
    for k in range(300):
        width = rng.choice([5] * 12 + [1, 4, 6, 7])
        rows.append([f"EQ-{k % 280}" if i == 0 and rng.random() < 0.9 else rng.choice(CELLS) for i in range(width)])
    path = tmp_path / f"r{seed}.csv"
    _write(path, rows, rng, newline="\r\n" if seed % 3 == 0 else "\n")
    assert _same_as_in_memory(path)  # ragged rows, quotes, CRLF: all read in place


@pytest.mark.parametrize("body", [
    b'id,n,x,d,t\n"EQ-1,2\n',  # unterminated quote
    b'id,n,x,d,t\nEQ-1,"2"x,,,\n',  # text after a closing quote
    b'id,n,x,d,t\nEQ-1,""x,,,\n',  # an empty quoted cell then text
    b'id,n,x,d,t\nEQ-1,a"b,,,\n',  # a stray quote
    b'id,n,x,d,t\nEQ-1,"a\nb",,,\n',  # a cell spanning lines
    b'id,n,x,d,t\n\nEQ-1,1,,,\n\n',  # blank lines
    b'id,n,x,d,t\r\nEQ-1,1,,,\nEQ-2,1,,,\r\n',  # mixed line ends
    b'id,n,x,d,t\nEQ-1,1,,,\rEQ-2\n',  # a lone carriage return
    b'id,n,x,d,t\nEQ-1,1,2,3,4,5,6,7,8,9,10,11\n',  # wider than the in-place reader keeps
    codecs.BOM_UTF8 + b'id,n,x,d,t\nEQ-1,1,,,\n',
])
def test_irregular_files_agree_or_are_read_in_memory(body: bytes, tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_bytes(body)
    try:
        memory = extract(path)
        memory.load()
        expected = _issues(memory, compile_schema(SCHEMA))
    except SourceError as exc:
        with pytest.raises(SourceError) as raised:
            _issues(extract(path), compile_schema(SCHEMA))
        assert raised.value.args == exc.args
        return
    assert _issues(extract(path), compile_schema(SCHEMA)) == expected


@pytest.mark.parametrize("bad", [b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xe2\x82"])
def test_invalid_utf8_anywhere_is_never_read_in_place(bad: bytes, tmp_path: Path) -> None:
    """Overlong forms, surrogates and truncated sequences far past any sample."""
    path = tmp_path / "f.csv"
    path.write_bytes(b"id,n,x,d,t\n" + b"EQ-1,1,2,2024-01-01,ok\n" * 200_000 + b"EQ-2,1,2,2024-01-01,o" + bad + b"\n")
    with pytest.raises(SourceError, match="encodage"):  # read in place, it would have been accepted
        extract(path, encoding="utf-8")


def test_a_regular_file_is_read_in_place_and_streamed(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("id,n,x,d,t\n" + "".join(f"EQ-{i},{i},{i}.5,2024-01-0{1 + i % 9},n/a\n" for i in range(5000)),
                    encoding="utf-8")
    table = extract(path)
    assert table.file is not None and table.n_rows == 5000
    assert _same_as_in_memory(path)
    schema = compile_schema(SCHEMA)
    streamed = typed_reader(extract(path), schema, batch_rows=1000).read_all()
    assert streamed.equals(typed_arrow(table, schema).drop_columns(["_row"]))
    assert table.file is not None  # nothing above needed the cells in memory
