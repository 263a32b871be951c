"""XLSX -> Table. Cells become the text a steward sees in the sheet; formula
cells are refused because their cached values may be stale or absent."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from casa_pipelines.errors import SourceError
from casa_pipelines.extract.table import Table


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        # OOXML writes characters XML cannot carry as _xHHHH_ (Excel's
        # carriage returns as _x000D_, a literal "_x" as _x005F_x); openpyxl
        # leaves them encoded, Excel shows them decoded: decode them too.
        from openpyxl.utils.escape import unescape

        return unescape(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes, name: str, sheet: str | None) -> Table:
    import openpyxl
    from openpyxl.utils import get_column_letter

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SourceError(f"{name} : classeur XLSX illisible ({exc}).", f"{name}: unreadable XLSX workbook ({exc}).") from None
    if sheet is None and len(wb.sheetnames) > 1:
        raise SourceError(f"{name} : plusieurs feuilles ({', '.join(wb.sheetnames)}) ; indiquez source.sheet.",
                          f"{name}: several sheets ({', '.join(wb.sheetnames)}); set source.sheet.")
    if sheet is not None and sheet not in wb.sheetnames:
        raise SourceError(f"{name} : feuille « {sheet} » introuvable ({', '.join(wb.sheetnames)}).",
                          f"{name}: sheet '{sheet}' not found ({', '.join(wb.sheetnames)}).")
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows: list[list[str]] = []
    numbers: list[int] = []
    for excel_row in ws.iter_rows():
        values = []
        for cell in excel_row:
            if getattr(cell, "data_type", None) == "f":
                where = f"{get_column_letter(cell.column)}{cell.row}"
                raise SourceError(
                    f"{name} : la cellule {where} contient une formule ({str(cell.value)[:40]}) ; "
                    "remplacez les formules par leurs valeurs (copier, collage spécial « valeurs »).",
                    f"{name}: cell {where} holds a formula ({str(cell.value)[:40]}); replace formulas "
                    "with their values (copy, paste special 'values').",
                )
            values.append(_text(cell.value))
        while values and values[-1] == "":
            values.pop()
        rows.append(values)
        numbers.append(excel_row[0].row if excel_row else len(numbers) + 1)
    wb.close()
    while rows and not rows[-1]:  # trailing formatted-but-empty rows
        rows.pop()
    if not rows:
        raise SourceError(f"{name} : la feuille est vide.", f"{name}: the sheet is empty.")
    header, body = rows[0], rows[1:]
    body = [r + [""] * (len(header) - len(r)) if len(r) < len(header) else r for r in body]
    return Table(name=name, header=header, rows_=body, row_numbers_=numbers[1:], format="xlsx")
