"""Extraction: a source file (CSV, XLSX, GeoJSON, or a zip of one) -> Table.

Every cell is read as text; casting belongs to validation, so a value such
as ``n/a`` in a number column is reported, never turned into a blank.
"""

from __future__ import annotations

import dataclasses
import tempfile
import weakref
from pathlib import Path

from casa_pipelines.errors import SourceError
from casa_pipelines.extract import csv_file
from casa_pipelines.extract.archive import ArchiveLimits, remove_spool, spool_member
from casa_pipelines.extract.csv_reader import read_csv, read_in_memory
from casa_pipelines.extract.encoding import check_binary, decode
from casa_pipelines.extract.files import MAX_FILE_BYTES, read_bounded
from casa_pipelines.extract.geojson_reader import read_geojson
from casa_pipelines.extract.table import Table, check_width
from casa_pipelines.extract.xlsx_reader import read_xlsx
from casa_pipelines.spec import SourceSpec

__all__ = ["MAX_FILE_BYTES", "Table", "extract", "extract_bytes"]

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
            limits: ArchiveLimits | None = None, name: str | None = None) -> Table:
    """Read ``path`` as declared by ``source``; ``encoding`` overrides it.
    ``name``: how messages name the file (by default its file name)."""
    path = Path(path)
    name = name or path.name
    source = source or SourceSpec()
    try:
        fmt = _format_of(name, source.format)
        if fmt == "zip":
            return _extract_zip(path, name, source, encoding, limits or ArchiveLimits())
        if fmt == "csv":
            plan = csv_file.scan(path, encoding or source.encoding, source.delimiter, name=name)
            if plan is not None:
                # Read in place by the engine: the file is never held in memory.
                return check_width(Table(name=name, header=plan.header, format="csv", encoding="utf-8",
                                         delimiter=plan.delimiter, file=plan, reader=read_in_memory))
        data = read_bounded(path, name)
    except FileNotFoundError:
        raise SourceError(f"Fichier introuvable : {path}", f"File not found: {path}") from None
    except IsADirectoryError:
        raise SourceError(f"{path} est un dossier, pas un fichier.", f"{path} is a directory, not a file.") from None
    except PermissionError:
        raise SourceError(f"Lecture refusée : {path}", f"Permission denied: {path}") from None
    return extract_bytes(data, name, dataclasses.replace(source, format=fmt), encoding=encoding, limits=limits)


def _extract_zip(path: Path, name: str, source: SourceSpec, encoding: str | None, limits: ArchiveLimits) -> Table:
    member, spooled = spool_member(path, name, source.member, limits)
    try:
        inner = f"{name}!{member}"
        if _format_of(member, None) == "zip":
            raise SourceError(f"{inner} : archive dans une archive, refusée.", f"{inner}: nested archive refused.")
        table = extract(spooled, dataclasses.replace(source, format=None), encoding=encoding, name=inner)
    except BaseException:
        remove_spool(spooled)
        raise
    # The member's file lives as long as the table that may read it in place.
    weakref.finalize(table, remove_spool, spooled)
    return table


def extract_bytes(data: bytes, name: str, source: SourceSpec | None = None, *,
                  encoding: str | None = None, limits: ArchiveLimits | None = None) -> Table:
    source = source or SourceSpec()
    fmt = _format_of(name, source.format)
    if fmt == "zip":
        with tempfile.TemporaryDirectory(prefix="casa-zip-") as folder:
            archive = Path(folder) / "archive.zip"
            archive.write_bytes(data)
            table = extract(archive, source, encoding=encoding, limits=limits, name=name)
            table.load()  # the folder goes away: nothing may be read in place from it
            return table
    if not data.strip():
        raise SourceError(f"{name} est vide.", f"{name} is empty.")
    if fmt == "xlsx":
        return _without_nul(read_xlsx(data, name, source.sheet), "la cellule", "cell")
    check_binary(data, name)
    text, used = decode(data, name, encoding or source.encoding)
    if fmt == "geojson":
        return _without_nul(read_geojson(text, name, used), "la propriété", "property")
    return check_width(read_csv(text, name, encoding=used, delimiter=source.delimiter,
                                raw=data if used == "utf-8" else None))


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
