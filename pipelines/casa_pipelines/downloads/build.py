"""Downloads of a published release: CSV, XLSX, JSON, GeoJSON, Parquet and a
Frictionless ``datapackage.json``, built once per release from its public
table and never changed afterwards (releases are immutable).

Layout: ``<downloads root>/<slug>/<release>/<slug>.<ext>`` plus
``datapackage.json``. The portal serves these files at
``/donnees/<slug>/<release>/<file>`` (``ckanext.casa.views.downloads``).

How the files are made, without one Python object per row where it matters:

- the public table is read once with ``COPY ... TO STDOUT (FORMAT csv)`` into
  a scratch file, and Arrow's streaming CSV reader turns it into typed record
  batches (column types from the PostgreSQL catalogue, not guessed);
- each batch goes to the Parquet writer, to Arrow's CSV writer (after the
  formula neutralisation below, done with Arrow compute kernels) and, when
  the table fits in a sheet, to the vectorised XLSX writer of
  ``downloads_xlsx`` (about 12 µs a cell from Python libraries was minutes
  for a million rows);
- JSON and GeoJSON are rendered by PostgreSQL (``to_json``, ``ST_AsGeoJSON``),
  on a second connection reading the same snapshot, while this process writes
  the tabular files, and streamed to disk: one JSON value per line, joined
  into an array.

This module builds, locks and publishes the release directory; the formats
are written by ``downloads_tabular`` (Parquet, CSV, XLSX through
``downloads_xlsx``) and ``downloads_json``, and ``downloads_package`` writes
the Data Package descriptor.

Formula neutralisation (CSV only): a cell of a TEXT column whose value starts
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a single
quote (``'``) in front, so a spreadsheet opening the CSV shows the text
instead of running it as a formula. Cells of numeric, date and boolean
columns are never changed: ``-12.5`` in a number column stays ``-12.5``. A
text column holding ``-5`` is still text and becomes ``'-5``. The other
formats keep the values as they are: XLSX writes every text cell as a
string cell (never a formula), and JSON and Parquet are typed.

Geometry: the column named by ``geometry_column`` (PostGIS, SRID 4326) is
written as WKT text in the tabular files, in a column called ``geometry``
(unless the table already has a column of that name), and as the feature
geometry in the GeoJSON file.

Atomicity: everything is built in a hidden sibling directory
(``.<release>.tmp-<id>``) and renamed into place in one ``rename``; a build
killed half way leaves only that hidden directory, which the next build (under
the same lock) removes. A directory that exists with its ``datapackage.json``
is complete and is never rebuilt.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, BinaryIO

import psycopg
import pyarrow as pa
from psycopg import sql

from casa_pipelines.downloads.columns import Column
from casa_pipelines.downloads.datapackage import (
    package_descriptor,
    resource_descriptor,
    table_schema,
)
from casa_pipelines.downloads.json_files import json_files, order_by, read_only
from casa_pipelines.downloads.manifest import DATAPACKAGE, Manifest, Note, read_manifest
from casa_pipelines.downloads.tabular import tabular_files
from casa_pipelines.downloads.xlsx import MAX_CELL
from casa_pipelines.spec import DatasetSpec

log = logging.getLogger(__name__)

# Rows of data an XLSX sheet can hold: 1,048,576 rows minus the header.
XLSX_MAX_ROWS = 1_048_575
INTERNAL_COLUMNS = frozenset({"_id", "_full_text"})

# ---------------------------------------------------------------- public API


def build_downloads(url: str, table: tuple[str, str], spec: DatasetSpec, release: int, out_dir: Path,
                    *, geometry_column: str | None = None) -> Manifest:
    """Build the downloads of ``release`` from its public ``table`` into
    ``out_dir``, or return the manifest of the ones already there."""
    out_dir = Path(out_dir)
    existing = read_manifest(out_dir)
    if existing is not None:
        return existing
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    with _lock(out_dir):
        existing = read_manifest(out_dir)
        if existing is not None:
            return existing
        _clear_leftovers(out_dir)
        work = out_dir.parent / f".{out_dir.name}.tmp-{uuid.uuid4().hex[:12]}"
        work.mkdir()
        try:
            _build(url, table, spec, release, work, geometry_column)
            _fsync_dir(work)
            os.rename(work, out_dir)
            _fsync_dir(out_dir.parent)
        except BaseException:
            shutil.rmtree(work, ignore_errors=True)
            raise
    manifest = read_manifest(out_dir)
    assert manifest is not None
    return manifest


# ---------------------------------------------------------------- the build


def _build(url: str, table: tuple[str, str], spec: DatasetSpec, release: int, work: Path,
           geometry_column: str | None) -> None:
    slug = spec.slug
    timings: dict[str, float] = {}
    started = time.perf_counter()
    notes: list[Note] = []
    resources: list[dict[str, Any]] = []
    with psycopg.connect(url, autocommit=False) as conn, ThreadPoolExecutor(max_workers=1) as pool:
        read_only(conn)
        ident = sql.Identifier(*table)
        columns = _columns(conn, ident, geometry_column)
        has_id = _has_id(conn, ident)
        rows = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(ident)).fetchone()[0]  # type: ignore[index]
        # JSON and GeoJSON are rendered by the server while this process writes
        # the tabular files: two cores instead of one in turn (a million rows:
        # about 13.6 s -> 8.9 s in bench-downloads), on a second connection that reads the same
        # snapshot, as pg_dump's parallel jobs do.
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        stop = threading.Event()
        rendered = pool.submit(json_files, url, snapshot, ident, columns, has_id, geometry_column, work, slug,
                               timings, stop)

        scratch = work / ".rows.csv"
        write_xlsx = rows <= XLSX_MAX_ROWS
        try:
            _copy_csv(conn, ident, columns, has_id, scratch)
            timings["read"] = time.perf_counter() - started
            truncated = tabular_files(scratch, columns, work, slug, rows, write_xlsx, timings)
        except BaseException:
            stop.set()  # a failure or Ctrl-C here: the server's rendering stops at its next range
            raise
        finally:
            scratch.unlink(missing_ok=True)
            done = rendered.exception()  # waited for here, whatever happened to the tabular files
        if done is not None:
            raise done
        if not write_xlsx:
            notes.append(Note(
                "xlsx", "xlsx-too-many-rows",
                fr=f"Pas de fichier XLSX : {rows} lignes dépassent la limite d'une feuille Excel "
                   f"({XLSX_MAX_ROWS} lignes). Utilisez le CSV ou le Parquet.",
                ar=f"لا يوجد ملف XLSX: عدد الأسطر ({rows}) يتجاوز حد ورقة Excel "
                   f"({XLSX_MAX_ROWS} سطر). استعملوا ملف CSV أو Parquet.",
                en=f"No XLSX file: {rows} rows exceed an Excel sheet's limit ({XLSX_MAX_ROWS} rows). "
                   "Use the CSV or Parquet file.",
            ))
        if truncated:
            notes.append(Note(
                "xlsx", "xlsx-cell-truncated",
                fr=f"XLSX : {truncated} cellules de plus de {MAX_CELL} caractères ont été tronquées ; "
                   "les autres formats ont la valeur entière.",
                ar=f"XLSX: تم اقتطاع {truncated} خلية يتجاوز طولها {MAX_CELL} حرفا؛ "
                   "القيمة الكاملة موجودة في الصيغ الأخرى.",
                en=f"XLSX: {truncated} cells longer than {MAX_CELL} characters were truncated; "
                   "the other formats hold the whole value.",
            ))
        conn.rollback()

    schema = table_schema(spec, columns, geometry_column)
    for fmt in ("csv", "xlsx", "json", "parquet", "geojson"):
        path = work / f"{slug}.{fmt}"
        if path.exists():
            resources.append(resource_descriptor(path, fmt, slug, schema if fmt != "geojson" else None))
    package = package_descriptor(spec, release, rows, resources, notes)
    _write_synced(work / DATAPACKAGE, json.dumps(package, ensure_ascii=False, indent=2).encode() + b"\n")
    timings["total"] = time.perf_counter() - started
    log.info("downloads of %s release %s (%s rows) built in %s", slug, release, rows,
             ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))


def _columns(conn: psycopg.Connection, ident: sql.Identifier, geometry_column: str | None) -> list[Column]:
    found = conn.execute(
        "SELECT a.attname, t.typname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
        "JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        (ident.as_string(conn),)).fetchall()
    columns = []
    for name, typname, pg_type in found:
        if name in INTERNAL_COLUMNS or typname == "tsvector":
            continue
        col = sql.Identifier(name)
        if typname in ("int2", "int4", "int8"):
            columns.append(Column(name, name, "integer", pa.int64(), col, pg_type))
        elif typname in ("float4", "float8", "numeric"):
            columns.append(Column(name, name, "number", pa.float64(), sql.SQL("{}::float8").format(col),
                                   pg_type))
        elif typname == "bool":
            columns.append(Column(name, name, "boolean", pa.bool_(), col, pg_type))
        elif typname == "date":
            columns.append(Column(name, name, "date", pa.date32(), col, pg_type))
        elif typname == "timestamp":
            columns.append(Column(name, name, "datetime", pa.timestamp("us"), col, pg_type))
        elif typname == "timestamptz":
            columns.append(Column(name, name, "datetime", pa.timestamp("us", tz="UTC"),
                                   sql.SQL("({} AT TIME ZONE 'UTC')").format(col), pg_type))
        elif typname in ("geometry", "geography"):
            label = "geometry" if name == geometry_column and not any(
                row[0] == "geometry" for row in found) else name
            columns.append(Column(name, label, "string", pa.string(), sql.SQL("ST_AsText({})").format(col),
                                   pg_type))
        else:  # text, varchar, and anything else as its text form
            columns.append(Column(name, name, "string", pa.string(), sql.SQL("{}::text").format(col), pg_type))
    if geometry_column is not None and not any(c.name == geometry_column for c in columns):
        raise ValueError(f"geometry column {geometry_column!r} is not in the table")
    return columns


def _has_id(conn: psycopg.Connection, ident: sql.Identifier) -> bool:
    """Rows are written in ``_id`` order when the table has one (stable files)."""
    return conn.execute(
        "SELECT 1 FROM pg_attribute WHERE attrelid = %s::regclass AND attname = '_id' AND NOT attisdropped",
        (ident.as_string(conn),)).fetchone() is not None


def _copy_csv(conn: psycopg.Connection, ident: sql.Identifier, columns: list[Column], has_id: bool,
              target: Path) -> None:
    select = sql.SQL(", ").join(c.select for c in columns)
    query = sql.SQL("COPY (SELECT {} FROM {} t{}) TO STDOUT (FORMAT csv)").format(select, ident, order_by(has_id))
    with target.open("wb") as out, conn.cursor().copy(query) as copy:
        while data := copy.read():
            out.write(data)


# ---------------------------------------------------------------- files


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


@contextlib.contextmanager
def _lock(out_dir: Path) -> Iterator[None]:
    """One builder per release directory at a time (a second one waits, then
    finds the directory complete)."""
    lock_path = out_dir.parent / f".{out_dir.name}.lock"
    handle: BinaryIO = lock_path.open("ab")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
        handle.close()


def _clear_leftovers(out_dir: Path) -> None:
    """Under the lock: remove what killed builds left (hidden work
    directories), and an incomplete release directory if one exists."""
    for stale in out_dir.parent.glob(f".{out_dir.name}.tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)
    if out_dir.exists() and not (out_dir / DATAPACKAGE).exists():
        trash = out_dir.parent / f".{out_dir.name}.tmp-incomplete-{uuid.uuid4().hex[:8]}"
        os.rename(out_dir, trash)
        shutil.rmtree(trash, ignore_errors=True)
