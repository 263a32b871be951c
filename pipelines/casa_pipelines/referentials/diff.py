"""Compare a new version of a référentiel with the current one, by code and
through the lineage the adapter declared (renumberings, splits, merges)."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from casa_pipelines.referentials.extract import Lineage

NAME_FIELDS = ("name_fr", "name_ar")


def row_hash(row: dict[str, Any], geometry: str | None) -> str:
    canonical = (
        json.dumps(row, sort_keys=True, ensure_ascii=False, default=str)
        + "\n"
        + (geometry or "")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def version_hash(row_hashes: list[str], lineage: list[Lineage]) -> str:
    digest = hashlib.sha256()
    for h in sorted(row_hashes):
        digest.update(h.encode())
    for link in sorted((x.kind, x.predecessor, x.successor) for x in lineage):
        digest.update("|".join(link).encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class Change:
    kind: (
        str  # an event kind, or 'modified' (same code and names, other fields changed)
    )
    predecessor: str | None
    successor: str | None
    note: str = ""


@dataclass
class Diff:
    changes: list[Change] = field(default_factory=list)
    unchanged: int = 0
    ignored_lineage: list[Lineage] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counted = Counter(c.kind for c in self.changes)
        counted["unchanged"] = self.unchanged
        return dict(counted)

    @property
    def events(self) -> list[Change]:
        return [c for c in self.changes if c.kind != "modified"]


def compute(
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    lineage: list[Lineage],
) -> Diff:
    """``old`` and ``new`` map codes to rows carrying ``row_sha256`` and the names.
    Lineage whose predecessor is not in ``old`` or successor not in ``new`` is
    ignored (and listed): it links codings that are not the two compared."""
    diff = Diff()
    linked_old: set[str] = set()
    linked_new: set[str] = set()
    for link in lineage:
        if link.predecessor not in old or link.successor not in new:
            diff.ignored_lineage.append(link)
            continue
        diff.changes.append(
            Change(link.kind, link.predecessor, link.successor, link.note)
        )
        if link.successor not in old:
            linked_new.add(link.successor)
        if link.predecessor not in new:
            linked_old.add(link.predecessor)
        before, after = old[link.predecessor], new[link.successor]
        if link.kind == "renumbered" and any(
            before.get(f) != after.get(f) for f in NAME_FIELDS
        ):
            diff.changes.append(
                Change(
                    "renamed", link.predecessor, link.successor, _names(before, after)
                )
            )
    for code in sorted(new):
        if code in old:
            if old[code]["row_sha256"] == new[code]["row_sha256"]:
                diff.unchanged += 1
            elif any(old[code].get(f) != new[code].get(f) for f in NAME_FIELDS):
                diff.changes.append(
                    Change("renamed", code, code, _names(old[code], new[code]))
                )
            else:
                diff.changes.append(Change("modified", code, code))
        elif code not in linked_new:
            diff.changes.append(Change("created", None, code))
    for code in sorted(set(old) - set(new) - linked_old):
        diff.changes.append(Change("retired", code, None))
    return diff


def _names(before: dict[str, Any], after: dict[str, Any]) -> str:
    return f"{before.get('name_fr')} / {before.get('name_ar')} -> {after.get('name_fr')} / {after.get('name_ar')}"
