"""The in-memory result of extraction: every cell is text, exactly as read."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa


@dataclass
class Table:
    """A header and data rows of text cells.

    Row numbers follow frictionless' convention (the header is row 1 and
    every logical row, blank ones included, gets the next number) so reports
    from both engines point at the same place.

    Regular CSV files arrive as ``arrow`` (columns ``c1..cN``, every row of
    the header's width, row n at number n + 2); Python lists are then built
    only if a check asks for ``rows``.
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
    arrow: pa.Table | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return self.arrow.num_rows if self.arrow is not None else len(self.rows_ or [])

    @property
    def rows(self) -> list[list[str]]:
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
        if self.arrow is not None:
            return len(self.header)
        return max([len(self.header), *(len(r) for r in self.rows)], default=0)
