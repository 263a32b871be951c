"""The in-memory result of extraction: every cell is text, exactly as read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from casa_pipelines.errors import SourceError

# The widest table read (header or row), documented in the README: wider files are an
# export gone wrong, and every column costs its share of every check.
MAX_COLUMNS = 500


def check_width(table: Table) -> Table:
    """``table``, or ``SourceError`` naming where it is wider than ``MAX_COLUMNS``."""
    if len(table.header) > MAX_COLUMNS:
        where_fr, where_en, n = "l'en-tête", "the header", len(table.header)
    elif table.file is None and table.rows_ is not None and (
            wide := next(((num, len(r)) for num, r in zip(table.row_numbers, table.rows_) if len(r) > MAX_COLUMNS),
                         None)):
        where_fr, where_en, n = f"la ligne {wide[0]}", f"row {wide[0]}", wide[1]
    else:
        return table
    raise SourceError(
        f"{table.name} : {n} colonnes dans {where_fr}, au-delà de la limite de {MAX_COLUMNS} ; vérifiez le "
        "séparateur ou découpez le fichier.",
        f"{table.name}: {n} columns in {where_en}, over the limit of {MAX_COLUMNS}; check the delimiter or "
        "split the file.")


@dataclass(frozen=True)
class CsvFile:
    """A CSV file that DuckDB reads in place: every line is one record."""

    path: Path
    delimiter: str
    newline: str  # "\n" or "\r\n"
    header: list[str]
    rows: int  # data rows (lines after the header)


@dataclass
class Table:
    """A header and data rows of text cells.

    Row numbers follow frictionless' convention (the header is row 1 and
    every logical row, blank ones included, gets the next number) so reports
    from both engines point at the same place.

    Regular CSV files arrive as ``arrow`` (columns ``c1..cN``, every row of
    the header's width, row n at number n + 2); Python lists are then built
    only if a check asks for ``rows``.

    CSV files that DuckDB can read in place (``file``, see ``csv_file``) are
    not loaded at all: the engine queries the file. The cells are read into
    memory, by the in-memory path, only if something asks for them.
    """

    name: str
    header: list[str]
    format: str
    rows_: list[list[str]] | None = None
    row_numbers_: list[int] | None = None
    encoding: str | None = None
    delimiter: str | None = None
    # One GeoJSON geometry text per row when the source is GeoJSON.
    geometries: list[str | None] | None = None
    arrow_: pa.Table | None = None
    notes: list[str] = field(default_factory=list)
    file: CsvFile | None = None
    # How the cells of a ``file`` table are read into memory when a check
    # asks for them (``csv_reader.read_in_memory``, given by ``extract``).
    reader: Callable[[Table], Table] | None = None

    def load(self) -> None:
        """Read the cells of a ``file`` table into memory (the in-memory
        reader decides, and raises ``SourceError`` for a malformed file)."""
        if self.file is None:
            return
        assert self.reader is not None, "a table read in place carries its in-memory reader"
        loaded = self.reader(self)
        self.header, self.rows_, self.row_numbers_, self.arrow_ = (loaded.header, loaded.rows_, loaded.row_numbers_,
                                                                   loaded.arrow_)
        self.file = None

    @property
    def arrow(self) -> pa.Table | None:
        self.load()
        return self.arrow_

    @property
    def n_rows(self) -> int:
        if self.file is not None:
            return self.file.rows
        return self.arrow_.num_rows if self.arrow_ is not None else len(self.rows_ or [])

    @property
    def rows(self) -> list[list[str]]:
        self.load()
        if self.rows_ is None:
            columns = [c.to_pylist() for c in self.arrow.columns] if self.arrow is not None else []
            self.rows_ = [list(r) for r in zip(*columns, strict=True)] if columns else []
        return self.rows_

    @property
    def row_numbers(self) -> list[int]:
        if self.row_numbers_ is None:
            self.row_numbers_ = list(range(2, self.n_rows + 2))
        return self.row_numbers_

    @property
    def width(self) -> int:
        self.load()
        if self.arrow is not None:
            return len(self.header)
        return max([len(self.header), *(len(r) for r in self.rows)], default=0)
