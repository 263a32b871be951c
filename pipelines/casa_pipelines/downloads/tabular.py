"""The tabular downloads, in one pass over the public table's rows typed
by Arrow: Parquet, CSV (formula-like text cells neutralised) and XLSX (see
downloads.py)."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from casa_pipelines.downloads.columns import Column
from casa_pipelines.downloads.xlsx import SheetWriter

# Text cells starting with one of these are neutralised in the CSV file.
FORMULA_PREFIX = r"^[=+\-@\t\r]"
# Blocks of the scratch CSV read at a time. The XLSX writer renders a batch's
# cells as XML strings, so its memory follows the batch: 8 MB blocks peaked
# at about 540 MB for a million rows, 2 MB at about 380 MB, in the same time
# (make bench-ingest's downloads). Parquet row groups are gathered apart.
ARROW_BLOCK = 2 << 20
PARQUET_ROW_GROUP = 1 << 17  # rows


def _batches(scratch: Path, columns: list[Column]) -> Iterator[pa.RecordBatch]:
    if scratch.stat().st_size == 0:  # no rows: Arrow refuses an empty CSV
        return
    reader = pacsv.open_csv(
        scratch,
        read_options=pacsv.ReadOptions(column_names=[c.label for c in columns], block_size=ARROW_BLOCK),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types={c.label: c.arrow for c in columns},
            null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=False,
            true_values=["t"], false_values=["f"],
        ),
    )
    yield from reader


def neutralise(batch: pa.RecordBatch) -> pa.RecordBatch:
    """The batch with every text cell that a spreadsheet would run as a
    formula prefixed with a single quote; other columns unchanged."""
    arrays = []
    for array in batch.columns:
        if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
            risky = pc.match_substring_regex(array, FORMULA_PREFIX)
            array = pc.if_else(risky, pc.binary_join_element_wise("'", array, ""), array)
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, schema=batch.schema)


class _RowGroups:
    """Batches gathered into Parquet row groups of PARQUET_ROW_GROUP rows
    (each ``write_batch`` would close a row group of its own)."""

    def __init__(self, writer: pq.ParquetWriter) -> None:
        self.writer = writer
        self.pending: list[pa.RecordBatch] = []
        self.rows = 0

    def add(self, batch: pa.RecordBatch) -> None:
        self.pending.append(batch)
        self.rows += batch.num_rows
        if self.rows >= PARQUET_ROW_GROUP:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.writer.write_table(pa.Table.from_batches(self.pending), row_group_size=self.rows)
        self.pending, self.rows = [], 0


def tabular_files(scratch: Path, columns: list[Column], work: Path, slug: str, rows: int, write_xlsx: bool,
                   timings: dict[str, float]) -> int:
    """Parquet, CSV and XLSX in one pass over the typed batches; returns the
    number of XLSX cells that had to be truncated."""
    schema = pa.schema([pa.field(c.label, c.arrow) for c in columns])
    truncated = 0
    with contextlib.ExitStack() as stack:
        parquet = stack.enter_context(pq.ParquetWriter(work / f"{slug}.parquet", schema, compression="zstd"))
        csv_out = stack.enter_context((work / f"{slug}.csv").open("wb"))
        csv = stack.enter_context(pacsv.CSVWriter(csv_out, schema, write_options=pacsv.WriteOptions(
            include_header=True, quoting_style="needed")))
        sheet = stack.enter_context(SheetWriter(work / f"{slug}.xlsx", slug, schema, rows)) if write_xlsx else None
        row_groups = _RowGroups(parquet)
        for name in ("arrow", "parquet", "csv", "xlsx"):
            timings.setdefault(name, 0.0)
        batches = _batches(scratch, columns)
        while True:
            mark = time.perf_counter()
            batch = next(batches, None)
            timings["arrow"] += time.perf_counter() - mark
            if batch is None:
                break
            for name, write in (("parquet", row_groups.add), ("csv", lambda b: csv.write_batch(neutralise(b)))):
                mark = time.perf_counter()
                write(batch)
                timings[name] += time.perf_counter() - mark
            if sheet is not None:
                mark = time.perf_counter()
                sheet.write(batch)
                timings["xlsx"] += time.perf_counter() - mark
        mark = time.perf_counter()
        row_groups.flush()
        timings["parquet"] += time.perf_counter() - mark
        if sheet is not None:
            mark = time.perf_counter()
            sheet.close()
            timings["xlsx"] += time.perf_counter() - mark
            truncated = sheet.truncated
    for name in (f"{slug}.parquet", f"{slug}.csv", f"{slug}.xlsx"):
        if (work / name).exists():
            fsync_file(work / name)
    return truncated


def fsync_file(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())
