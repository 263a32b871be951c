"""What an adapter returns: the rows of one version, the lineage that links
them to the previous coding, the geometries, and the quirks it found."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

EventKind = Literal["created", "retired", "renumbered", "renamed", "merged", "split"]


@dataclass(frozen=True)
class Quirk:
    """Something odd in the source, reported to the steward; never fixed silently."""

    kind: str
    message: str
    codes: tuple[str, ...] = ()
    resolution: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "message": self.message,
            "codes": list(self.codes),
            "resolution": self.resolution,
        }


@dataclass(frozen=True)
class Lineage:
    """A link between a code of the previous coding and one of this coding."""

    kind: EventKind
    predecessor: str
    successor: str
    note: str = ""


@dataclass
class Extract:
    rows: list[dict[str, Any]]
    source: str
    lineage: list[Lineage] = field(default_factory=list)
    # code -> WKT (MULTIPOLYGON, SRID 4326)
    geometries: dict[str, str] = field(default_factory=dict)
    quirks: list[Quirk] = field(default_factory=list)
    # The date the coding applies from, when the source knows it.
    valid_from: str | None = None
