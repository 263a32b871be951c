"""Extraction: a source file (CSV, XLSX, GeoJSON, or a zip of one) -> Table.

Every cell is read as text; casting belongs to validation, so a value such
as ``n/a`` in a number column is reported, never turned into a blank.
"""

from __future__ import annotations

from pathlib import Path

from casa_pipelines.errors import SourceError
from casa_pipelines.extract import csv_file
from casa_pipelines.extract.archive import ArchiveLimits, read_member
from casa_pipelines.extract.csv_reader import read_csv, read_in_memory
from casa_pipelines.extract.encoding import check_binary, decode
from casa_pipelines.extract.geojson_reader import read_geojson
from casa_pipelines.extract.table import Table
from casa_pipelines.extract.xlsx_reader import read_xlsx
from casa_pipelines.spec import SourceSpec

__all__ = ["MAX_FILE_BYTES", "Table", "extract", "extract_bytes"]

MAX_FILE_BYTES = 2 << 30
_SUFFIX_FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".xlsx": "xlsx",
                   ".geojson": "geojson", ".json": "geojson", ".zip": "zip"}


def _format_of(name: str, declared: str | None) -> str:
    if declared:
        return declared
    fmt = _SUFFIX_FORMATS.get(Path(name).suffix.lower())
    if fmt is None:
        raise SourceError(
            f"{name} : format inconnu (extension « {Path(name).suffix} ») ; formats acceptés : CSV, XLSX, "
            "GeoJSON, ZIP ; ou déclarez source.format.",
            f"{name}: unknown format (suffix '{Path(name).suffix}'); accepted: CSV, XLSX, GeoJSON, ZIP; "
            "or declare source.format.",
        )
    return fmt


def extract(path: Path, source: SourceSpec | None = None, *, encoding: str | None = None,
            limits: ArchiveLimits | None = None) -> Table:
    """Read ``path`` as declared by ``source``; ``encoding`` overrides it."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SourceError(f"{path.name} : {size:,} octets, au-delà de la limite de {MAX_FILE_BYTES:,}.",
                              f"{path.name}: {size:,} bytes, over the {MAX_FILE_BYTES:,} limit.")
        source = source or SourceSpec()
        if _format_of(path.name, source.format) == "csv":
            plan = csv_file.scan(path, encoding or source.encoding, source.delimiter)
            if plan is not None:
                # Read in place by the engine: the file is never held in memory.
                return Table(name=path.name, header=plan.header, format="csv", encoding="utf-8",
                             delimiter=plan.delimiter, file=plan, reader=read_in_memory)
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"Fichier introuvable : {path}", f"File not found: {path}") from None
    except IsADirectoryError:
        raise SourceError(f"{path} est un dossier, pas un fichier.", f"{path} is a directory, not a file.") from None
    except PermissionError:
        raise SourceError(f"Lecture refusée : {path}", f"Permission denied: {path}") from None
    return extract_bytes(data, path.name, source, encoding=encoding, limits=limits)


def extract_bytes(data: bytes, name: str, source: SourceSpec | None = None, *,
                  encoding: str | None = None, limits: ArchiveLimits | None = None) -> Table:
    source = source or SourceSpec()
    fmt = _format_of(name, source.format)
    if fmt == "zip":
        member, data = read_member(data, name, source.member, limits or ArchiveLimits())
        name = f"{name}!{member}"
        fmt = _format_of(member, None)
        if fmt == "zip":
            raise SourceError(f"{name} : archive dans une archive, refusée.", f"{name}: nested archive refused.")
    if not data.strip():
        raise SourceError(f"{name} est vide.", f"{name} is empty.")
    if fmt == "xlsx":
        return _without_nul(read_xlsx(data, name, source.sheet), "la cellule", "cell")
    check_binary(data, name)
    text, used = decode(data, name, encoding or source.encoding)
    if fmt == "geojson":
        return _without_nul(read_geojson(text, name, used), "la propriété", "property")
    return read_csv(text, name, encoding=used, delimiter=source.delimiter, raw=data if used == "utf-8" else None)


def _without_nul(table: Table, what_fr: str, what_en: str) -> Table:
    """Refuse U+0000 in a label or a cell (JSON's ``\\u0000``, an XLSX
    ``_x0000_``): PostgreSQL text cannot hold it, and the load would fail
    at staging without saying where. CSV files are checked byte by byte
    before they are decoded (encoding.check_binary)."""
    for i, label in enumerate(table.header, start=1):
        if "\x00" in label:
            raise SourceError(f"{table.name} : caractère NUL (U+0000) dans l'en-tête, colonne {i} ; retirez-le.",
                              f"{table.name}: NUL character (U+0000) in the header, column {i}; remove it.")
    for number, row in zip(table.row_numbers, table.rows):
        if "\x00" in "".join(row):
            i = next(i for i, cell in enumerate(row) if "\x00" in cell)
            column = table.header[i] if i < len(table.header) else str(i + 1)
            raise SourceError(
                f"{table.name} : caractère NUL (U+0000) ligne {number}, {what_fr} « {column} » ; PostgreSQL ne "
                "peut pas l'enregistrer : retirez-le du fichier.",
                f"{table.name}: NUL character (U+0000) on row {number}, {what_en} '{column}'; PostgreSQL cannot "
                "store it: remove it from the file.")
    return table
