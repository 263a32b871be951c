"""Facet counts computed in SQL over the documents a query matches.

The public set's counts are maintained (stats.py); these functions serve
every other query. ``relation`` is the ``d`` relation the connection reads
(documents joined to their JSONB copy when a query needs it).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ckan import model

from ckanext.casa.search import facet_bits, stats
from ckanext.casa.search.compiler import SqlBuilder
from ckanext.casa.search.documents import ARRAY_COLUMNS, SCALAR_COLUMNS

# Typed columns with few distinct values: their facets are counted together
# in one pass (from_columns); others one by one with a SQL limit (alone).
FEW_VALUES = stats.STAT_FIELDS + ("dataset_type", "owner_org", "state", "capacity")


def _expand(name: str, row: str, builder: SqlBuilder) -> str:
    """A LATERAL producing ``v.value`` for each value of ``name`` in ``row``.
    Array columns hold each value once (documents.py), so a plain unnest
    counts documents, as Solr does."""
    if name in SCALAR_COLUMNS:
        return f"LATERAL (SELECT {row}.{name}) AS v(value)"
    if name in ARRAY_COLUMNS:
        return f"LATERAL unnest({row}.{name}) AS v(value)"
    key = builder.text(name)
    return (
        f"LATERAL (SELECT DISTINCT value FROM jsonb_array_elements_text(CASE jsonb_typeof({row}.doc -> {key})"
        f" WHEN 'array' THEN {row}.doc -> {key} ELSE jsonb_build_array({row}.doc -> {key}) END) value)"
        " AS v(value)"
    )


# Facets counted from ``facet_ids`` (migration 0005), one unnest of small
# integers for all of them, or from their bitsets (0009): see facet_bits.py.
ID_FIELDS = stats.STAT_FIELDS


def columns_needed(names: list[str]) -> list[str]:
    """The columns of ``d`` that counting_sql needs for the typed ``names``."""
    columns = ["ordinal", "facet_ids"] if any(n in ID_FIELDS for n in names) else []
    return columns + [n for n in dict.fromkeys(names) if n not in ID_FIELDS]


def counting_sql(names: list[str], m: str = "m", limits: dict[str, int] | None = None) -> str:
    """SQL of (field, value, n) for the typed facets ``names`` over ``m`` (a
    relation with the columns of columns_needed, its size in ``m_count``,
    see facet_bits.counting_parts), keeping counts of at least
    ``:_mincount`` and per field the ``:_facet_limit`` largest (all if < 0);
    ties are cut in code point order, as the caller sorts them. ``limits``
    are facet_bits.thresholds (none: every field from its ids)."""
    fields = list(dict.fromkeys(names))
    with_ids = [n for n in fields if n in ID_FIELDS]
    parts = facet_bits.counting_parts(with_ids, m, limits or {}) if with_ids else []
    for name in fields:
        if name not in ID_FIELDS:
            parts.append(
                f"SELECT '{name}' AS field, {m}.{name} AS value, count(*) AS n FROM {m}"
                f" WHERE coalesce({m}.{name}, '') <> '' GROUP BY 2"
            )
    return (
        "SELECT field, value, n FROM (SELECT field, value, n, row_number() OVER"
        ' (PARTITION BY field ORDER BY n DESC, value COLLATE "C") AS position FROM ('
        + " UNION ALL ".join(parts)
        + ") a WHERE n >= :_mincount) b WHERE :_facet_limit < 0 OR position <= :_facet_limit"
    )


def grouped(names: list[str], rows: list[Any], limit: int) -> dict[str, list[Any]]:
    """Rows of counting_sql as CKAN's facet lists: value, count, value, ..."""
    counts: dict[str, list[tuple[str, int]]] = {name: [] for name in dict.fromkeys(names)}
    for field, value, n in rows:
        counts[field].append((value, int(n)))
    result = {}
    for name, pairs in counts.items():
        pairs.sort(key=lambda item: (-item[1], item[0]))
        kept = pairs if limit < 0 else pairs[:limit]
        result[name] = [item for pair in kept for item in pair]
    return result


def from_columns(
    names: list[str], relation: str, where: str, builder: SqlBuilder, limit: int, mincount: int
) -> dict[str, list[Any]]:
    """Facets on typed columns, all from one evaluation of the query: the
    matching rows are materialised once and counted together."""
    columns = ", ".join(f"d.{c}" for c in columns_needed(names))
    limits = facet_bits.thresholds(model.Session)
    rows = model.Session.execute(
        sa.text(
            f"WITH m AS MATERIALIZED (SELECT {columns} FROM {relation} WHERE {where}),"
            " m_count AS MATERIALIZED (SELECT count(*) AS n FROM m) "
            + counting_sql(names, limits=limits)
        ),
        dict(builder.params, _mincount=mincount, _facet_limit=limit),
    ).all()
    return grouped(names, [tuple(r) for r in rows], limit)


def alone(
    name: str, relation: str, where: str, builder: SqlBuilder, limit: int, mincount: int
) -> list[Any]:
    """One facet in its own query, the limit applied in SQL: for columns
    with many values, and for fields without a column (JSONB copy)."""
    sql = (
        f"SELECT v.value AS value, count(*) AS n FROM {relation}, {_expand(name, 'd', builder)}"
        f" WHERE {where} AND v.value IS NOT NULL AND v.value <> ''"
        " GROUP BY 1 HAVING count(*) >= :_mincount ORDER BY 2 DESC, 1"
    )
    params = dict(builder.params, _mincount=mincount)
    if limit >= 0:
        sql += " LIMIT :_limit"
        params["_limit"] = limit
    counts = model.Session.execute(sa.text(sql), params).all()
    return [item for row in counts for item in (row.value, row.n)]
