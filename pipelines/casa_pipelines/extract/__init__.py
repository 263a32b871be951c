"""Extraction: a source file (CSV, XLSX, GeoJSON, or a zip of one) -> Table.

Every cell is read as text; casting belongs to validation, so a value such
as ``n/a`` in a number column is reported, never turned into a blank.
"""

from __future__ import annotations

from pathlib import Path

from casa_pipelines.errors import SourceError
from casa_pipelines.extract import csv_file
from casa_pipelines.extract.archive import ArchiveLimits, read_member
from casa_pipelines.extract.csv_reader import read_csv
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
                             delimiter=plan.delimiter, file=plan)
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
        return read_xlsx(data, name, source.sheet)
    check_binary(data, name)
    text, used = decode(data, name, encoding or source.encoding)
    if fmt == "geojson":
        return read_geojson(text, name, used)
    return read_csv(text, name, encoding=used, delimiter=source.delimiter, raw=data if used == "utf-8" else None)
