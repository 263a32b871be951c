"""The fast path for CSV files on disk: one streaming pass over the bytes
decides whether DuckDB may read the file itself, without the whole text ever
being held in Python.

The pass accepts only files whose cells DuckDB's reader splits exactly as
Python's ``csv`` module does (the reference of ``csv_reader``): UTF-8 without
a byte order mark (checked over the whole file, not a sample), no NUL byte,
one line terminator throughout, no line longer than the reader's limit, no
quote that neither opens nor closes a cell, and no cell spanning lines
(every line holds an even number of quotes). Then every line
is one record, so the row count is the line count (blank lines included,
as Python's reader counts them; DuckDB's reader skips them, and the engine
takes the in-memory path when its count differs). Anything else returns
None and the caller takes the in-memory path, which gives the exact message
for every malformed file.
"""

from __future__ import annotations

import codecs
import csv
import re
import struct
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa

from casa_pipelines.extract.csv_reader import (
    DELIMITERS,
    MAX_LINE_CHARS,
    sniff_delimiter,
)
from casa_pipelines.extract.encoding import BINARY_MAGIC
from casa_pipelines.extract.files import MAX_FILE_BYTES, open_regular, too_big
from casa_pipelines.extract.table import CsvFile

BLOCK = 8 << 20
# A line of MAX_LINE_CHARS characters has at least that many bytes, so it
# contains a whole aligned window of half that size with no line break in it.
WINDOW = MAX_LINE_CHARS // 2
SAMPLE_CHARS = 1 << 16  # what sniff_delimiter looks at
# A quote that neither opens nor closes a cell (`ab"c`, `"ab"c`): the parsers may differ.
_STRAY_QUOTE = {d: re.compile(rb'[^%s\n\r"]"[^%s\n\r"]' % (re.escape(d.encode()), re.escape(d.encode())))
                for d in DELIMITERS}
# Two quotes opening a cell then more text (`,""a`): an empty quoted cell followed by junk.
_CELL_START_QUOTES = {d: re.compile(rb'(?:^|[%s])""[^%s\n\r"]' % (re.escape(d.encode()), re.escape(d.encode())), re.MULTILINE)
                      for d in DELIMITERS}


def _utf8_declared(declared: str | None) -> bool:
    if declared is None:
        return True
    try:
        return codecs.lookup(declared).name == "utf-8"
    except LookupError:
        return False


def _blocks(path: Path, name: str) -> Iterator[bytes | None]:
    """The file in blocks that end at a line break (the last one may not);
    None for a line too long to be a CSV row. Refused past MAX_FILE_BYTES
    actually read (a device or a growing file has no trustworthy size)."""
    read = 0
    with open_regular(path, name) as f:
        while block := f.read(BLOCK):
            read += len(block)
            if not block.endswith(b"\n"):
                tail = f.readline(2 * BLOCK)
                if len(tail) == 2 * BLOCK and not tail.endswith(b"\n"):
                    yield None
                    return
                block += tail
                read += len(tail)
            if read > MAX_FILE_BYTES:
                raise too_big(name)
            yield block


def _valid_utf8(chunk: bytes) -> bool:
    """Arrow's validator: strict UTF-8 (no overlong form, no surrogate), and
    ten times faster than decoding the text."""
    offsets = pa.py_buffer(struct.pack("<ii", 0, len(chunk)))
    try:
        pa.StringArray.from_buffers(1, offsets, pa.py_buffer(chunk)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def scan(path: Path, declared_encoding: str | None, declared_delimiter: str | None,
         name: str | None = None) -> CsvFile | None:
    """Return the file's reading plan, or None for the in-memory path."""
    if not _utf8_declared(declared_encoding) or (declared_delimiter and declared_delimiter not in DELIMITERS):
        return None
    lines = 0
    header: list[str] | None = None
    crlf = False
    stray = cell_start = None
    last = b""
    for chunk in _blocks(path, name or path.name):
        if chunk is None or b"\x00" in chunk:
            return None
        if not chunk.isascii() and not _valid_utf8(chunk):
            return None
        if header is None:
            if chunk.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or any(
                    chunk.startswith(m) for m in BINARY_MAGIC):
                return None
            first = chunk.split(b"\n", 1)[0]
            if not first.strip():
                return None
            crlf = first.endswith(b"\r")
            sample = chunk[: 4 * SAMPLE_CHARS].decode("utf-8", errors="ignore")[:SAMPLE_CHARS]
            delimiter = declared_delimiter or sniff_delimiter(sample)
            header = next(csv.reader([first.decode("utf-8").removesuffix("\r")], delimiter=delimiter), [])
            if len(header) < 2:
                return None  # one-column files and unknown delimiters: the in-memory path explains
            stray, cell_start = _STRAY_QUOTE[delimiter], _CELL_START_QUOTES[delimiter]
        n_lf = chunk.count(b"\n")
        n_cr = chunk.count(b"\r") if crlf or b"\r" in chunk else 0
        if (n_cr != n_lf or chunk.count(b"\r\n") != n_lf) if crlf else n_cr:
            return None  # one line terminator throughout, and no carriage return in a cell
        for start in range(0, len(chunk) - WINDOW + 1, WINDOW):
            if chunk.find(b"\n", start, start + WINDOW) < 0:
                return None
        assert stray is not None and cell_start is not None  # set with the delimiter, on the first block
        if b'"' in chunk and (stray.search(chunk) or cell_start.search(chunk) or any(
                line.count(b'"') % 2 for line in chunk.split(b"\n"))):
            return None
        lines += n_lf
        last = chunk
    if header is None:
        return None
    if not last.endswith(b"\n"):
        lines += 1
    return CsvFile(path=path, delimiter=delimiter, newline="\r\n" if crlf else "\n", header=header, rows=lines - 1)
