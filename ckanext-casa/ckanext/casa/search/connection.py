"""A pysolr-compatible connection that stores and searches in PostgreSQL.

CKAN's search code (``ckan.lib.search.index`` and ``.query``) talks to Solr
through the object ``make_connection()`` returns, with four calls: ``add``,
``delete``, ``commit`` and ``search``. This class answers those calls from
the catalogue database, so all of CKAN's own indexing and query-building
code runs unchanged and only the transport differs.

Writes go through ``model.Session``: the search rows are written in the same
transaction as the dataset itself, so a failed write leaves neither a
catalogue row without its search document nor the reverse.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pysolr
import sqlalchemy as sa

from ckan import model
from ckan.lib.search.common import SearchQueryError

from ckanext.casa.search import (
    cache,
    compiler,
    documents,
    facet_bits,
    facets,
    free_text,
    results,
    stats,
)
from ckanext.casa.search.documents import document_row

log = logging.getLogger(__name__)

# What queries read, as one relation ``d``. The LEFT JOIN on the content
# table's primary key is removed by PostgreSQL's planner when a query uses
# no field without a column, so the JSONB copy is read only when needed.
_SOURCE = (
    "(SELECT n.*, c.doc FROM casa_search_document n"
    " LEFT JOIN casa_search_content c ON c.id = n.id) d"
)
_TABLES = (
    "casa_search_document", "casa_search_content", "casa_search_payload",
    "casa_search_facet_value", "casa_search_facet_bits",
)
# The columns compile_sort orders by, besides the score and the JSONB copy.
_SORT_COLUMNS = tuple(
    c.removeprefix("d.") for c in compiler.SORT_COLUMNS.values() if c != "d.id"
)
def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [v for v in value if v]


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, (list, tuple)):
        return [_without_nul(v) for v in value]
    return value


def _int(value: Any, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SearchQueryError(f"Invalid {name!r}: {value!r} is not an integer") from None


class PostgresConnection:
    """Drop-in for ``pysolr.Solr`` backed by the catalogue database."""

    url = "postgresql (ckanext-casa search backend)"

    def __init__(self, use_stats: bool = True) -> None:
        # use_stats=False counts everything in SQL: the reference that the
        # maintained counts are tested against.
        self.use_stats = use_stats

    # -- writes ---------------------------------------------------------------
    def add(self, docs: Iterable[dict[str, Any]], commit: bool | None = None, **_: Any) -> None:
        # One row per id, the last one winning, as repeated Solr adds would.
        rows = list({row["id"]: row for row in map(document_row, docs)}.values())
        if not rows:
            return
        try:
            session = model.Session
            payload = {"rows": json.dumps(rows, ensure_ascii=False)}
            session.execute(documents.UPSERT_DOCUMENT, payload)
            session.execute(documents.UPSERT_CONTENT, payload)
            session.execute(documents.UPSERT_PAYLOAD, payload)
        except sa.exc.SQLAlchemyError as error:
            # pysolr.SolrError is what CKAN turns into SearchIndexError.
            raise pysolr.SolrError(f"PostgreSQL search index write failed: {error}") from error

    def delete(self, id: str | None = None, q: str | None = None, commit: bool | None = None, **_: Any) -> None:
        builder = compiler.SqlBuilder()
        if id is not None:
            where = f"d.id = {builder.bind(id)}"
        elif q:
            try:
                where = compiler.compile_lucene(q, builder)
            except compiler.QuerySyntaxError as error:
                raise pysolr.SolrError(str(error)) from error
        else:
            raise pysolr.SolrError("delete needs an id or a query")
        model.Session.execute(
            sa.text(
                "DELETE FROM casa_search_document WHERE id IN"
                f" (SELECT d.id FROM {_SOURCE} WHERE {where})"
            ),
            builder.params,
        )

    def commit(self, **_: Any) -> None:
        # Only called outside write transactions (index rebuild and clear).
        model.Session.commit()

    def optimize(self, **_: Any) -> None:
        for table in _TABLES:
            model.Session.execute(sa.text(f"ANALYZE {table}"))

    # -- reads ----------------------------------------------------------------
    def search(
        self, q: str | None = None, search_handler: str | None = None, **params: Any
    ) -> results.Results:
        session = model.Session
        state = session.execute(_PREPARE).one()
        answers = cache.current()
        if answers.size <= 0 or state.written == "yes" or state.generation is None:
            # This transaction wrote to the index: its own view, not cached.
            return self._search(q, params)
        key = answers.key(q, params, self.use_stats)
        found = answers.get(state.generation, key)
        if found is not None:
            return found
        answer = self._search(q, params)
        answers.put(state.generation, key, answer)
        return answer

    def _search(self, q: str | None, params: dict[str, Any]) -> results.Results:
        builder = compiler.SqlBuilder()
        # PostgreSQL text cannot hold NUL, and the driver refuses it with a
        # plain ValueError (a server error); Solr drops it as well.
        q = _without_nul(q)
        for key in ("fq", "fq_list"):
            if key in params:
                params[key] = _without_nul(params[key])
        try:
            where = self._where(q or "*:*", params, builder)
            has_rank = bool(builder.rank_queries)
            order = compiler.compile_sort(params.get("sort") or "", has_rank)
        except compiler.QuerySyntaxError as error:
            raise SearchQueryError(str(error)) from None
        rows = _int(params.get("rows"), "rows", 10)
        start = _int(params.get("start"), "start", 0)
        if rows < 0 or start < 0:
            raise SearchQueryError("'rows' and 'start' must not be negative")

        session = model.Session
        fl = params.get("fl")
        base = None
        if self.use_stats:
            base = stats.base_query(q, _as_list(params.get("fq")) + _as_list(params.get("fq_list")))
        plan = self._facet_plan(params, base)
        docs: list[dict[str, Any]] = []
        hits: int | None = None
        facet_fields: dict[str, list[Any]] | None = None
        if base is not None:
            counted = stats.answer(session, base, plan.counted, plan.limit, plan.mincount)
            if counted is None:
                base = None
                plan = self._facet_plan(params, base)
            else:
                hits, facet_fields = counted
        if base is None and has_rank and rows and "d.doc" not in order:
            # Ranking reads every match anyway: count them, and count their
            # facets, in the same pass.
            docs, hits, facet_fields = self._single_pass(where, order, builder, rows, start, fl, plan)
        if hits is None:
            hits = session.execute(
                sa.text(f"SELECT count(*) FROM {_SOURCE} WHERE {where}"), builder.params
            ).scalar_one()
        if not docs and rows and hits > start:
            docs = self._page(where, order, builder, rows, start, fl)
        if plan.names:
            facet_fields = self._facets(where, builder, plan, base, facet_fields)
        return results.Results(docs, hits, {"facet_fields": facet_fields or {}})

    def _where(self, q: str, params: dict[str, Any], builder: compiler.SqlBuilder) -> str:
        q = q.strip()
        if q in ("", "*:*", '""', "''"):
            q_sql = "TRUE"
        elif ":" not in q and params.get("defType", "lucene") != "edismax":
            q_sql = free_text.compile_user_text(q, builder)
        else:
            ranked = len(builder.rank_queries)
            try:
                q_sql = compiler.compile_lucene(q, builder, rank=True)
            except compiler.QuerySyntaxError:
                if "{!" in q:
                    raise
                # Solr's dismax forgives what its Lucene parser would not:
                # search the words, without the half-parsed query's ranking
                # and without the field names ("title:(rivers" -> "rivers").
                del builder.rank_queries[ranked:]
                q_sql = free_text.compile_free_text(free_text.strip_field_names(q), builder)
        clauses = [q_sql]
        for fq in _as_list(params.get("fq")) + _as_list(params.get("fq_list")):
            clauses.append(compiler.compile_lucene(fq, builder))
        return " AND ".join(f"({c})" for c in clauses)

    def _single_pass(
        self,
        where: str,
        order: str,
        builder: compiler.SqlBuilder,
        rows: int,
        start: int,
        fl: Any,
        plan: _FacetPlan,
    ) -> tuple[list[dict[str, Any]], int, dict[str, list[Any]]]:
        """The page's documents, the number of matches and the typed facets,
        from one evaluation of the query in one round trip: the matches are
        materialised narrow (ids, score, sort columns, facet ids) and read
        three times from memory."""
        # Only what the order and the facets read: every column materialised
        # is copied for each match (tens of thousands for a common word).
        sorted_by = [c for c in _SORT_COLUMNS if re.search(rf"\bd\.{c}\b", order)]
        columns = ["d.id", f"{_score(builder)} AS score"] + [f"d.{c}" for c in sorted_by]
        columns += [f"d.{c}" for c in facets.columns_needed(plan.typed) if c not in sorted_by]
        facet_sql = "NULL"
        if plan.typed:
            facet_sql = (
                "(SELECT json_agg(json_build_array(f.field, f.value, f.n)) FROM ("
                + facets.counting_sql(plan.typed, limits=facet_bits.thresholds(model.Session))
                + ") f)"
            )
        page = (
            f"SELECT {', '.join(['d.id', 'd.score'] + [f'd.{c}' for c in sorted_by])} FROM m d"
            f" ORDER BY {order} LIMIT :_limit OFFSET :_offset"
        )
        sql = (
            f"WITH m AS MATERIALIZED (SELECT {', '.join(columns)} FROM {_SOURCE} WHERE {where}),"
            " m_count AS MATERIALIZED (SELECT count(*) AS n FROM m)"
            " SELECT (SELECT n FROM m_count) AS total,"
            f" {results.with_documents(page, order, fl)} AS page,"
            f" {facet_sql} AS facets"
        )
        params = dict(
            builder.params, _limit=rows, _offset=start,
            _mincount=plan.mincount, _facet_limit=plan.limit,
        )
        row = model.Session.execute(sa.text(sql), params).one()
        counted: dict[str, list[Any]] = {}
        if plan.typed:
            counted = facets.grouped(plan.typed, [tuple(f) for f in row.facets or []], plan.limit)
        return results.documents(row.page, fl), int(row.total), counted

    def _page(
        self, where: str, order: str, builder: compiler.SqlBuilder, rows: int, start: int, fl: Any
    ) -> list[dict[str, Any]]:
        """The documents of the requested page, in one round trip."""
        columns = ", ".join(f"d.{c}" for c in _SORT_COLUMNS)
        page = (
            f"SELECT d.id, {_score(builder)} AS score, {columns}"
            + f" FROM {_SOURCE} WHERE {where} ORDER BY {order} LIMIT :_limit OFFSET :_offset"
        )
        params = dict(builder.params, _limit=rows, _offset=start)
        found = model.Session.execute(
            sa.text(f"SELECT {results.with_documents(page, order, fl)} AS page"), params
        ).scalar_one()
        return results.documents(found, fl)

    def _facet_plan(self, params: dict[str, Any], base: stats.BaseQuery | None) -> _FacetPlan:
        """Which requested facets come from the maintained counts, which are
        counted together over typed columns, and which one by one."""
        plan = _FacetPlan()
        if str(params.get("facet", "true")).lower() != "true":
            return plan
        names = _as_list(params.get("facet.field"))
        if isinstance(params.get("facet.field"), str) and params["facet.field"].startswith("["):
            names = json.loads(params["facet.field"])
        plan.limit = _int(params.get("facet.limit"), "facet.limit", 50)
        plan.mincount = _int(params.get("facet.mincount"), "facet.mincount", 1)
        for name in names:
            if not compiler._FIELD_NAME.match(name):
                raise SearchQueryError(f"Invalid facet field: {name!r}")
        plan.names = list(names)
        for name in names:
            if base is not None and base.field_filter is None and name in stats.STAT_FIELDS:
                plan.counted.append(name)
            elif name in facets.FEW_VALUES:
                plan.typed.append(name)
            else:
                plan.alone.append(name)
        return plan

    def _facets(
        self,
        where: str,
        builder: compiler.SqlBuilder,
        plan: _FacetPlan,
        base: stats.BaseQuery | None = None,
        known: dict[str, list[Any]] | None = None,
    ) -> dict[str, list[Any]]:
        """Every requested facet, in the order asked; those in ``known``
        (counted already, with the total or in the single pass) are kept."""
        result: dict[str, list[Any]] = dict(known or {})
        for name in plan.counted:
            if name not in result:
                result[name] = stats.facet(model.Session, base, name, plan.limit, plan.mincount)  # type: ignore[arg-type]
        for name in plan.alone:
            if name not in result:
                result[name] = facets.alone(name, _SOURCE, where, builder, plan.limit, plan.mincount)
        typed = [name for name in plan.typed if name not in result]
        if typed:
            result.update(facets.from_columns(typed, _SOURCE, where, builder, plan.limit, plan.mincount))
        return {name: result[name] for name in plan.names if name in result}


@dataclass
class _FacetPlan:
    names: list[str] = field(default_factory=list)
    counted: list[str] = field(default_factory=list)  # maintained counts (stats.py)
    typed: list[str] = field(default_factory=list)  # one pass over typed columns
    alone: list[str] = field(default_factory=list)  # one query each (JSONB copy)
    limit: int = 50
    mincount: int = 1


def _score(builder: compiler.SqlBuilder) -> str:
    if not builder.rank_queries:
        return "0.0"
    return "ts_rank(d.search_vector, " + " || ".join(builder.rank_queries) + ")"


# Planner and executor settings for the search queries, for the rest of the
# request's transaction only (set_config(..., true) is SET LOCAL):
# - parallel workers make one query faster on an idle machine, but under
#   concurrent requests on a small machine they only add start-up cost;
# - the search tables are read from memory: with the default random page
#   cost the planner preferred a full scan (124 ms) to the GIN bitmap scan
#   (40 ms) for a word matching 14% of 100,000 datasets;
# - matches materialised for ranking and facets spilled to disk at 4 MB.
# - JIT compilation costs tens of milliseconds per query and pays only
#   for long scans: a common word's facets at a million datasets cross
#   jit_above_cost (the plan of one at 100,000 costs 24,500) and would
#   compile on every request.
_SETTINGS = (
    ("jit", "off"),
    ("max_parallel_workers_per_gather", "0"),
    ("random_page_cost", "1.1"),
    ("work_mem", "32MB"),
)
# One round trip before each search: the settings, the index generation and
# whether this transaction wrote to the index (see cache.py).
_PREPARE = sa.text(
    "SELECT "
    + ", ".join(f"set_config('{k}', '{v}', true)" for k, v in _SETTINGS)
    + ", (SELECT value FROM casa_search_generation WHERE id = 1) AS generation,"
    " current_setting('casa.search_written', true) AS written"
)


def make_connection(decode_dates: bool = True) -> PostgresConnection:
    """Replacement for ``ckan.lib.search.common.make_connection``."""
    return PostgresConnection()
