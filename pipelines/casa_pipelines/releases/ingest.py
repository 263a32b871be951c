"""``casa ingest``: validate, stage, run the suite on the staged table, and
record a numbered release; or change nothing and say why.

Order matters: Table Schema, geometry and référentiel checks run in memory
first, so a file that cannot be typed never reaches the database; the
expectation suite then runs in PostgreSQL on the staged rows (its rules
aggregate over whole columns, which the database does without loading them
here). A file whose only failures are semantic (suite rules, référentiel
codes) is recorded as a ``failed`` release: the steward sees the report, and
only a recorded waiver per failed rule lets ``casa publish`` take it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import psycopg
import pyarrow as pa
from psycopg import sql

from casa_pipelines.errors import PublishError, ValidationFailed
from casa_pipelines.extract import extract
from casa_pipelines.releases.archive import ArchiveWriter, archive_path, drop_partial
from casa_pipelines.releases.record import (
    Release,
    dataset_lock,
    drop_orphans,
    ensure_tables,
    find_by_hash,
    record,
)
from casa_pipelines.releases.stage import GEOMETRY, STAGING, prefetched, stage
from casa_pipelines.search_text import SEARCH, search_column, searchable
from casa_pipelines.spec import DatasetSpec
from casa_pipelines.validate import load_schema, validate
from casa_pipelines.validate.engine import compile_schema
from casa_pipelines.validate.issue_types import waivable
from casa_pipelines.validate.referential_check import ReferentialLookup
from casa_pipelines.validate.report import Report
from casa_pipelines.validate.suite import read_suite, run_suite_on_postgres
from casa_pipelines.validate.typed import typed_arrow, typed_reader

ROW_ID = "_id"  # position of the row in the file, staged with it


@dataclass(frozen=True)
class IngestResult:
    report: Report
    release: Release
    created: bool  # False when the same content was already a release

    @property
    def valid(self) -> bool:
        return self.release.status != "failed"


def _with_id_and_search(reader: pa.RecordBatchReader, words: list[str]) -> pa.RecordBatchReader:
    """Each row's position (``_id``, 1..n: the published table's id, given
    here so that building it needs no window function and can run in
    parallel) and, when the dataset has searchable columns, its words."""
    schema = reader.schema.append(pa.field(ROW_ID, pa.int64()))
    if words:
        schema = schema.append(pa.field(SEARCH, pa.string()))

    def batches() -> Iterator[pa.RecordBatch]:
        start = 1
        for batch in reader:
            columns = [*batch.columns, pa.array(np.arange(start, start + batch.num_rows, dtype=np.int64))]
            start += batch.num_rows
            if words:
                column = search_column(pa.Table.from_batches([batch]), words)
                columns.append(column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column)
            yield pa.RecordBatch.from_arrays(columns, schema=schema)

    return pa.RecordBatchReader.from_batches(schema, batches())


# The steps of an ingest, in order, as reported to ``progress``.
STEPS = ("read", "validate", "stage", "suite", "record")


def ingest(spec: DatasetSpec, path: Path, url: str, *, encoding: str | None = None,
           referential: ReferentialLookup | None = None, archive_dir: Path | None = None,
           progress: Callable[[str], None] | None = None) -> IngestResult:
    """``archive_dir``: where the staged rows are also kept, compressed, so
    that a release survives a PostgreSQL crash (archive.py); None keeps none."""
    step = progress or (lambda name: None)
    step("read")
    table = extract(path, spec.source, encoding=encoding)
    step("validate")
    report = validate(table, spec, referential=referential, run_suite=False)
    if any(not waivable(issue.type) for issue in report.errors):
        raise ValidationFailed(report)
    descriptor = load_schema(spec.schema_path)
    schema = compile_schema(descriptor)
    # The words of the searchable public columns, folded once here (vectorised)
    # rather than row by row in SQL at each publication.
    texts = [f.name for f in schema.fields if f.type == "string"]
    words = searchable(spec, descriptor, texts)
    typed: pa.Table | pa.RecordBatchReader
    if table.geometries is not None:  # a GeoJSON source: keep each row's geometry
        typed = typed_arrow(table, schema).drop_columns(["_row"])
        typed = typed.append_column(GEOMETRY, pa.array(table.geometries, pa.string()))
        typed = typed.append_column(ROW_ID, pa.array(range(1, typed.num_rows + 1), pa.int64()))
        if words:
            typed = typed.append_column(SEARCH, search_column(typed, words))
    else:  # streamed to COPY batch by batch: the typed rows are never all in memory
        typed = prefetched(_with_id_and_search(typed_reader(table, schema), words))
    try:
        conn = psycopg.connect(url)
    except psycopg.OperationalError as exc:
        raise PublishError(f"Base datastore injoignable : {exc}", f"Datastore database unreachable: {exc}") from None
    with conn, dataset_lock(conn, spec.slug):
        ensure_tables(conn)
        drop_orphans(conn, spec.slug)
        drop_partial(archive_dir, spec.slug)
        conn.commit()
        step("stage")
        archive = ArchiveWriter(archive_dir, spec.slug) if archive_dir is not None else None
        try:
            staged = stage(conn, spec.slug, schema, typed, tee=archive.write if archive else None)
        except BaseException:
            if archive:
                archive.discard()
            raise
        existing = find_by_hash(conn, spec.slug, staged.sha256)
        if existing:
            conn.rollback()  # the staged copy is not needed
            if archive:
                archive.keep(staged.sha256)  # the same bytes: restores a lost archive
            return IngestResult(report, existing, created=False)
        conn.commit()  # GX reads the staged table through its own connection
        try:
            if archive:
                archive.keep(staged.sha256)
            step("suite")
            if spec.suite_path:
                report.add("suite", run_suite_on_postgres(read_suite(spec.suite_path), url, STAGING, staged.table))
            step("record")
            release = record(conn, spec.slug, staged, table.name, report.to_dict(),
                             status="validated" if report.valid else "failed")
            conn.commit()
        except BaseException:
            conn.rollback()
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(STAGING, staged.table)))
            conn.commit()
            if archive:
                archive.discard()
                if find_by_hash(conn, spec.slug, staged.sha256) is None:
                    archive_path(archive.root, spec.slug, staged.sha256).unlink(missing_ok=True)
            raise
    return IngestResult(report, release, created=True)
