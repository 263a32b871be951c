"""One problem found in the data, wherever it was found."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Issue:
    type: str  # a type of the catalogue (issue_types.CATALOGUE)
    row: int | None = None  # frictionless row number (header is 1); None for table-wide problems
    field_number: int | None = None
    field_name: str | None = None
    value: str | None = None
    note: str = ""  # machine detail: the broken constraint, the expectation type...
    check: str = "table-schema"  # which layer found it: table-schema, suite, referential, geometry
    # Checks outside the Table Schema word their own hints.
    hint_fr: str = ""
    hint_en: str = ""

    def triple(self) -> tuple[int | None, int | None, str]:
        return (self.row, self.field_number, self.type)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
