"""Facet counts computed in SQL over the documents a query matches.

The public set's counts are maintained (stats.py); these functions serve
every other query. ``relation`` is the ``d`` relation the connection reads
(documents joined to their JSONB copy when a query needs it).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from ckan import model

from ckanext.casa.search import stats
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


def from_columns(
    names: list[str], relation: str, where: str, builder: SqlBuilder, limit: int, mincount: int
) -> dict[str, list[Any]]:
    """Facets on typed columns, all from one evaluation of the query: the
    matching rows are materialised once and counted per field."""
    fields = list(dict.fromkeys(names))
    parts = [
        f"SELECT '{name}' AS field, v.value, count(*) AS n FROM m, {_expand(name, 'm', builder)}"
        " WHERE v.value IS NOT NULL AND v.value <> '' GROUP BY 2"
        for name in fields
    ]
    rows = model.Session.execute(
        sa.text(
            f"WITH m AS MATERIALIZED (SELECT {', '.join(f'd.{n}' for n in fields)}"
            f" FROM {relation} WHERE {where})"
            " SELECT field, value, n FROM (" + " UNION ALL ".join(parts) + ") x"
            " WHERE n >= :_mincount"
        ),
        dict(builder.params, _mincount=mincount),
    ).all()
    grouped: dict[str, list[tuple[str, int]]] = {name: [] for name in fields}
    for row in rows:
        grouped[row.field].append((row.value, row.n))
    result = {}
    for name, counts in grouped.items():
        counts.sort(key=lambda item: (-item[1], item[0]))
        kept = counts if limit < 0 else counts[:limit]
        result[name] = [item for pair in kept for item in pair]
    return result


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
