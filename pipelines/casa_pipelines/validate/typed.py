"""The typed rows of a table, by the same DuckDB reading as validation
(engine.py): each schema field cast to its type, NULL where blank or
invalid. What staging (a stream of batches) and expectation suites (a
table) consume."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb
import numpy as np
import pyarrow as pa

from casa_pipelines.errors import SourceError
from casa_pipelines.extract.table import Table
from casa_pipelines.validate.engine import (
    EXTRA_CELLS,
    CompiledSchema,
    connect_duckdb,
    file_source,
    memory_source,
)
from casa_pipelines.validate.fields import lit


def _typed_select(table: Table, schema: CompiledSchema, src: str, with_row: bool) -> str:
    fields = schema.fields[: len(table.header)]
    cols = ["_row"] if with_row else []
    for i, f in enumerate(fields, start=1):
        c = f"c{i}"
        blank = " OR ".join([f"{c} IS NULL", *(f"{c} = {lit(m)}" for m in f.missing_values)])
        value = f.typed(c, f"({blank})", None)
        if f.type == "integer":
            # HUGEINT would reach Arrow as decimal128 and pandas as Decimal objects.
            # Integers beyond 64 bits (valid for frictionless) never get here: validation with
            # formulas=True, as ingest runs it, refuses them (integer-out-of-range).
            value = f"TRY_CAST({value} AS BIGINT)"
        cols.append(f"{value} AS \"{f.name.replace(chr(34), chr(34) * 2)}\"")
    return f"SELECT {', '.join(cols)} FROM {src}"


TYPED_BATCH_ROWS = 1 << 17


def _typed_reader(con: duckdb.DuckDBPyConnection, table: Table, schema: CompiledSchema, with_row: bool,
                  batch_rows: int) -> pa.RecordBatchReader:
    width = len(schema.fields[: len(table.header)])
    if table.file is not None:
        query = _typed_select(table, schema, file_source(table, max(width, len(table.header)) + EXTRA_CELLS), False)
    else:
        query = _typed_select(table, schema, memory_source(con, table, max(table.width, width)), with_row)
    reader = con.sql(query).to_arrow_reader(batch_rows)
    if table.file is None or not with_row:
        return reader

    def numbered() -> Iterator[pa.RecordBatch]:  # file rows: the number follows from the position
        start = 2
        for batch in reader:
            yield pa.RecordBatch.from_arrays(
                [pa.array(np.arange(start, start + batch.num_rows, dtype=np.int64)), *batch.columns],
                names=["_row", *batch.schema.names])
            start += batch.num_rows

    schema_ = pa.schema([pa.field("_row", pa.int64()), *reader.schema])
    return pa.RecordBatchReader.from_batches(schema_, numbered())


def typed_reader(table: Table, schema: CompiledSchema, *, with_row: bool = False,
                 batch_rows: int = TYPED_BATCH_ROWS) -> pa.RecordBatchReader:
    """``typed_arrow`` as a stream of batches in file order, never all in
    memory when the file is read in place: what staging consumes. Meant for
    validated tables (validation reads a file in memory when reading it in
    place fails); should the in-place reading give other rows than the
    file's lines, the stream ends with an error instead of staging them."""
    con = connect_duckdb()
    reader = _typed_reader(con, table, schema, with_row, batch_rows)

    def batches() -> Iterator[pa.RecordBatch]:
        try:
            count = 0
            for batch in reader:
                count += batch.num_rows
                yield batch
            if table.file is not None and count != table.file.rows:
                raise SourceError(f"{table.name} : {count} lignes lues sur {table.file.rows} ; relancez la validation.",
                                  f"{table.name}: {count} rows read of {table.file.rows}; validate the file again.")
        finally:
            con.close()

    return pa.RecordBatchReader.from_batches(reader.schema, batches())


def typed_arrow(table: Table, schema: CompiledSchema) -> pa.Table:
    """The table with each schema field cast to its type (NULL where blank or
    invalid), named by field: what expectation suites and staging consume."""
    if table.file is not None:
        con = connect_duckdb()
        try:
            out = _typed_reader(con, table, schema, True, TYPED_BATCH_ROWS).read_all()
            if out.num_rows == table.file.rows:
                return out
        except duckdb.Error:
            pass
        finally:
            con.close()
        table.load()
    con = connect_duckdb()
    try:
        return _typed_reader(con, table, schema, True, TYPED_BATCH_ROWS).read_all()
    finally:
        con.close()
