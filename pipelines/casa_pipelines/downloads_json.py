"""The JSON and GeoJSON downloads, rendered by PostgreSQL (``to_json``,
``ST_AsGeoJSON``) and streamed to disk: one JSON value per line, joined
into an array (see downloads.py)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg
from psycopg import sql

if TYPE_CHECKING:
    from casa_pipelines.downloads import _Column as Column


def json_query(ident: sql.Identifier, columns: list[Column], has_id: bool) -> sql.Composable:
    select = sql.SQL(", ").join(json_select(c, prefix="t") for c in columns)
    return sql.SQL("SELECT to_json(r) FROM {t} t CROSS JOIN LATERAL (SELECT {select}) r{order}").format(
        t=ident, select=select, order=order_by(has_id))


def geojson_query(ident: sql.Identifier, columns: list[Column], has_id: bool,
                   geometry_column: str) -> sql.Composable:
    props = sql.SQL(", ").join(json_select(c, prefix="t") for c in columns if c.name != geometry_column)
    return sql.SQL(
        "SELECT json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(t.{g})::json, "
        "'properties', to_json(p)) FROM {t} t CROSS JOIN LATERAL (SELECT {props}) p{order}"
    ).format(g=sql.Identifier(geometry_column), t=ident, props=props,
             order=order_by(has_id))


def order_by(has_id: bool) -> sql.Composable:
    return sql.SQL(" ORDER BY t.{}").format(sql.Identifier("_id")) if has_id else sql.SQL("")


def json_select(c: Column, prefix: str | None = None) -> sql.Composable:
    col = sql.Identifier(prefix, c.name) if prefix else sql.Identifier(c.name)
    if c.pg_type.startswith(("geometry", "geography")):
        return sql.SQL("ST_AsText({}) AS {}").format(col, sql.Identifier(c.label))
    return sql.SQL("{} AS {}").format(col, sql.Identifier(c.label))


def copy_json_lines(conn: psycopg.Connection, query: sql.Composable, target: Path, head: bytes,
                     tail: bytes) -> None:
    """Stream one JSON value per row into ``head v1,\\nv2 ... tail``.

    COPY in CSV mode with a delimiter and a quote character that JSON text
    never contains (PostgreSQL escapes every control character in JSON
    strings) and no raw newline: each value is written verbatim, one per
    line, so only the line ends need a comma."""
    copy_sql = sql.SQL("COPY ({}) TO STDOUT (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')").format(query)
    pending = b""
    with target.open("wb") as out:
        out.write(head)
        with conn.cursor().copy(copy_sql) as copy:
            while data := copy.read():
                chunk = pending + bytes(data).replace(b"\n", b",\n")
                out.write(chunk[:-2])
                pending = chunk[-2:]
        # ``pending`` is the last line's ",\n" (or nothing when there is no row).
        out.write(tail)
        out.flush()
        os.fsync(out.fileno())
