"""Facet counts from the facet bitsets (migration 0009), or from facet ids.

Two exact ways to count the counted facets of a set of matches ``m``:

- unnest every match's ``facet_ids`` and group them: the cost follows the
  number of ids, matches x values per document;
- intersect the matches with the bitset of each value, 1,024 documents at
  a time, and add up the bits: the cost follows the number of bitsets read,
  values x chunks of 1,024 ordinals, however many documents match.

Solr's ``facet.method=enum`` makes the same choice by field. Here it is made
in SQL per field and per query, once the number of matches is known: the
bitsets for a field when the matches outnumber ``BITSET_COST`` times its
bitsets, the ids otherwise. (At 100,000 datasets, an id unnested and
grouped cost about 0.12 us and a bitset read about 0.3 us.)
"""

from __future__ import annotations

import threading
import time
from typing import Any

import sqlalchemy as sa

EMPTY = "CAST(B'0' AS bit(1024))"
BITSET_COST = 2.5
# Sizes change slowly and only decide the speed, never the counts.
_REFRESH_SECONDS = 300.0
_lock = threading.Lock()
_shape: dict[str, Any] = {"read_at": None, "thresholds": {}}


def thresholds(session: Any) -> dict[str, int]:
    """Per field with bitsets, the number of matches from which they are
    read; the number of bitsets is read every few minutes per process."""
    now = time.monotonic()
    with _lock:
        if _shape["read_at"] is not None and now - _shape["read_at"] < _REFRESH_SECONDS:
            return _shape["thresholds"]
    rows = session.execute(
        sa.text(
            "SELECT v.field, count(*) AS n FROM casa_search_facet_bits b"
            " JOIN casa_search_facet_value v ON v.id = b.value_id GROUP BY v.field"
        )
    ).all()
    found = {row.field: int(BITSET_COST * row.n) for row in rows}
    with _lock:
        _shape.update(read_at=now, thresholds=found)
    return found


def forget() -> None:
    """Read the shape again at the next query (tests)."""
    with _lock:
        _shape.update(read_at=None, thresholds={})


def counting_parts(fields: list[str], m: str, limits: dict[str, int]) -> list[str]:
    """SQL parts, each of (field, value, n), counting the facets ``fields``
    (all with facet ids) over ``m``, a relation with ``ordinal`` and
    ``facet_ids``, whose number of rows is in the one-row relation
    ``{m}_count`` (column ``n``). ``limits`` are the thresholds above; a
    field missing from them has no value yet and is counted from its ids."""
    matches = f"(SELECT n FROM {m}_count)"
    bits = {f: limits[f] for f in fields if f in limits}
    by_bits = " OR ".join(f"(v.field = '{f}' AND {matches} >= {n})" for f, n in bits.items())
    by_ids = " OR ".join(
        f"(v.field = '{f}' AND {matches} < {bits[f]})" if f in bits else f"v.field = '{f}'"
        for f in fields
    )
    parts = []
    if bits:
        # The condition without a column skips the part at once when no
        # field is counted this way; ids are grouped before names are read.
        # (OFFSET 0 keeps the intersections below the grouping: grouped by
        # sorting, the planner's choice, rows would carry both bitsets.)
        parts.append(
            "SELECT v.field, v.value, x.n FROM (SELECT y.value_id, sum(y.n) AS n FROM"
            " (SELECT b.value_id, bit_count(b.bits & c.bits) AS n"
            f" FROM (SELECT {m}.ordinal >> 10 AS chunk,"
            f" bit_or(set_bit({EMPTY}, {m}.ordinal & 1023, 1)) AS bits FROM {m}"
            f" WHERE {matches} >= {min(bits.values())} GROUP BY 1) c"
            " JOIN casa_search_facet_bits b ON b.chunk = c.chunk"
            " WHERE b.value_id IN (SELECT v.id FROM casa_search_facet_value v"
            f" WHERE {by_bits}) OFFSET 0) y GROUP BY y.value_id) x"
            " JOIN casa_search_facet_value v ON v.id = x.value_id WHERE x.n > 0"
        )
    gate = f"{matches} < {max(bits.values())}" if len(bits) == len(fields) else "TRUE"
    parts.append(
        "SELECT v.field, v.value, x.n FROM (SELECT u.f, count(*) AS n FROM"
        f" (SELECT unnest({m}.facet_ids) AS f FROM {m} WHERE {gate}) u GROUP BY u.f) x"
        f" JOIN casa_search_facet_value v ON v.id = x.f WHERE {by_ids}"
    )
    return parts
