"""The vectorised XLSX writer, read back with openpyxl: cell types, XML
escaping, Excel's limits and quirks."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pyarrow as pa
from casa_pipelines.downloads.xlsx import MAX_CELL, SheetWriter, column_letter
from lxml import etree


def write(path: Path, table: pa.Table, batch_rows: int = 2) -> SheetWriter:
    with SheetWriter(path, "feuille-de-test", table.schema, table.num_rows) as writer:
        for batch in table.to_batches(max_chunksize=batch_rows):
            writer.write(batch)
    return writer


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]


def test_cells_keep_their_types_and_text_is_escaped(tmp_path: Path) -> None:
    texts = ["a & b < c > d", "=1+1", "\x01ctl", "_x0041_", "ligne\navec\tretour\r", "مرحبا", None, ""]
    n = len(texts)
    table = pa.table({
        "texte": pa.array(texts, pa.string()),
        "entier": pa.array([-3, 0, None, 2**40, 5, 6, 7, 8], pa.int64()),
        "reel": pa.array([-12.5, float("nan"), float("inf"), None, 1e-7, 1e20, 0.1, 3.0], pa.float64()),
        "vrai": pa.array([True, False, None, True, False, True, False, True], pa.bool_()),
        "jour": pa.array([dt.date(2019, 9, 16), dt.date(1900, 1, 15), dt.date(1900, 3, 1), None,
                          dt.date(2024, 2, 29), dt.date(1970, 1, 1), dt.date(9999, 12, 31), dt.date(2000, 1, 1)]),
        "instant": pa.array([dt.datetime(2024, 5, 1, 10, 30, 15), None, *[dt.datetime(2001, 1, 1)] * (n - 2)],
                            pa.timestamp("us", tz="UTC")),
    })
    path = tmp_path / "t.xlsx"
    assert write(path, table).truncated == 0
    with zipfile.ZipFile(path) as archive:  # every part is well-formed XML
        for name in archive.namelist():
            etree.fromstring(archive.read(name))
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.title == "feuille-de-test" and sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == table.column_names and sheet["A1"].font.b
    col = {name: [r[i] for r in rows[1:]] for i, name in enumerate(table.column_names)}
    assert col["texte"][0] == "a & b < c > d"
    assert col["texte"][1] == "=1+1" and sheet["A3"].data_type == "s"
    assert col["texte"][2] == "\ufffdctl"
    assert col["texte"][4] == "ligne\navec\tretour\r"
    assert col["texte"][5] == "مرحبا" and col["texte"][6] is None
    assert col["entier"] == [-3, 0, None, 2**40, 5, 6, 7, 8]
    assert col["reel"][0] == -12.5 and col["reel"][1] is None and col["reel"][2] is None
    assert col["reel"][4] == 1e-7 and col["reel"][5] == 1e20 and col["reel"][6] == 0.1
    assert col["vrai"][:3] == [True, False, None]
    assert col["jour"][0] == dt.datetime(2019, 9, 16) and sheet["E2"].number_format == "yyyy-mm-dd"
    assert col["jour"][1] == "1900-01-15"  # before Excel's serials are faithful: ISO text
    assert col["jour"][2] == dt.datetime(1900, 3, 1) and col["jour"][6] == dt.datetime(9999, 12, 31)
    assert col["instant"][0] == dt.datetime(2024, 5, 1, 10, 30, 15) and col["instant"][1] is None


def test_excel_escapes_in_text_are_protected(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write(path, pa.table({"t": ["_x0041_"]}))
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    # Excel would read _x0041_ as "A"; its own escape of the underscore keeps it.
    assert "_x005F_x0041_" in sheet


def test_text_over_the_cell_limit_is_truncated_and_counted(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    writer = write(path, pa.table({"t": ["x" * (MAX_CELL + 10), "court", "é" * MAX_CELL]}))
    assert writer.truncated == 1
    values = [r[0] for r in openpyxl.load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True)]
    assert values[1] == "x" * MAX_CELL and values[2] == "court" and len(values[3]) == MAX_CELL


def test_an_empty_table_has_its_header(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    write(path, pa.table({"a": pa.array([], pa.string()), "b": pa.array([], pa.int64())}))
    rows = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert rows == [("a", "b")]
