"""Writes the binary and large files of the bad-input corpus (not committed:
a zip bomb or a 10 MB line has no place in git)."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

P_HEADER = "code,niveau,nom_fr,milieu,population_legale,population_municipale,hommes_pct,femmes_pct\n"
E_HEADER = "id,nom_fr,nom_ar,categorie,arrondissement_code,date_ouverture,capacite\n"
ARABIC = "EQ-000001,Ecole,مدرسة ابن بطوطة,enseignement,06.141.01.01,2020-01-01,10\n"
FRENCH = "EQ-000002,École Préfecture Aïn Sebaâ,,enseignement,06.141.01.01,2020-01-01,10\n"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _xlsx(path: Path, rows: list[list[object]], extra_sheet: bool = False) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if extra_sheet:
        wb.create_sheet("Feuil2")
    wb.save(path)


def generate(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    w = lambda name, data: (target / name).write_bytes(data)
    w("cp1256_arabic.csv", (P_HEADER + "06,region,الدار البيضاء سطات,total,7688967,7651096,49.9,50.1\n").encode("cp1256"))
    w("latin1_french.csv", (P_HEADER + "06,region,Région Casablanca-Settat,total,7688967,7651096,49.9,50.1\n")
      .encode("latin-1"))
    w("mixed_encodings.csv", E_HEADER.encode() + ARABIC.encode("utf-8") + FRENCH.encode("cp1252"))
    w("nul_bytes.csv", (P_HEADER + "06,region,Casa\x00blanca,total,1,1,49.9,50.1\n").encode())
    # No NUL byte in the file: JSON's escape gives one once parsed.
    w("nul_in_property.geojson", json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-7.62, 33.59]},
         "properties": {"id": "EQ-0001", "nom_fr": "École\u0000 Anfa", "categorie": "enseignement"}}]}).encode())
    w("utf16_without_bom.csv", (P_HEADER + "06,region,Casablanca,total,1,1,49.9,50.1\n").encode("utf-16-le"))
    w("binary_renamed.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    w("long_line.csv", P_HEADER.encode() + b"06,region," + b"x" * (10 << 20) + b",total,1,1,49.9,50.1\n")
    # 1 GiB of zeros compresses to about 1 MB: refused long before it is inflated.
    bomb = io.BytesIO()
    chunk = b"0" * (1 << 20)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
            zf.open("data.csv", "w", force_zip64=True) as member:
        for _ in range(1024):
            member.write(chunk)
    w("zip_bomb.zip", bomb.getvalue())
    w("zip_traversal.zip", _zip({"../../etc/cron.d/evil.csv": E_HEADER.encode()}))
    w("zip_absolute_path.zip", _zip({"/tmp/evil.csv": E_HEADER.encode()}))
    w("zip_two_members.zip", _zip({"a.csv": E_HEADER.encode(), "b.csv": E_HEADER.encode()}))
    w("zip_truncated.zip", _zip({"a.csv": (E_HEADER + ARABIC).encode() * 50})[:120])
    _xlsx(target / "formula_cells.xlsx", [E_HEADER.strip().split(","),
                                          ["EQ-000001", "École", "", "enseignement", "06.141.01.01", "2020-01-01",
                                           "=SUM(1,2)"]])
    _xlsx(target / "two_sheets.xlsx", [E_HEADER.strip().split(",")], extra_sheet=True)
    w("xlsx_renamed.csv", (target / "two_sheets.xlsx").read_bytes())
    _xlsx(target / "nul_escape.xlsx", [E_HEADER.strip().split(","),
                                       ["EQ-000001", "Anfa", "", "enseignement", "06.141.01.01", "2020-01-01", 30]])
    w("nul_escape.xlsx", _with_nul_escape(target / "nul_escape.xlsx", "Anfa"))
    # Issue 13: the steward CLI's faults.
    w("deep_nesting.geojson", ('{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, '
                               '"geometry": {"type": "Point", "coordinates": ' + "[" * 100_000 + "]" * 100_000 +
                               "}}]}").encode())
    w("wide_columns.csv", (",".join(f"k{i}" for i in range(10_000)) + "\n" + ",".join("x" * 10_000) + "\n").encode())
    w("wide_row.csv", (P_HEADER + "06,region,Casablanca,total,1,1,49.9,50.1\n" + "06,region,Casablanca,total,1,1,49.9,50.1"
                       + ",x" * 10_000 + "\n").encode())
    # Non-regular files: a device's and a FIFO's size (st_size 0) says nothing of what a read gives.
    os.symlink("/dev/zero", target / "device_symlink.csv")
    os.mkfifo(target / "fifo.csv")
    os.symlink("/dev/zero", target / "zip_member_device.zip")
    w("zip_wide_member.zip", _zip({"data.csv": (target / "wide_columns.csv").read_bytes()}))


def _with_nul_escape(path: Path, text: str) -> bytes:
    """``path`` with the cell ``text`` written as ``text_x0000_``: Excel's
    escape for a character XML cannot carry, which readers decode to U+0000
    (openpyxl refuses to write the character itself)."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/") and item.filename.endswith(".xml"):
                data = data.replace(f">{text}<".encode(), f">{text}_x0000_<".encode())
            target.writestr(item, data)
    return out.getvalue()


if __name__ == "__main__":
    import sys

    generate(Path(sys.argv[1] if len(sys.argv) > 1 else "bad-corpus"))
