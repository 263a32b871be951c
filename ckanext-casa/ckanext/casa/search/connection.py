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
from collections.abc import Iterable
from typing import Any

import pysolr
import sqlalchemy as sa
from ckan import model
from ckan.lib.search.common import SearchQueryError

from ckanext.casa.search import compiler, facets, stats
from ckanext.casa.search.documents import ARRAY_COLUMNS, SCALAR_COLUMNS, document_row

log = logging.getLogger(__name__)

# Each write is one statement over all the documents it carries (their rows
# passed as one JSON array): the statement-level triggers that keep the
# counts (stats.py) then run once per write, not once per document.
_DOC_COLUMNS = SCALAR_COLUMNS + ARRAY_COLUMNS + ("title_sort",)
_RECORDS = "jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({})"
_VECTOR = (
    "setweight(to_tsvector('simple', r.\"text_A\"), 'A')"
    " || setweight(to_tsvector('simple', r.\"text_B\"), 'B')"
    " || setweight(to_tsvector('simple', r.\"text_C\"), 'C')"
    " || setweight(to_tsvector('simple', r.\"text_D\"), 'D')"
)
_UPSERT_DOCUMENT = sa.text(
    "INSERT INTO casa_search_document ("
    + ", ".join(_DOC_COLUMNS)
    + ", search_vector) SELECT "
    + ", ".join(f"r.{c}" for c in _DOC_COLUMNS)
    + f", {_VECTOR} FROM "
    + _RECORDS.format(
        ", ".join(f"{c} text[]" if c in ARRAY_COLUMNS else f"{c} text" for c in _DOC_COLUMNS)
        + ', "text_A" text, "text_B" text, "text_C" text, "text_D" text'
    )
    + " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _DOC_COLUMNS if c != "id")
    + ", search_vector = EXCLUDED.search_vector"
)
_UPSERT_CONTENT = sa.text(
    "INSERT INTO casa_search_content (id, doc) SELECT r.id, CAST(r.doc AS jsonb) FROM "
    + _RECORDS.format("id text, doc text")
    + " ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc"
)
_UPSERT_PAYLOAD = sa.text(
    "INSERT INTO casa_search_payload (id, data_dict, validated_data_dict)"
    " SELECT r.id, r.data_dict, r.validated_data_dict FROM "
    + _RECORDS.format("id text, data_dict text, validated_data_dict text")
    + " ON CONFLICT (id) DO UPDATE SET data_dict = EXCLUDED.data_dict,"
    " validated_data_dict = EXCLUDED.validated_data_dict"
)
# What queries read, as one relation ``d``. The LEFT JOIN on the content
# table's primary key is removed by PostgreSQL's planner when a query uses
# no field without a column, so the JSONB copy is read only when needed.
_SOURCE = (
    "(SELECT n.*, c.doc FROM casa_search_document n"
    " LEFT JOIN casa_search_content c ON c.id = n.id) d"
)
# The columns compile_sort orders by, besides the score and the JSONB copy.
_SORT_COLUMNS = tuple(
    c.removeprefix("d.") for c in compiler.SORT_COLUMNS.values() if c != "d.id"
)
class Results:
    """The part of ``pysolr.Results`` that CKAN reads."""

    def __init__(self, docs: list[dict[str, Any]], hits: int, facets: dict[str, Any]):
        self.docs = docs
        self.hits = hits
        self.facets = facets

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)


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
            session.execute(_UPSERT_DOCUMENT, payload)
            session.execute(_UPSERT_CONTENT, payload)
            session.execute(_UPSERT_PAYLOAD, payload)
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
        model.Session.execute(sa.text("ANALYZE casa_search_document"))

    # -- reads ----------------------------------------------------------------
    def search(self, q: str | None = None, search_handler: str | None = None, **params: Any) -> Results:
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
        base = None
        if self.use_stats:
            base = stats.base_query(q, _as_list(params.get("fq")) + _as_list(params.get("fq_list")))
        if base is not None and not stats.usable(session, base):
            base = None
        docs: list[dict[str, Any]] = []
        hits: int | None = None
        if base is not None:
            hits = stats.total(session, base)
        elif has_rank and rows:
            # Ranking reads every match anyway: count them in the same pass.
            docs, hits = self._page(where, order, builder, rows, start, params.get("fl"), True)
        if hits is None:
            hits = session.execute(
                sa.text(f"SELECT count(*) FROM {_SOURCE} WHERE {where}"), builder.params
            ).scalar_one()
        if not docs and rows and hits > start:
            docs, _ = self._page(where, order, builder, rows, start, params.get("fl"))
        facets: dict[str, Any] = {"facet_fields": {}}
        if str(params.get("facet", "true")).lower() == "true":
            facets["facet_fields"] = self._facets(where, builder, params, base)
        return Results(docs, hits, facets)

    def _where(self, q: str, params: dict[str, Any], builder: compiler.SqlBuilder) -> str:
        q = q.strip()
        if q in ("", "*:*", '""', "''"):
            q_sql = "TRUE"
        elif ":" not in q and params.get("defType", "lucene") != "edismax":
            q_sql = compiler.compile_free_text(q, builder)
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
                q_sql = compiler.compile_free_text(compiler.strip_field_names(q), builder)
        clauses = [q_sql]
        for fq in _as_list(params.get("fq")) + _as_list(params.get("fq_list")):
            clauses.append(compiler.compile_lucene(fq, builder))
        return " AND ".join(f"({c})" for c in clauses)

    def _page(
        self,
        where: str,
        order: str,
        builder: compiler.SqlBuilder,
        rows: int,
        start: int,
        fl: Any,
        with_total: bool = False,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """The requested page, and the number of matches when ``with_total``
        (None if the page is empty, as a window count then has no row)."""
        fields = (fl if isinstance(fl, str) else " ".join(fl or [])).replace(",", " ").split()
        if not fields or "*" in fields:
            fields = ["*", "data_dict", "validated_data_dict"]
        score = (
            "ts_rank(d.search_vector, " + " || ".join(builder.rank_queries) + ")"
            if builder.rank_queries
            else "0.0"
        )
        payload_wanted = [f for f in ("data_dict", "validated_data_dict") if f in fields]
        params = dict(builder.params, _limit=rows, _offset=start)
        # Rank and sort ids only; the JSONB copies are read for the page's
        # rows alone (carrying them through the sort spilled it to disk).
        if with_total and "d.doc" not in order:
            # The matches, narrow, materialised once: counted and sorted from
            # memory (a window count over the scan spilled to disk; 50 ms ->
            # 20 ms for one Arabic word at 100,000 datasets).
            sql = (
                f"WITH m AS MATERIALIZED (SELECT d.id, {score} AS score, "
                + ", ".join(f"d.{c}" for c in _SORT_COLUMNS)
                + f" FROM {_SOURCE} WHERE {where})"
                f" SELECT d.id, d.score, (SELECT count(*) FROM m) AS total FROM m d"
                f" ORDER BY {order} LIMIT :_limit OFFSET :_offset"
            )
        else:
            sql = (
                f"SELECT d.id, {score} AS score"
                + (", count(*) OVER () AS total" if with_total else "")
                + f" FROM {_SOURCE} WHERE {where} ORDER BY {order} LIMIT :_limit OFFSET :_offset"
            )
        page = model.Session.execute(sa.text(sql), params).all()
        copies = dict(
            model.Session.execute(
                sa.text("SELECT id, doc FROM casa_search_content WHERE id = ANY(:ids)"),
                {"ids": [r.id for r in page]},
            ).all()
        ) if page else {}
        payloads: dict[str, Any] = {}
        if payload_wanted and page:
            payloads = {
                r.id: r
                for r in model.Session.execute(
                    sa.text(
                        "SELECT id, data_dict, validated_data_dict FROM casa_search_payload"
                        " WHERE id = ANY(:ids)"
                    ),
                    {"ids": [r.id for r in page]},
                )
            }
        docs = []
        for row in page:
            source = dict(copies.get(row.id) or {})
            source["score"] = float(row.score)
            doc = source if "*" in fields else {f: source[f] for f in fields if f in source}
            for name in payload_wanted:
                payload = payloads.get(row.id)
                if payload is not None:
                    doc[name] = getattr(payload, name)
            docs.append(doc)
        return docs, (page[0].total if with_total and page else None)

    def _facets(
        self,
        where: str,
        builder: compiler.SqlBuilder,
        params: dict[str, Any],
        base: stats.BaseQuery | None = None,
    ) -> dict[str, list[Any]]:
        names = _as_list(params.get("facet.field"))
        if isinstance(params.get("facet.field"), str) and params["facet.field"].startswith("["):
            names = json.loads(params["facet.field"])
        limit = _int(params.get("facet.limit"), "facet.limit", 50)
        mincount = _int(params.get("facet.mincount"), "facet.mincount", 1)
        result: dict[str, list[Any]] = {}
        typed: list[str] = []
        for name in names:
            if not compiler._FIELD_NAME.match(name):
                raise SearchQueryError(f"Invalid facet field: {name!r}")
            if base is not None and base.field_filter is None and name in stats.STAT_FIELDS:
                result[name] = stats.facet(model.Session, base, name, limit, mincount)
            elif name in facets.FEW_VALUES:
                typed.append(name)
            else:
                result[name] = facets.alone(name, _SOURCE, where, builder, limit, mincount)
        if typed:
            result.update(facets.from_columns(typed, _SOURCE, where, builder, limit, mincount))
        return {name: result[name] for name in names if name in result}


def make_connection(decode_dates: bool = True) -> PostgresConnection:
    """Replacement for ``ckan.lib.search.common.make_connection``."""
    return PostgresConnection()
