"""What the validation of a référentiel version found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Issue:
    """One problem: where (row number in the source, field or rule) and what."""

    check: str
    row: int | None
    field: str | None
    type: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "row": self.row,
            "field": self.field,
            "type": self.type,
            "message": self.message,
        }


@dataclass
class Report:
    errors: list[Issue] = field(default_factory=list)
    expectations_run: int = 0

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "expectations_run": self.expectations_run,
            "errors": [e.as_dict() for e in self.errors],
        }
