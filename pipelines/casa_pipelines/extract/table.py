"""The in-memory result of extraction: every cell is text, exactly as read."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Table:
    """A header and data rows of text cells.

    ``row_numbers`` follow frictionless' convention (the header is row 1 and
    every logical row, blank ones included, gets the next number) so reports
    from both engines point at the same place.
    """

    name: str
    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    # One GeoJSON geometry text per row when the source is GeoJSON.
    geometries: list[str | None] | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max([len(self.header), *(len(r) for r in self.rows)], default=0)
