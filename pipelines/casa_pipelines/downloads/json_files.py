"""The JSON and GeoJSON downloads, rendered by PostgreSQL (``to_json``,
``ST_AsGeoJSON``) and streamed to disk as an array, one value per line (see
downloads.py).

A table with ``_id`` is rendered a range of ids at a time, each range's
values joined by the server into one piece: a row at a time, the Python
side handled two million small pieces for a million rows (JSON and GeoJSON),
and held the GIL the tabular files' writer needs while it did.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import psycopg
from psycopg import sql

from casa_pipelines.downloads.columns import Column

RANGE = 8192  # ids per piece: about 2 MB of JSON


def json_value(ident: sql.Identifier, columns: list[Column]) -> tuple[sql.Composable, sql.Composable]:
    """(the JSON value of row ``t``, the FROM clause it reads)."""
    select = sql.SQL(", ").join(json_select(c, prefix="t") for c in columns)
    return sql.SQL("to_json(r)"), sql.SQL("{t} t CROSS JOIN LATERAL (SELECT {select}) r").format(
        t=ident, select=select)


def geojson_value(ident: sql.Identifier, columns: list[Column],
                  geometry_column: str) -> tuple[sql.Composable, sql.Composable]:
    """(the GeoJSON feature of row ``t``, the FROM clause it reads)."""
    props = sql.SQL(", ").join(json_select(c, prefix="t") for c in columns if c.name != geometry_column)
    value = sql.SQL("json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(t.{g})::json, "
                    "'properties', to_json(p))").format(g=sql.Identifier(geometry_column))
    return value, sql.SQL("{t} t CROSS JOIN LATERAL (SELECT {props}) p").format(t=ident, props=props)


def order_by(has_id: bool) -> sql.Composable:
    return sql.SQL(" ORDER BY t.{}").format(sql.Identifier("_id")) if has_id else sql.SQL("")


def json_select(c: Column, prefix: str | None = None) -> sql.Composable:
    col = sql.Identifier(prefix, c.name) if prefix else sql.Identifier(c.name)
    if c.pg_type.startswith(("geometry", "geography")):
        return sql.SQL("ST_AsText({}) AS {}").format(col, sql.Identifier(c.label))
    return sql.SQL("{} AS {}").format(col, sql.Identifier(c.label))


def read_only(conn: psycopg.Connection, snapshot: str | None = None) -> None:
    """A read-only repeatable-read transaction (on ``snapshot``, exported by
    another one, when given) with the settings the files are written in."""
    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
    if snapshot is not None:
        conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))
    for setting, value in (("DateStyle", "ISO, YMD"), ("TimeZone", "UTC"), ("client_encoding", "UTF8"),
                           ("extra_float_digits", "1")):
        conn.execute(sql.SQL("SELECT set_config({}, {}, true)").format(sql.Literal(setting), sql.Literal(value)))


class Stopped(Exception):
    """The build this rendering belongs to failed or was interrupted."""


def json_files(url: str, snapshot: str, ident: sql.Identifier, columns: list[Column], has_id: bool,
               geometry_column: str | None, work: Path, slug: str, timings: dict[str, float],
               stop: threading.Event) -> None:
    """The JSON file, and the GeoJSON file when there is a geometry; gives up
    between two ranges of ids once ``stop`` is set."""
    with psycopg.connect(url, autocommit=False) as conn:
        read_only(conn, snapshot)
        mark = time.perf_counter()
        write_json_array(conn, ident, json_value(ident, columns), has_id, work / f"{slug}.json", b"[\n", b"\n]\n",
                         stop)
        timings["json"] = time.perf_counter() - mark
        geometry = next((c for c in columns if c.name == geometry_column), None)
        if geometry is not None:
            mark = time.perf_counter()
            write_json_array(conn, ident, geojson_value(ident, columns, geometry.name), has_id,
                             work / f"{slug}.geojson",
                            b'{"type": "FeatureCollection", "features": [\n', b"\n]}\n")
            timings["geojson"] = time.perf_counter() - mark
        conn.rollback()


def write_json_array(conn: psycopg.Connection, ident: sql.Identifier, rendered: tuple[sql.Composable, sql.Composable],
                     has_id: bool, target: Path, head: bytes, tail: bytes,
                     stop: threading.Event | None = None) -> None:
    """``head v1,\\nv2 ... tail``: every row's value, in ``_id`` order when
    the table has one."""
    value, source = rendered
    with target.open("wb") as out:
        out.write(head)
        first = True
        for piece in _pieces(conn, ident, value, source) if has_id else _rows(conn, value, source):
            if stop is not None and stop.is_set():
                raise Stopped
            if not first:
                out.write(b",\n")
            out.write(piece)
            first = False
        out.write(tail)
        out.flush()
        os.fsync(out.fileno())


def _pieces(conn: psycopg.Connection, ident: sql.Identifier, value: sql.Composable, source: sql.Composable):
    """The values of each range of ids, joined in id order by the server."""
    low, high = conn.execute(sql.SQL("SELECT min(_id), max(_id) FROM {}").format(ident)).fetchone()  # type: ignore[misc]
    if low is None:
        return
    query = sql.SQL("SELECT convert_to(string_agg(({v})::text, E',\\n' ORDER BY t._id), 'UTF8') FROM {s} "
                    "WHERE t._id >= %s AND t._id < %s").format(v=value, s=source)
    cursor = conn.cursor(binary=True)  # bytea as bytes, no hex text to decode
    for start in range(low, high + 1, RANGE):
        piece = cursor.execute(query, (start, start + RANGE)).fetchone()[0]  # type: ignore[index]
        if piece is not None:  # ids of rows a filter left out make empty ranges
            yield piece


def _rows(conn: psycopg.Connection, value: sql.Composable, source: sql.Composable):
    """Every row's value, a row at a time (a table without ``_id``).

    COPY in CSV mode with a delimiter and a quote character that JSON text
    never contains (PostgreSQL escapes every control character in JSON
    strings) and no raw newline: each value comes verbatim, one per line."""
    copy_sql = sql.SQL("COPY (SELECT {} FROM {}) TO STDOUT (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')").format(
        value, source)
    with conn.cursor().copy(copy_sql) as copy:
        for data in copy:
            yield bytes(data).rstrip(b"\n")
