"""Staging: COPY a validated table into an UNLOGGED table of ``casa_staging``,
a schema the public read-only user cannot see.

The rows go through PostgreSQL's binary COPY, encoded from Arrow batches by
pgpq (Rust): no Python loop per row, no INSERTs (row-by-row inserts were about
50 times slower than COPY on a million rows). The
server reads binary values as they are, where CSV made it parse every
number, date and quoted cell: for a million rows, 0.8 s of server time
instead of 1.7 s, for the same encoding cost on our side (bench-ingest).
The stream is produced batch by batch: each block is hashed and handed to a
writer thread while the next batch is typed and encoded, and the whole
stream is never held in memory. The table is UNLOGGED because it is rebuilt
from the source on any failure; only the published table needs WAL.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from queue import Empty, Full, Queue

import pgpq
import psycopg
import pyarrow as pa
from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from casa_pipelines.errors import PublishError
from casa_pipelines.validate.engine import CompiledSchema

STAGING = "casa_staging"
_PG_TYPES = {"string": "text", "any": "text", "integer": "bigint", "number": "double precision",
             "boolean": "boolean", "date": "date", "year": "integer"}
# The Arrow type whose binary encoding each staged column type reads.
_ARROW_TYPES = {"text": pa.string(), "bigint": pa.int64(), "double precision": pa.float64(),
                "boolean": pa.bool_(), "date": pa.date32(), "integer": pa.int32()}
COPY_CHUNK = 1 << 20
GEOMETRY = "_geometry"
# Formats of the staged stream (and of the archive that keeps it, archive.py).
BINARY, CSV = "binary", "csv"


@dataclass(frozen=True)
class Staged:
    schema: str
    table: str
    rows: int
    # Of the binary COPY stream: the same typed content hashes the same,
    # whatever the source's format or encoding.
    sha256: str


class _BoundedWriter(QueuedLibpqWriter):
    """psycopg's queued writer, holding fewer blocks. Its queue takes 1,024
    blocks of 128 kB: when the server parses slower than Arrow writes, that
    was 100 MB more memory for nothing; 32 blocks keep both sides busy.
    (Sets the private ``_queue`` of the pinned psycopg 3.3.)"""

    def __init__(self, cursor: psycopg.Cursor) -> None:
        super().__init__(cursor)
        self._queue = Queue(maxsize=32)


def write_stream(typed: pa.Table | pa.RecordBatchReader, out: Callable[[bytes], object]) -> tuple[str, int]:
    """Write the typed rows as a binary COPY stream (header, rows, trailer) to
    ``out``, a block at a time; return its sha256 and the row count. The same
    rows give the same bytes whether they come as a table or as a stream of
    batches, in batches of any size."""
    batches = typed.to_batches() if isinstance(typed, pa.Table) else typed
    encoder = pgpq.ArrowToPostgresBinaryEncoder(typed.schema)
    sha256 = hashlib.sha256()
    rows = 0

    def emit(data: bytes) -> None:
        sha256.update(data)
        out(data)

    emit(encoder.write_header())
    for batch in batches:
        if batch.num_rows:
            emit(encoder.write_batch(batch))
            rows += batch.num_rows
    emit(encoder.finish())
    return sha256.hexdigest(), rows


def _conformed(typed: pa.Table | pa.RecordBatchReader,
               types: list[pa.DataType]) -> pa.Table | pa.RecordBatchReader:
    """``typed`` with each column of the Arrow type its staged column reads
    in binary (a no-op for the engine's own output)."""
    schema = pa.schema([pa.field(name, t) for name, t in zip(typed.schema.names, types)])
    if schema == typed.schema:
        return typed
    if isinstance(typed, pa.Table):
        return typed.cast(schema)
    return pa.RecordBatchReader.from_batches(schema, (batch.cast(schema) for batch in typed))


def prefetched(reader: pa.RecordBatchReader, depth: int = 1) -> pa.RecordBatchReader:
    """``reader``'s batches, produced by a thread of their own, up to ``depth``
    ahead: typing a batch (DuckDB, Arrow's kernels) then runs while the one
    before is encoded, hashed, compressed and sent, instead of in turn (all of
    them release the GIL). The thread starts with the first read; an error
    of the producer is raised here; closing the stream early stops it."""
    end = object()
    queue: Queue = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.1)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for batch in reader:
                if not put(batch):
                    return
        except BaseException as exc:  # noqa: BLE001 (handed to the consumer, raised there)
            put(exc)
            return
        put(end)

    def batches() -> Iterator[pa.RecordBatch]:
        # Started by the first read, so that a stream never read (the load
        # failed before staging) leaves no thread waiting to hand it a batch.
        thread = threading.Thread(target=produce, name="casa-stage-prefetch", daemon=True)
        thread.start()
        try:
            while True:
                try:
                    item = queue.get(timeout=0.1)
                except Empty:
                    if not thread.is_alive() and queue.empty():
                        raise RuntimeError("staging: the batch producer stopped without a word") from None
                    continue
                if item is end:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            thread.join()

    return pa.RecordBatchReader.from_batches(reader.schema, batches())


def table_prefix(slug: str) -> str:
    return slug.replace("-", "_")[:40]


def stage(conn: psycopg.Connection, slug: str, schema: CompiledSchema,
          typed: pa.Table | pa.RecordBatchReader, tee: Callable[[bytes], object] | None = None) -> Staged:
    """Create ``casa_staging.<slug>__load_<id>`` and COPY the rows in.
    Runs in the caller's transaction, so a failure leaves nothing behind.
    ``typed`` is a table, or a stream of batches (see ``typed_reader``);
    ``tee`` also gets every block of the binary stream (archive.py)."""
    name = f"{table_prefix(slug)}__load_{uuid.uuid4().hex[:8]}"
    ident = sql.Identifier(STAGING, name)
    by_name = {f.name: f for f in schema.fields}
    # Besides the schema's fields: the GeoJSON geometry of each row, as text
    # (publish turns it into PostGIS geometry), and the folded words to search
    # (search_text.py); any other extra column is a row number.
    extra = {GEOMETRY: "text", "_search": "text"}
    pg_types = [_PG_TYPES[by_name[c].type] if c in by_name else extra.get(c, "bigint") for c in typed.schema.names]
    columns = [sql.SQL("{} {}").format(sql.Identifier(c), sql.SQL(t)) for c, t in zip(typed.schema.names, pg_types)]
    typed = _conformed(typed, [_ARROW_TYPES[t] for t in pg_types])
    try:
        conn.execute(sql.SQL("CREATE UNLOGGED TABLE {} ({})").format(ident, sql.SQL(", ").join(columns)))
    except psycopg.Error as exc:
        raise PublishError(f"Échec de la mise en zone de préparation : {exc.diag.message_primary or exc}",
                           f"Staging failed: {exc.diag.message_primary or exc}") from None
    try:
        cursor = conn.cursor()
        with cursor.copy(sql.SQL("COPY {} FROM STDIN (FORMAT binary)").format(ident),
                         writer=_BoundedWriter(cursor)) as copy:
            if tee is None:
                digest, rows = write_stream(typed, copy.write)
            else:
                def both(data: bytes) -> None:
                    tee(data)
                    copy.write(data)

                digest, rows = write_stream(typed, both)
    except psycopg.Error as exc:
        raise PublishError(f"Échec de la mise en zone de préparation : {exc.diag.message_primary or exc}",
                           f"Staging failed: {exc.diag.message_primary or exc}") from None
    return Staged(STAGING, name, rows, digest)


def copy_bytes(conn: psycopg.Connection, table: sql.Composable, chunks: Iterable[bytes], fmt: str = BINARY) -> int:
    """COPY a staged stream (``fmt``: a binary COPY stream; or ``csv``, with
    its header, as releases staged before binary staging kept it) into
    ``table``, in the caller's transaction; return the number of rows."""
    options = sql.SQL("(FORMAT binary)" if fmt == BINARY else "(FORMAT csv, HEADER true)")
    try:
        cursor = conn.cursor()
        with cursor.copy(sql.SQL("COPY {} FROM STDIN {}").format(table, options),
                         writer=_BoundedWriter(cursor)) as copy:
            for chunk in chunks:
                copy.write(chunk)
        return cursor.rowcount
    except psycopg.Error as exc:
        raise PublishError(f"Échec de la mise en zone de préparation : {exc.diag.message_primary or exc}",
                           f"Staging failed: {exc.diag.message_primary or exc}") from None
