"""The staged stream: PostgreSQL's binary COPY format encoded from Arrow
(pgpq), hashed as it goes, typed a batch ahead on a thread of its own."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import uuid
from collections.abc import Iterator

import psycopg
import pyarrow as pa
import pytest
from casa_pipelines.errors import SourceError
from casa_pipelines.releases.stage import prefetched, stage, write_stream
from casa_pipelines.validate.engine import compile_schema

SCHEMA = compile_schema({"fields": [
    {"name": "code", "type": "string"}, {"name": "nom", "type": "string"}, {"name": "n", "type": "integer"},
    {"name": "part", "type": "number"}, {"name": "le", "type": "date"}, {"name": "an", "type": "year"},
    {"name": "ok", "type": "boolean"}]})

ROWS = pa.table({
    "code": ["06.141.01.01", "06.141.01.02", None],
    "nom": ["Anfa", "الدار البيضاء", "Aïn Chock ; \"quoted\", \n line"],
    "n": pa.array([1, None, -(2 ** 62)], pa.int64()),
    "part": [0.1, float("nan"), None],
    "le": pa.array([dt.date(2024, 9, 1), None, dt.date(1900, 1, 1)], pa.date32()),
    "an": pa.array([2024, 2014, None], pa.int32()),
    "ok": [True, None, False],
})


def _reader(table: pa.Table, rows: int, fail_after: int | None = None) -> pa.RecordBatchReader:
    def batches() -> Iterator[pa.RecordBatch]:
        for n, batch in enumerate(table.to_batches(max_chunksize=rows)):
            if fail_after is not None and n == fail_after:
                raise SourceError("lu de travers", "read wrong")
            yield batch

    return pa.RecordBatchReader.from_batches(table.schema, batches())


def test_the_stream_and_its_hash_do_not_depend_on_batches() -> None:
    whole: list[bytes] = []
    digest, rows = write_stream(ROWS, whole.append)
    for size in (1, 2):
        parts: list[bytes] = []
        assert write_stream(_reader(ROWS, size), parts.append) == (digest, rows)
        assert b"".join(parts) == b"".join(whole)
    assert rows == 3 and digest == hashlib.sha256(b"".join(whole)).hexdigest()
    assert b"".join(whole).startswith(b"PGCOPY\n\xff\r\n\x00")  # PostgreSQL's binary COPY signature


def test_prefetched_keeps_the_order_and_raises_the_producers_error() -> None:
    table = pa.table({"i": list(range(10))})
    assert pa.Table.from_batches(list(prefetched(_reader(table, 3)))).equals(table)
    with pytest.raises(SourceError, match="lu de travers"):
        list(prefetched(_reader(table, 3, fail_after=2)))
    # A stream never read (the load failed before staging) starts no thread; one closed early stops its own.
    unread = prefetched(_reader(table, 3))
    stream = iter(prefetched(_reader(table, 1)))
    next(stream)
    assert [t.name for t in threading.enumerate()].count("casa-stage-prefetch") == 1
    del stream
    assert "casa-stage-prefetch" not in [t.name for t in threading.enumerate()]
    assert unread.read_all().equals(table)


def test_staging_reads_back_every_value_and_type(url: str) -> None:
    """Text (Arabic, quotes, line breaks), 64-bit integers, NaN, dates, years,
    booleans and NULLs come back from PostgreSQL as they were sent."""
    slug = f"test-stream-{uuid.uuid4().hex[:6]}"
    with psycopg.connect(url) as conn:
        staged = stage(conn, slug, SCHEMA, _reader(ROWS, 2))
        back = conn.execute(f'SELECT code, nom, n, part::text, le, an, ok FROM casa_staging."{staged.table}"').fetchall()
        conn.rollback()
    assert staged.rows == 3
    assert back == [("06.141.01.01", "Anfa", 1, "0.1", dt.date(2024, 9, 1), 2024, True),
                    ("06.141.01.02", "الدار البيضاء", None, "NaN", None, 2014, None),
                    (None, "Aïn Chock ; \"quoted\", \n line", -(2 ** 62), None, dt.date(1900, 1, 1), None, False)]


def test_a_stream_that_fails_half_way_stages_nothing(url: str) -> None:
    """The producer's error reaches the caller as itself; the COPY is
    aborted, and the caller's transaction holds no staged table."""
    slug = f"test-stream-{uuid.uuid4().hex[:6]}"
    with psycopg.connect(url) as conn:
        with pytest.raises(SourceError, match="lu de travers"):
            stage(conn, slug, SCHEMA, prefetched(_reader(ROWS, 1, fail_after=2)))
        conn.rollback()
        left = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'casa_staging' AND tablename LIKE %s",
                            (slug.replace("-", "_") + "%",)).fetchone()[0]
    assert left == 0
