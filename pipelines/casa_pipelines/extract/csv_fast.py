"""Arrow's C++ CSV reader for regular files: the common case of a header
and rows of the same width, no blank lines, no cell spanning lines, and
quotes only around whole cells. Anything else returns None and goes through
Python's csv module, whose behaviour the engine's tests pin down; the fast
path must read exactly the same cells or not read at all.
"""

from __future__ import annotations

import csv
import io
import re

import pyarrow as pa
import pyarrow.csv as pacsv

# A quote that neither opens nor closes a cell (`ab"c`, `"ab"c`): the two parsers may differ.
_STRAY_QUOTE = {d: re.compile(rb'[^%s\n\r"]"[^%s\n\r"]' % (re.escape(d.encode()), re.escape(d.encode())))
                for d in ",;\t|"}


def read_regular(data: bytes, delimiter: str) -> tuple[list[str], pa.Table] | None:
    """``data`` is UTF-8 without BOM. Returns (header, columns c1..cN) or None."""
    if delimiter not in _STRAY_QUOTE or b"\r" in data:
        return None
    if b'"' in data and _STRAY_QUOTE[delimiter].search(data):
        return None
    first = data.split(b"\n", 1)[0].decode("utf-8")
    width = len(next(csv.reader([first], delimiter=delimiter)))
    names = [f"c{i + 1}" for i in range(width)]
    invalid: list[int] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row.actual_columns)
        return "skip"

    try:
        # Single-threaded: a CLI run once aborted at exit ("terminate called without an
        # active exception") with Arrow's CSV thread pool; the parse is not the bottleneck.
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, block_size=8 << 20, use_threads=False),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, quote_char='"', double_quote=True,
                                             newlines_in_values=True, ignore_empty_lines=False,
                                             invalid_row_handler=on_invalid),
            # Every column as text: no type inference may turn "007" into 7.
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 strings_can_be_null=False,
                                                 quoted_strings_can_be_null=False, null_values=[],
                                                 auto_dict_encode=False),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    if invalid or table.num_columns < 2:
        return None  # ragged or blank rows, a one-column file: Python's reader handles them
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines != table.num_rows:
        return None  # a quoted cell spans lines: row numbers need the slow reader
    header = [str(v) for v in table.slice(0, 1).to_pylist()[0].values()]
    return header, table.slice(1)
