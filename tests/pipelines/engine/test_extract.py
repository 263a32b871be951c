"""Extraction keeps every cell as text and never guesses an encoding it
cannot establish."""

from __future__ import annotations

import io
import zipfile

import pytest
from casa_pipelines.errors import SourceError
from casa_pipelines.extract import extract_bytes
from casa_pipelines.extract.archive import ArchiveLimits
from casa_pipelines.spec import SourceSpec

ARABIC = "code;nom_ar\n06.141;الدار البيضاء\n06.371;المحمدية\n"
FRENCH = "code;nom\n06.141;Préfecture Aïn Sebaâ – Hay Mohammadi\n06.371;ÉCOLE Zénata\n"
LATIN1 = "code;nom\n06.141;Préfecture d'Aïn Sebaâ\n06.371;Lycée Zénata, Élèves\n"


@pytest.mark.parametrize(("text", "encoding"), [(ARABIC, "cp1256"), (FRENCH, "cp1252"), (ARABIC, "utf-8"),
                                                (FRENCH, "utf-8"), (LATIN1, "latin-1")])
def test_encoding_detected(text: str, encoding: str) -> None:
    table = extract_bytes(text.encode(encoding), "f.csv")
    assert table.rows == [r.split(";") for r in text.splitlines()[1:]]
    assert table.delimiter == ";"


def test_ambiguous_single_byte_text_is_refused() -> None:
    # The same two bytes read "ÉÇ" in cp1252 and "ةا" in cp1256: no honest guess exists.
    data = "code,nom\n1,ÉÇ\n".encode("cp1252")
    with pytest.raises(SourceError, match="source.encoding"):
        extract_bytes(data, "f.csv")


def test_declared_encoding_is_applied_strictly() -> None:
    with pytest.raises(SourceError, match="ligne 2"):
        extract_bytes(ARABIC.encode("cp1256"), "f.csv", SourceSpec(encoding="utf-8"))
    table = extract_bytes(ARABIC.encode("cp1256"), "f.csv", encoding="cp1256")
    assert table.rows[0][1] == "الدار البيضاء"


def test_cells_stay_text() -> None:
    table = extract_bytes(b"a,b,c\nn/a,NA, 007 \n,NULL,-\n", "f.csv")
    assert table.rows == [["n/a", "NA", " 007 "], ["", "NULL", "-"]]


def test_zip_member_and_limits() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("docs/readme.txt", "x")
        zf.writestr("data/equipements.csv", "id,nom\n1," + "a" * 5000 + "\n")
    data = buf.getvalue()
    table = extract_bytes(data, "eq.zip", SourceSpec(member="data/equipements.csv"))
    assert table.name == "eq.zip!data/equipements.csv" and table.rows[0][0] == "1"
    with pytest.raises(SourceError, match="exactement un fichier"):
        extract_bytes(data, "eq.zip")
    with pytest.raises(SourceError, match="bombe"):
        # The ratio is measured as bytes come out, past a floor that small files never reach: none here.
        extract_bytes(data, "eq.zip", SourceSpec(member="data/equipements.csv"),
                      limits=ArchiveLimits(max_ratio=2, ratio_after=0))


def test_xlsx_values_as_text(tmp_path) -> None:
    import datetime as dt

    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["id", "n", "x", "d", "ok"])
    wb.active.append(["EQ-1", 12, 2.5, dt.datetime(2024, 9, 1), True])
    wb.active.append(["EQ-2", None, "n/a"])
    wb.save(tmp_path / "f.xlsx")
    table = extract_bytes((tmp_path / "f.xlsx").read_bytes(), "f.xlsx")
    assert table.rows == [["EQ-1", "12", "2.5", "2024-09-01", "true"], ["EQ-2", "", "n/a", "", ""]]
    assert table.row_numbers == [2, 3]


def test_xlsx_escapes_decoded_as_excel_shows_them(tmp_path) -> None:
    """OOXML's _xHHHH_ escapes (Excel writes a carriage return as _x000D_)
    are decoded; an escaped underscore keeps a literal "_x0041_" as text."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["id", "adresse", "note"])
    wb.active.append(["EQ-1", "12 rue X_x000D_\nCasablanca", "code _x005F_x0041_"])
    wb.save(tmp_path / "f.xlsx")
    table = extract_bytes((tmp_path / "f.xlsx").read_bytes(), "f.xlsx")
    assert table.rows == [["EQ-1", "12 rue X\r\nCasablanca", "code _x0041_"]]
