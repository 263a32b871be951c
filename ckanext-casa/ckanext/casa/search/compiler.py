"""Compile CKAN's Solr-syntax search parameters into SQL.

``q`` and ``fq`` are parsed with luqum (a Lucene query parser) and every
node becomes a boolean SQL expression with bind parameters: typed columns
for the common fields, JSONB containment for any other field, and
``tsquery`` matches over the weighted ``search_vector`` for text fields.
Free-text ``q`` (no field name) is compiled in free_text.py.

Every text word is matched by its stem: the tsquery text written here
holds folded words, and SQL turns each into its stem
(``casa_stem_tsquery``, the same rules the index was built with, see
migration 0010) before PostgreSQL reads it with the ``casa`` text search
configuration.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from casa_pipelines.normalize import tokens
from luqum import tree
from luqum.exceptions import ParseError
from luqum.parser import parser as _lucene_parser

from ckanext.casa.search import dates, limits
from ckanext.casa.search.dates import DATE_COLUMNS
from ckanext.casa.search.documents import ARRAY_COLUMNS, SCALAR_COLUMNS

# luqum's parser (PLY) keeps its state in one module-level object: two
# threads parsing at once corrupt each other's parse (seen under gunicorn
# threads as "unexpected end of expression" on valid filters).
_PARSE_LOCK = threading.Lock()


def parse_lucene(text: str) -> tree.Item:
    """Parse Lucene syntax; safe to call from several threads."""
    refusal = limits.too_deep(text)
    if refusal:
        raise QuerySyntaxError(refusal)
    with _PARSE_LOCK:
        return _lucene_parser.parse(text)


class QuerySyntaxError(ValueError):
    """The query cannot be understood; the message says where."""


# Text fields and the tsvector weights that hold them (see documents.py).
TEXT_FIELDS = {
    "text": "",
    "title": "A",
    "notes": "C",
    "res_name": "D",
    "res_description": "D",
    "author": "D",
    "maintainer": "D",
}
SORT_COLUMNS = {
    "metadata_modified": "d.metadata_modified",
    "metadata_created": "d.metadata_created",
    "title_string": "d.title_sort",
    "name": "d.name",
    "id": "d.id",
}
_FIELD_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]*$")
_UNESCAPE = re.compile(r"\\(.)")


@dataclass
class SqlBuilder:
    """Collects bind parameters while expressions are built."""

    params: dict[str, Any] = field(default_factory=dict)
    rank_queries: list[str] = field(default_factory=list)

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def text(self, value: Any) -> str:
        """A text bind parameter. ``CAST`` and not ``::text``: SQLAlchemy's
        ``text()`` does not see ``:name`` as a parameter when ``::`` follows."""
        return f"CAST({self.bind(value)} AS text)"


def _unescape(value: str) -> str:
    return _UNESCAPE.sub(r"\1", value)


def _check_field(name: str) -> str:
    if not _FIELD_NAME.match(name):
        raise QuerySyntaxError(f"Invalid field name: {name!r}")
    return name


def tsquery_text(words: list[str], weights: str, prefix: bool = False) -> str:
    """Words joined as a phrase (``<->``), each restricted to ``weights``."""
    suffix = (":" + weights if weights else "") + ("*" if prefix else "")
    if prefix and not weights:
        suffix = ":*"
    elif prefix:
        suffix = f":*{weights}"
    quoted = [f"'{w}'{suffix}" for w in words]
    return " <-> ".join(quoted) if len(quoted) > 1 else quoted[0]


def text_match(builder: SqlBuilder, ts: str, rank: bool) -> str:
    """SQL matching the tsquery text ``ts`` (folded words) by stems."""
    expr = f"to_tsquery('casa', casa_stem_tsquery({builder.text(ts)}))"
    if rank:
        builder.rank_queries.append(expr)
    return f"(d.search_vector @@ {expr})"


class Compiler:
    def __init__(self, builder: SqlBuilder, rank: bool) -> None:
        self.b = builder
        self.rank = rank

    # -- text ---------------------------------------------------------------
    def _text_match(self, value: str, weights: str, prefix: bool = False) -> str:
        words = tokens(value)
        if not words:
            return "FALSE"
        return text_match(self.b, tsquery_text(words, weights, prefix), self.rank)

    def _tsquery(self, node: tree.Item, name: str | None) -> str | None:
        """The tsquery text of a subtree made of text terms only (words and
        phrases of text fields, under AND, OR and NOT), so that it is
        matched as one tsquery: stop words then drop out of the query as
        they do in Solr, instead of matching nothing. None otherwise."""
        if isinstance(node, tree.SearchField):
            if name is not None or node.name not in TEXT_FIELDS:
                return None
            return self._tsquery(node.expr, node.name)
        if isinstance(node, (tree.Group, tree.FieldGroup, tree.Plus)):
            inner = self._tsquery(node.expr if hasattr(node, "expr") else node.a, name)
            return None if inner is None else f"({inner})"
        if isinstance(node, (tree.AndOperation, tree.UnknownOperation, tree.OrOperation)):
            parts = [self._tsquery(c, name) for c in node.children]
            if any(p is None for p in parts):
                return None
            joiner = " | " if isinstance(node, tree.OrOperation) else " & "
            return joiner.join(f"({p})" for p in parts)
        if isinstance(node, (tree.Prohibit, tree.Not)):
            inner = self._tsquery(node.a, name)
            return None if inner is None else f"!({inner})"
        if isinstance(node, tree.Boost):
            return self._tsquery(node.expr, name)
        if isinstance(node, (tree.Fuzzy, tree.Proximity)):
            return self._tsquery(node.term, name)
        weights = TEXT_FIELDS.get(name or "text")
        if weights is None:
            return None
        if isinstance(node, tree.Phrase):
            words = tokens(_unescape(node.value[1:-1]))
            return tsquery_text(words, weights) if words else None
        if isinstance(node, tree.Word):
            value = _unescape(node.value)
            prefix = value.endswith("*") and "*" not in value[:-1]
            words = tokens(value[:-1] if prefix else value)
            if not words or (not prefix and "*" in value):
                return None
            return tsquery_text(words, weights, prefix)
        return None

    # -- terms --------------------------------------------------------------
    def term(self, name: str | None, value: str, phrase: bool = False) -> str:
        name = name or "text"
        if name == "*" and value == "*":
            return "TRUE"
        _check_field(name)
        if name in TEXT_FIELDS:
            if not phrase and value == "*":
                return "TRUE" if name == "text" else self._exists(name)
            prefix = not phrase and value.endswith("*") and "*" not in value[:-1]
            return self._text_match(value.rstrip("*") if prefix else value, TEXT_FIELDS[name], prefix)
        if not phrase and value == "*":
            return self._exists(name)
        if not phrase and ("*" in value or "?" in value):
            return self._like(name, value)
        if name in DATE_COLUMNS:
            try:
                value = dates.canonical(value)
            except dates.DateSyntaxError as error:
                raise QuerySyntaxError(str(error)) from None
        if name in SCALAR_COLUMNS:
            return f"(d.{name} = {self.b.bind(value)})"
        if name in ARRAY_COLUMNS:
            return f"(d.{name} @> ARRAY[{self.b.text(value)}])"
        # Any other field: the JSONB copy, as a string or inside a list.
        key = self.b.text(name)
        val = self.b.text(value)
        return (
            f"(d.doc @> jsonb_build_object({key}, {val})"
            f" OR d.doc @> jsonb_build_object({key}, jsonb_build_array({val}))"
            f" OR (d.doc ->> {key}) = {val})"
        )

    def _exists(self, name: str) -> str:
        if name in SCALAR_COLUMNS:
            return f"(d.{name} IS NOT NULL AND d.{name} <> '')"
        if name in ARRAY_COLUMNS:
            return f"(cardinality(d.{name}) > 0)"
        return f"(d.doc ? {self.b.text(name)})"

    def _like(self, name: str, value: str) -> str:
        pattern = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = self.b.bind(pattern.replace("*", "%").replace("?", "_"))
        if name in SCALAR_COLUMNS:
            return f"(d.{name} LIKE {pattern})"
        if name in ARRAY_COLUMNS:
            return f"EXISTS (SELECT 1 FROM unnest(d.{name}) v WHERE v LIKE {pattern})"
        return f"((d.doc ->> {self.b.text(name)}) LIKE {pattern})"

    def _range(self, name: str, node: tree.Range) -> str:
        _check_field(name)
        as_date = name in DATE_COLUMNS
        low, high = (self._bound(v, as_date) for v in (node.low, node.high))
        if name in SCALAR_COLUMNS:
            column = f"d.{name}"
        else:
            column = f"(d.doc -> {self.b.text(name)})"
        as_number = all(isinstance(v, (int, float)) for v in (low, high) if v is not None)
        parts = []
        for bound, inclusive, ops in ((low, node.include_low, (">=", ">")), (high, node.include_high, ("<=", "<"))):
            if bound is None:
                continue
            op = ops[0] if inclusive else ops[1]
            if name in SCALAR_COLUMNS:
                parts.append(f"{column} {op} {self.b.bind(str(bound))}")
            elif as_number:
                parts.append(f"{column} {op} to_jsonb(CAST({self.b.bind(bound)} AS numeric))")
            else:
                parts.append(f"{column} {op} to_jsonb({self.b.text(str(bound))})")
        return "(" + " AND ".join(parts) + ")" if parts else "TRUE"

    @staticmethod
    def _bound(item: Any, as_date: bool) -> Any:
        value = _unescape(str(item.value if hasattr(item, "value") else item)).strip('"')
        if value == "*":
            return None
        if as_date or dates.looks_like_date(value):
            try:
                moment = dates.evaluate(value)
            except dates.DateSyntaxError as error:
                if as_date:
                    raise QuerySyntaxError(str(error)) from None
                return value
            # Our own date columns hold the canonical form; fields copied
            # from CKAN's document (``*_date`` extras) keep Solr's form.
            return dates.canonical(moment) if as_date else moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        try:
            return int(value)
        except ValueError:
            pass
        try:
            return float(value)
        except ValueError:
            return value

    # -- tree ---------------------------------------------------------------
    def node(self, node: tree.Item, name: str | None = None) -> str:
        if not isinstance(node, (tree.Word, tree.Phrase)):
            ts = self._tsquery(node, name)
            if ts is not None:
                if isinstance(node, (tree.Prohibit, tree.Not)):
                    # Matches nothing to rank: not ranked (as below).
                    return text_match(self.b, ts, rank=False)
                return text_match(self.b, ts, self.rank)
        if isinstance(node, tree.SearchField):
            if name is not None:
                # "title: +state:x" parses as a field inside a field; Solr
                # refuses it, and so do we rather than guess.
                raise QuerySyntaxError(f"Field {node.name!r} inside field {name!r}")
            return self.node(node.expr, node.name)
        if isinstance(node, (tree.Group, tree.FieldGroup)):
            return self.node(node.expr, name)
        if isinstance(node, (tree.AndOperation, tree.UnknownOperation)):
            return "(" + " AND ".join(self.node(c, name) for c in node.children) + ")"
        if isinstance(node, tree.OrOperation):
            return "(" + " OR ".join(self.node(c, name) for c in node.children) + ")"
        if isinstance(node, tree.Plus):
            return self.node(node.a, name)
        if isinstance(node, (tree.Prohibit, tree.Not)):
            saved, self.rank = self.rank, False
            try:
                return f"(NOT COALESCE({self.node(node.a, name)}, FALSE))"
            finally:
                self.rank = saved
        if isinstance(node, tree.Boost):
            return self.node(node.expr, name)
        if isinstance(node, (tree.Fuzzy, tree.Proximity)):
            return self.node(node.term, name)
        if isinstance(node, tree.Phrase):
            return self.term(name, _unescape(node.value[1:-1]), phrase=True)
        if isinstance(node, tree.Word):
            return self.term(name, _unescape(node.value))
        if isinstance(node, tree.Range):
            return self._range(name or "text", node)
        raise QuerySyntaxError(f"Unsupported query syntax: {str(node)!r}")


def compile_lucene(text: str, builder: SqlBuilder, rank: bool = False) -> str:
    """Compile a Lucene/Solr query (``q`` with fields, or an ``fq``)."""
    text = text.strip()
    if not text:
        return "TRUE"
    if "{!" in text:
        raise QuerySyntaxError("Local parameters are not supported")
    try:
        parsed = parse_lucene(text)
    except (ParseError, ValueError, TypeError) as error:
        raise QuerySyntaxError(f"Cannot parse {text!r}: {error}") from None
    try:
        return Compiler(builder, rank).node(parsed)
    except RecursionError:
        raise QuerySyntaxError(f"Query nested too deeply: {text[:80]!r}...") from None


def compile_sort(sort: str, has_rank: bool) -> str:
    """Compile ``sort`` ("score desc, metadata_modified desc")."""
    clauses = []
    for item in (s.strip() for s in (sort or "").split(",")):
        if not item:
            continue
        pieces = item.split()
        if len(pieces) != 2 or pieces[1].lower() not in ("asc", "desc"):
            raise QuerySyntaxError(f"Unknown sort order: {item!r}")
        name, direction = pieces[0], pieces[1].upper()
        if name == "score" or name == "rank":
            if has_rank:
                clauses.append(f"score {direction}")
            continue
        if name in SORT_COLUMNS:
            clauses.append(f"{SORT_COLUMNS[name]} {direction} NULLS LAST")
        elif _FIELD_NAME.match(name):
            key = name.replace("'", "")
            clauses.append(f"(d.doc -> '{key}') {direction} NULLS LAST")
        else:
            raise QuerySyntaxError(f"Unknown sort order: {item!r}")
    clauses.append("d.id ASC")
    return ", ".join(clauses)
