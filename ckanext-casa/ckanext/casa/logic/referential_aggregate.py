"""casa_unit_aggregate: a census indicator rolled up to a level as of a date,
from the finest units that cover the whole territory, so that nothing is
counted twice: communes for régions, provinces, préfectures and cercles;
arrondissements for préfectures d'arrondissements (which divide the commune
of Casablanca, not the préfecture: they are a second partition, never added
to the région). Each unit's sum is given beside the figure the census
published for it, with whether they agree.

This module imports nothing from CKAN: the loader uses it to report the
units whose published figure disagrees with the sum of their members.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

SCHEMA = "referentials"
TERRITORIAL = "territorial_units"

# Indicators of the census stored for every unit: a column or an attribute.
INDICATORS = {"population": "{a}.population", "households": "({a}.attributes->>'households')::bigint"}
# Level -> (the level summed, the attribute of a member that names the unit).
ROLL_UP = {
    "region": ("commune", "region_code"),
    "province": ("commune", "province_code"),
    "prefecture": ("commune", "province_code"),
    "cercle": ("commune", "cercle_code"),
    "prefecture_arrondissements": ("arrondissement", "prefecture_arrondissements_code"),
    "commune": ("arrondissement", "parent_code"),
}


def _valid(a: str) -> str:
    return f"{a}.valid_from <= :d AND ({a}.valid_to IS NULL OR {a}.valid_to > :d)"


def _rows(conn: sa.Connection, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sa.text(sql), params).mappings()]


def aggregate(conn: sa.Connection, indicator: str, level: str, day: str, parent: str | None = None) -> dict[str, Any]:
    base, key = ROLL_UP.get(level, (level, "code"))
    member = "b.parent_code" if key == "parent_code" else "b.code" if key == "code" else f"b.attributes->>'{key}'"
    value, published = INDICATORS[indicator].format(a="b"), INDICATORS[indicator].format(a="t")
    inside = ""
    if parent:
        inside = (
            " AND (t.code = :parent OR t.parent_code = :parent OR t.attributes->>'region_code' = :parent "
            "OR t.attributes->>'province_code' = :parent OR t.attributes->>'cercle_code' = :parent)"
        )
    found = _rows(
        conn,
        f"SELECT t.code, t.name_fr, t.name_ar, {published} AS published, "
        f"sum({value}) AS value, count(b.id) AS members, "
        f"bool_or({value} IS NULL) AS incomplete "
        f"FROM {SCHEMA}.unit t LEFT JOIN {SCHEMA}.unit b ON b.referential = t.referential "
        f"AND b.level = :base AND {member} = t.code AND {_valid('b')} "
        f"WHERE t.referential = :r AND t.level = :level AND {_valid('t')}{inside} "
        "GROUP BY t.id ORDER BY t.code",
        r=TERRITORIAL, d=day, level=level, base=base, parent=parent,
    )
    units = []
    for u in found:
        # A commune without arrondissements is its own finest unit.
        if u["members"] == 0 and base != level and level == "commune":
            u["value"], u["members"] = u["published"], 1
        # No published figure (households of 2014): nothing to agree with.
        u["agrees"] = None if u["published"] is None else u["value"] == u["published"]
        u.pop("incomplete")
        units.append(u)
    return {
        "indicator": indicator,
        "level": level,
        "as_of": day,
        "summed_level": base,
        "count": len(units),
        "total": sum(u["value"] or 0 for u in units),
        "published_total": sum(u["published"] or 0 for u in units),
        "disagreements": [u["code"] for u in units if u["agrees"] is False],
        "not_published": [u["code"] for u in units if u["agrees"] is None],
        "units": units,
    }
