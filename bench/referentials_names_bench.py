"""Recall of ``casa_unit_search`` on the gold set of name variants
(``referentials/territorial_units/gold/variants.csv``), over HTTP with the
benchmark's clients: for each variant, is the expected unit first (recall@1)
or in the first three results (recall@3)? Each query gives the variant's
level (commune or arrondissement), as France's API Géo searches communes
apart, and its date (the coding its source uses).

Part of ``make bench-referentials`` (run as a script from bench/); a benchmark, it asserts nothing.
"""

from __future__ import annotations

import csv
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any

import requests

GOLD = Path(__file__).resolve().parents[1] / "referentials" / "territorial_units" / "gold" / "variants.csv"
CLIENTS = 4
MISSES_SHOWN = 25


def gold() -> list[dict[str, str]]:
    with GOLD.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def recall(base: str, rows: list[dict[str, str]] | None = None) -> dict[str, Any]:
    rows = rows if rows is not None else gold()
    ranks: list[int | None] = [None] * len(rows)
    tops: list[list[str]] = [[] for _ in rows]

    def client(indexes: list[int]) -> None:
        with requests.Session() as session:
            for i in indexes:
                row = rows[i]
                response = session.get(
                    f"{base}/api/3/action/casa_unit_search",
                    params={"q": row["variant"], "level": row["level"], "as_of": row["as_of"], "limit": 3},
                    timeout=30,
                )
                found = response.json()["result"]["results"] if response.ok else []
                codes = [r["code"] for r in found]
                tops[i] = [f"{r['code']} {r.get('name_fr')}" for r in found]
                ranks[i] = codes.index(row["expected_code"]) + 1 if row["expected_code"] in codes else None

    threads = [threading.Thread(target=client, args=(list(range(k, len(rows), CLIENTS)),)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    groups: dict[str, list[int | None]] = defaultdict(list)
    for row, rank in zip(rows, ranks, strict=True):
        groups["all"].append(rank)
        groups[f"{row['source']}/{row['script']}"].append(rank)
    out: dict[str, Any] = {
        name: {
            "variants": len(found),
            "recall_at_1": round(sum(1 for r in found if r == 1) / len(found), 4),
            "recall_at_3": round(sum(1 for r in found if r and r <= 3) / len(found), 4),
        }
        for name, found in sorted(groups.items())
    }
    out["misses_at_3"] = [
        {"variant": row["variant"], "expected": f"{row['expected_code']} {row['hcp_name']}", "got": top}
        for row, rank, top in zip(rows, ranks, tops, strict=True)
        if not rank
    ][:MISSES_SHOWN]
    return out
