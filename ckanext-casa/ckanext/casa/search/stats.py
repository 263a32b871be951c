"""Maintained totals and facet counts of what every visitor can see.

The commonest search of a portal is its landing page: every public, active
dataset with the facets organization, groups, tags, formats and licences.
Counting those over the whole catalogue on each request reads every row
(about 70 ms for the total and 150 ms for one array facet at 100,000
datasets, measured by make bench-search). Like Solr's facet caches, but
exact and transactional, ``casa_search_stats`` keeps those counts up to date
as documents are written: triggers on the document table (migration 0003)
apply the difference in the same transaction as the write, so a rolled-back
write changes no count, whoever writes to the index.

A query uses the counts only when it asks for exactly that set: no text, and
filters limited to this site, ``capacity:public``, ``state:active``, at most
one ``dataset_type`` and permission labels that include ``public``. Every
other query counts in SQL as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from luqum import tree
from luqum.exceptions import ParseError

from ckanext.casa.search.compiler import parse_lucene

# spatial_coverage: the territory facet (search/territory.py, migration 0011).
STAT_FIELDS = ("organization", "license_id", "groups", "tags", "res_format", "spatial_coverage")
TOTAL = "_count"
# Public, active documents that lack the "public" permission label (possible
# with a custom IPermissionLabels plugin): while any exist, counts are not
# used, since a visitor with other labels could see them.
UNLABELLED = "_public_without_label"
@dataclass(frozen=True)
class BaseQuery:
    """A query for everything a visitor sees, possibly of one type."""

    site_id: str
    dataset_type: str | None
    # One more filter on a counted field (e.g. organization:x): the total is
    # still a maintained count, the facets are not.
    field_filter: tuple[str, str] | None = None


def _values(node: tree.Item) -> list[str] | None:
    if isinstance(node, (tree.Group, tree.FieldGroup)):
        return _values(node.expr)
    if isinstance(node, tree.OrOperation):
        values: list[str] = []
        for child in node.children:
            found = _values(child)
            if found is None:
                return None
            values.extend(found)
        return values
    if isinstance(node, tree.Phrase):
        return [node.value[1:-1]]
    if isinstance(node, tree.Word) and not any(c in node.value for c in "*?\\"):
        return [node.value]
    return None


def _constraints(node: tree.Item, out: list[tuple[str, list[str]]]) -> bool:
    if isinstance(node, (tree.AndOperation, tree.UnknownOperation)):
        return all(_constraints(child, out) for child in node.children)
    if isinstance(node, tree.Plus):
        return _constraints(node.a, out)
    if isinstance(node, tree.Group):
        return _constraints(node.expr, out)
    if isinstance(node, tree.SearchField):
        values = _values(node.expr)
        if values is None:
            return False
        out.append((node.name, values))
        return True
    return False


def base_query(q: str | None, filters: list[str]) -> BaseQuery | None:
    """Return the base query ``q`` and ``filters`` amount to, or None."""
    if (q or "").strip() not in ("", "*:*", '""', "''"):
        return None
    constraints: list[tuple[str, list[str]]] = []
    for text in filters:
        if not text.strip():
            continue
        try:
            parsed = parse_lucene(text)
        except (ParseError, ValueError, TypeError):
            return None
        if not _constraints(parsed, constraints):
            return None
    seen: dict[str, list[str]] = {}
    for name, values in constraints:
        if name in seen:
            return None
        seen[name] = values
    extra = [name for name in seen if name in STAT_FIELDS]
    field_filter = None
    if len(extra) == 1 and len(seen[extra[0]]) == 1:
        field_filter = (extra[0], seen.pop(extra[0])[0])
    checks = (
        seen.get("capacity") == ["public"],
        seen.get("state") == ["active"],
        len(seen.get("site_id", [])) == 1,
        "public" in seen.get("permission_labels", ["public"]),
        len(seen.get("dataset_type", [""])) == 1,
        set(seen) <= {"capacity", "state", "site_id", "permission_labels", "dataset_type"},
    )
    if not all(checks):
        return None
    dataset_type = seen.get("dataset_type", [None])[0]
    return BaseQuery(site_id=seen["site_id"][0], dataset_type=dataset_type, field_filter=field_filter)


def _scope(base: BaseQuery) -> tuple[str, dict[str, Any]]:
    sql = "site_id = :_site"
    params: dict[str, Any] = {"_site": base.site_id}
    if base.dataset_type is not None:
        sql += " AND dataset_type = :_type"
        params["_type"] = base.dataset_type
    return sql, params


def usable(session: Any, base: BaseQuery) -> bool:
    scope, params = _scope(base)
    unlabelled = session.execute(
        sa.text(f"SELECT coalesce(sum(n), 0) FROM casa_search_stats WHERE {scope} AND field = :_f"),
        dict(params, _f=UNLABELLED),
    ).scalar_one()
    return unlabelled == 0


def total(session: Any, base: BaseQuery) -> int:
    scope, params = _scope(base)
    field, value = base.field_filter or (TOTAL, "")
    return int(
        session.execute(
            sa.text(
                f"SELECT coalesce(sum(n), 0) FROM casa_search_stats WHERE {scope}"
                " AND field = :_f AND value = :_v"
            ),
            dict(params, _f=field, _v=value),
        ).scalar_one()
    )


def facet(session: Any, base: BaseQuery, field: str, limit: int, mincount: int) -> list[Any]:
    scope, params = _scope(base)
    sql = (
        f"SELECT value, sum(n) AS n FROM casa_search_stats WHERE {scope} AND field = :_f"
        " GROUP BY value HAVING sum(n) >= greatest(:_min, 1) ORDER BY 2 DESC, 1"
    )
    params.update(_f=field, _min=mincount)
    if limit >= 0:
        sql += " LIMIT :_limit"
        params["_limit"] = limit
    return [item for row in session.execute(sa.text(sql), params) for item in (row.value, int(row.n))]


def answer(
    session: Any, base: BaseQuery, fields: list[str], limit: int, mincount: int
) -> tuple[int, dict[str, list[Any]]] | None:
    """The total and the facets ``fields`` of ``base`` in one round trip
    (usable, total and facet above, each a query of its own, cost a round
    trip each: several milliseconds on a busy machine); None when the
    counts cannot be used (see usable)."""
    scope, params = _scope(base)
    field, value = base.field_filter or (TOTAL, "")
    params.update(_unlabelled=UNLABELLED, _f=field, _v=value, _min=mincount, _limit=limit,
                  _fields=list(fields))
    row = session.execute(
        sa.text(
            f"SELECT (SELECT coalesce(sum(n), 0) FROM casa_search_stats WHERE {scope}"
            " AND field = :_unlabelled) AS unlabelled,"
            f" (SELECT coalesce(sum(n), 0) FROM casa_search_stats WHERE {scope}"
            " AND field = :_f AND value = :_v) AS total,"
            " (SELECT json_agg(json_build_array(field, value, n)) FROM ("
            "  SELECT field, value, n, row_number() OVER"
            '   (PARTITION BY field ORDER BY n DESC, value COLLATE "C") AS position FROM ('
            f"   SELECT field, value, sum(n) AS n FROM casa_search_stats WHERE {scope}"
            "    AND field = ANY(:_fields) GROUP BY field, value"
            "    HAVING sum(n) >= greatest(:_min, 1)) counted) ranked"
            "  WHERE :_limit < 0 OR position <= :_limit) AS facets"
        ),
        params,
    ).one()
    if row.unlabelled:
        return None
    counted: dict[str, list[tuple[str, int]]] = {name: [] for name in fields}
    for name, val, n in row.facets or []:
        counted[name].append((val, int(n)))
    result = {}
    for name, pairs in counted.items():
        pairs.sort(key=lambda item: (-item[1], item[0]))
        result[name] = [item for pair in pairs for item in pair]
    return int(row.total), result
