"""Staging: COPY a validated table into an UNLOGGED table of ``casa_staging``,
a schema the public read-only user cannot see.

The rows go through PostgreSQL's COPY as CSV written by Arrow's C++ writer:
no Python loop per row, no INSERTs (DESIGN.md, decision 5). The table is
UNLOGGED because it is rebuilt from the source on any failure; only the
published table needs WAL.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg import sql

from casa_pipelines.errors import PublishError
from casa_pipelines.validate.engine import CompiledSchema

STAGING = "casa_staging"
_PG_TYPES = {"string": "text", "any": "text", "integer": "bigint", "number": "double precision",
             "boolean": "boolean", "date": "date", "year": "integer"}
COPY_CHUNK = 1 << 20
GEOMETRY = "_geometry"


@dataclass(frozen=True)
class Staged:
    schema: str
    table: str
    rows: int
    sha256: str  # of the canonical CSV: the same content hashes the same, whatever the source's encoding


def canonical_csv(typed: pa.Table) -> bytes:
    """The typed rows as CSV: what is staged, hashed and later downloaded."""
    buf = io.BytesIO()
    pacsv.write_csv(typed, buf, pacsv.WriteOptions(include_header=True, quoting_style="needed"))
    return buf.getvalue()


def table_prefix(slug: str) -> str:
    return slug.replace("-", "_")[:40]


def stage(conn: psycopg.Connection, slug: str, schema: CompiledSchema, typed: pa.Table) -> Staged:
    """Create ``casa_staging.<slug>__load_<id>`` and COPY the rows in.
    Runs in the caller's transaction, so a failure leaves nothing behind."""
    data = canonical_csv(typed)
    name = f"{table_prefix(slug)}__load_{uuid.uuid4().hex[:8]}"
    ident = sql.Identifier(STAGING, name)
    by_name = {f.name: f for f in schema.fields}
    # Besides the schema's fields: the GeoJSON geometry of each row, as text
    # (publish turns it into PostGIS geometry).
    extra = {GEOMETRY: "text"}
    columns = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_PG_TYPES[by_name[c].type] if c in by_name
                                                                  else extra.get(c, "bigint")))
               for c in typed.column_names]
    try:
        conn.execute(sql.SQL("CREATE UNLOGGED TABLE {} ({})").format(ident, sql.SQL(", ").join(columns)))
        with conn.cursor().copy(sql.SQL("COPY {} FROM STDIN (FORMAT csv, HEADER true)").format(ident)) as copy:
            view = memoryview(data)
            for start in range(0, len(data), COPY_CHUNK):
                copy.write(view[start:start + COPY_CHUNK])
    except psycopg.Error as exc:
        raise PublishError(f"Échec de la mise en zone de préparation : {exc.diag.message_primary or exc}",
                           f"Staging failed: {exc.diag.message_primary or exc}") from None
    return Staged(STAGING, name, typed.num_rows, hashlib.sha256(data).hexdigest())
