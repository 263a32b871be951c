"""Staging: COPY a validated table into an UNLOGGED table of ``casa_staging``,
a schema the public read-only user cannot see.

The rows go through PostgreSQL's COPY as CSV written by Arrow's C++ writer:
no Python loop per row, no INSERTs (DESIGN.md, decision 5). The CSV is
streamed: each block is hashed and handed to a writer thread while Arrow
formats the next one and the server parses the previous one, and the whole
text is never held in memory. The table is UNLOGGED because it is rebuilt
from the source on any failure; only the published table needs WAL.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from queue import Queue

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

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


_CSV_OPTIONS = pacsv.WriteOptions(include_header=True, quoting_style="needed")


class _BoundedWriter(QueuedLibpqWriter):
    """psycopg's queued writer, holding fewer blocks. Its queue takes 1,024
    blocks of 128 kB: when the server parses slower than Arrow writes, that
    was 100 MB more memory for nothing; 32 blocks keep both sides busy.
    (Sets the private ``_queue`` of the pinned psycopg 3.3.)"""

    def __init__(self, cursor: psycopg.Cursor) -> None:
        super().__init__(cursor)
        self._queue = Queue(maxsize=32)


class _Sink:
    """A binary file for Arrow's CSV writer: every block it writes is
    hashed, then passed on."""

    def __init__(self, out: Callable[[bytes], object]) -> None:
        self.out = out
        self.sha256 = hashlib.sha256()
        self.closed = False

    def write(self, data: bytes) -> int:
        data = bytes(data)
        self.sha256.update(data)
        self.out(data)
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def writable(self) -> bool:
        return True


def write_canonical(typed: pa.Table | pa.RecordBatchReader, out: Callable[[bytes], object]) -> tuple[str, int]:
    """Write the typed rows as the canonical CSV to ``out``, a block at a
    time; return its sha256 and the row count. The same rows give the same
    bytes whether they come as a table or as a stream of batches."""
    sink = _Sink(out)
    rows = 0
    buffered = io.BufferedWriter(sink, buffer_size=COPY_CHUNK)  # type: ignore[arg-type]
    with pacsv.CSVWriter(buffered, typed.schema, write_options=_CSV_OPTIONS) as writer:
        batches = typed.to_batches() if isinstance(typed, pa.Table) else typed
        for batch in batches:
            writer.write_batch(batch)
            rows += batch.num_rows
    buffered.flush()
    return sink.sha256.hexdigest(), rows


def canonical_csv(typed: pa.Table) -> bytes:
    """The typed rows as CSV: what is staged, hashed and later downloaded."""
    buf = io.BytesIO()
    pacsv.write_csv(typed, buf, _CSV_OPTIONS)
    return buf.getvalue()


def table_prefix(slug: str) -> str:
    return slug.replace("-", "_")[:40]


def stage(conn: psycopg.Connection, slug: str, schema: CompiledSchema,
          typed: pa.Table | pa.RecordBatchReader, tee: Callable[[bytes], object] | None = None) -> Staged:
    """Create ``casa_staging.<slug>__load_<id>`` and COPY the rows in.
    Runs in the caller's transaction, so a failure leaves nothing behind.
    ``typed`` is a table, or a stream of batches (see ``typed_reader``);
    ``tee`` also gets every block of the canonical CSV (archive.py)."""
    name = f"{table_prefix(slug)}__load_{uuid.uuid4().hex[:8]}"
    ident = sql.Identifier(STAGING, name)
    by_name = {f.name: f for f in schema.fields}
    # Besides the schema's fields: the GeoJSON geometry of each row, as text
    # (publish turns it into PostGIS geometry).
    extra = {GEOMETRY: "text", "_search": "text"}  # and the folded words to search (search_text.py)
    columns = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(_PG_TYPES[by_name[c].type] if c in by_name
                                                                  else extra.get(c, "bigint")))
               for c in typed.schema.names]
    try:
        conn.execute(sql.SQL("CREATE UNLOGGED TABLE {} ({})").format(ident, sql.SQL(", ").join(columns)))
    except psycopg.Error as exc:
        raise PublishError(f"Échec de la mise en zone de préparation : {exc.diag.message_primary or exc}",
                           f"Staging failed: {exc.diag.message_primary or exc}") from None
    try:
        cursor = conn.cursor()
        with cursor.copy(sql.SQL("COPY {} FROM STDIN (FORMAT csv, HEADER true)").format(ident),
                         writer=_BoundedWriter(cursor)) as copy:
            if tee is None:
                digest, rows = write_canonical(typed, copy.write)
            else:
                def both(data: bytes) -> None:
                    tee(data)
                    copy.write(data)

                digest, rows = write_canonical(typed, both)
    except psycopg.Error as exc:
        raise PublishError(f"Échec de la mise en zone de préparation : {exc.diag.message_primary or exc}",
                           f"Staging failed: {exc.diag.message_primary or exc}") from None
    return Staged(STAGING, name, rows, digest)


def copy_bytes(conn: psycopg.Connection, table: sql.Composable, chunks: Iterable[bytes]) -> int:
    """COPY canonical CSV bytes (header first) into ``table``, in the
    caller's transaction; return the number of rows."""
    try:
        cursor = conn.cursor()
        with cursor.copy(sql.SQL("COPY {} FROM STDIN (FORMAT csv, HEADER true)").format(table),
                         writer=_BoundedWriter(cursor)) as copy:
            for chunk in chunks:
                copy.write(chunk)
        return cursor.rowcount
    except psycopg.Error as exc:
        raise PublishError(f"Échec de la mise en zone de préparation : {exc.diag.message_primary or exc}",
                           f"Staging failed: {exc.diag.message_primary or exc}") from None
