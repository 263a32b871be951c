"""Recoding in bulk: each code of a list projected onto the coding in force
on a date, as INSEE projects a commune's code: forward through the
renumberings, merges and splits that happened by then, or backward to the
codes it came from when the date is before the code existed.

One read of the référentiel per call (the codes valid on the date, every code
ever published with its first day, and the events), then each code is
resolved in memory: 10,000 codes take a few milliseconds once those are read.

This module imports nothing from CKAN: the steward CLI (``casa recode``) and
the action ``casa_unit_recode`` share it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import sqlalchemy as sa

SCHEMA = "referentials"
TERRITORIAL = "territorial_units"
CODE = re.compile(r"[0-9]{2}(\.[0-9]{3}(\.[0-9]{2}(\.[0-9]{1,2})?)?)?")
# The most codes one call recodes (documented in the action and the README).
MAX_CODES = 10_000
FORWARD = ("renumbered", "merged", "split")
# Statuses, from the code's point of view.
UNCHANGED, RECODED, SPLIT, MERGED = "unchanged", "recoded", "split", "merged"
RETIRED, UNKNOWN, MALFORMED = "retired", "unknown", "malformed"


def _graph(conn: sa.Connection, referential: str) -> tuple[dict, dict, dict[str, int]]:
    forward: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    backward: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    into: dict[str, int] = defaultdict(int)
    for kind, pred, succ, day in conn.execute(
        sa.text(
            f"SELECT kind, predecessor_code, successor_code, occurred_on FROM {SCHEMA}.event "
            "WHERE referential = :r AND kind = ANY(:k) AND predecessor_code IS NOT NULL "
            "AND successor_code IS NOT NULL AND predecessor_code <> successor_code"
        ),
        {"r": referential, "k": list(FORWARD)},
    ):
        forward[pred].append((succ, kind, day.isoformat()))
        backward[succ].append((pred, kind, day.isoformat()))
        if kind == "merged":
            into[succ] += 1
    return forward, backward, into


def _follow(code: str, day: str, valid: dict, links: dict, ahead: bool) -> tuple[list[str], set[str]]:
    """Codes valid on ``day`` reached from ``code`` through ``links``
    (events up to ``day`` going forward, after it going backward)."""
    found: set[str] = set()
    kinds: set[str] = set()
    frontier, seen = [code], {code}
    for _ in range(8):
        nxt = []
        for current in frontier:
            for other, kind, when in links.get(current, ()):
                if (when <= day) == ahead or other in seen:
                    continue
                seen.add(other)
                kinds.add(kind)
                (found.add if other in valid else nxt.append)(other)
        if not nxt:
            break
        frontier = nxt
    return sorted(found), kinds


def recode(
    conn: sa.Connection, codes: list[str], day: str, referential: str = TERRITORIAL
) -> dict[str, Any]:
    """Project ``codes`` onto the coding valid on ``day`` (``YYYY-MM-DD``)."""
    valid = {
        r.code: r
        for r in conn.execute(
            sa.text(
                f"SELECT code, level, name_fr, name_ar FROM {SCHEMA}.unit WHERE referential = :r "
                "AND valid_from <= :d AND (valid_to IS NULL OR valid_to > :d)"
            ),
            {"r": referential, "d": day},
        )
    }
    first = dict(
        conn.execute(
            sa.text(
                f"SELECT code, min(valid_from) FROM {SCHEMA}.unit WHERE referential = :r GROUP BY code"
            ),
            {"r": referential},
        ).all()
    )
    forward, backward, into = _graph(conn, referential)
    results, counts = [], defaultdict(int)
    cache: dict[str, dict[str, Any]] = {}
    for row, raw in enumerate(codes, start=1):
        code = str(raw).strip()
        if code not in cache:
            cache[code] = _one(code, day, valid, first, forward, backward, into)
        out = dict(cache[code], row=row, code=code)
        counts[out["status"]] += 1
        results.append(out)
    return {
        "as_of": day,
        "count": len(results),
        "counts": dict(sorted(counts.items())),
        "unknown": [
            {"row": r["row"], "code": r["code"], "status": r["status"]}
            for r in results
            if r["status"] in (UNKNOWN, MALFORMED)
        ],
        "results": results,
    }


def _one(code: str, day: str, valid: dict, first: dict, forward: dict, backward: dict,
         into: dict) -> dict[str, Any]:
    def names(found: list[str]) -> list[dict[str, Any]]:
        return [
            {"code": c, "level": valid[c].level, "name_fr": valid[c].name_fr, "name_ar": valid[c].name_ar}
            for c in found
        ]

    if not CODE.fullmatch(code):
        return {"status": MALFORMED, "successors": [], "ambiguous": False}
    if code in valid:
        return {"status": UNCHANGED, "successors": names([code]), "ambiguous": False}
    if code not in first:
        return {"status": UNKNOWN, "successors": [], "ambiguous": False}
    ahead = first[code].isoformat() > day
    found, kinds = _follow(code, day, valid, backward if ahead else forward, ahead)
    if not found:
        return {"status": RETIRED, "successors": [], "ambiguous": False}
    if len(found) > 1:
        status = SPLIT if not ahead else MERGED
    elif "merged" in kinds or any(into.get(c, 0) > 1 for c in found):
        status = MERGED
    else:
        status = RECODED
    return {"status": status, "successors": names(found), "ambiguous": len(found) > 1,
            "direction": "backward" if ahead else "forward"}
