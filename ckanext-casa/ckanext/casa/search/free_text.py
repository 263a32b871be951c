"""Compile free text (``q`` without a field name) into SQL.

CKAN sends it with ``defType=dismax``: words and quoted phrases, all
required, ``-word`` excluded. Solr's edismax also reads boolean operators
(``AND``, ``OR``, ``NOT``, parentheses) in it, and so do we: such text is
parsed like any Lucene query (compiler.py).
"""

from __future__ import annotations

import re

from casa_pipelines.normalize import tokens

from ckanext.casa.search.compiler import (
    QuerySyntaxError,
    SqlBuilder,
    compile_lucene,
    text_match,
    tsquery_text,
)

_FIELD_PREFIX = re.compile(r"[\w.]+:")


def strip_field_names(text: str) -> str:
    """Drop ``name:`` prefixes, for a fielded query that did not parse."""
    return _FIELD_PREFIX.sub(" ", text)


_DISMAX_TERM = re.compile(r'([+-]?)"([^"]*)"|([+-]?)(\S+)')
# Boolean syntax that Solr's edismax reads in free text: the operators (upper
# case only, as Lucene), Solr's && and || spellings, and parentheses.
_BOOLEAN = re.compile(r"(?<!\S)(?:AND|OR|NOT|&&|\|\|)(?!\S)|[()]")
_SPELLINGS = {"&&": "AND", "||": "OR"}
# Beyond this length, boolean syntax is not parsed: the query is read as
# words (a pasted text does not need a parse tree thousands of nodes deep).
MAX_BOOLEAN_LENGTH = 2000


def compile_user_text(text: str, builder: SqlBuilder) -> str:
    """Compile free text (``q`` without a field name): dismax's reading of
    words and phrases or, when it uses boolean operators or parentheses,
    edismax's, like any Lucene query on the ``text`` field. Boolean syntax
    that does not parse ("population OR", "(emploi") is read as words
    without its operators, as Solr's edismax does; never an error."""
    if len(text) <= MAX_BOOLEAN_LENGTH and _BOOLEAN.search(text):
        lucene = " ".join(_SPELLINGS.get(w, w) for w in text.split(" "))
        ranked = len(builder.rank_queries)
        try:
            return compile_lucene(lucene, builder, rank=True)
        except QuerySyntaxError:
            del builder.rank_queries[ranked:]
        words = _BOOLEAN.sub(" ", text)
        if tokens(words):
            text = words
    return compile_free_text(text, builder)


def compile_free_text(text: str, builder: SqlBuilder) -> str:
    """Compile free text the way dismax reads it: every word or quoted phrase
    is required (CKAN sends ``q.op=AND``), ``-word`` excludes, ``word*``
    looks for words that start with ``word``; an unbalanced quote is
    ignored rather than an error."""
    if text.count('"') % 2:
        text = text.replace('"', " ")
    required: list[str] = []
    excluded: list[str] = []
    for match in _DISMAX_TERM.finditer(text):
        sign = match.group(1) or match.group(3)
        chunk = match.group(2) if match.group(2) is not None else match.group(4)
        prefix = match.group(2) is None and chunk.endswith("*") and "*" not in chunk[:-1]
        words = tokens(chunk[:-1] if prefix else chunk)
        if not words:
            continue
        (excluded if sign == "-" else required).append(tsquery_text(words, "", prefix))
    if not required and not excluded:
        return "TRUE"
    parts = [f"({r})" for r in required] + [f"!({e})" for e in excluded]
    return text_match(builder, " & ".join(parts), rank=bool(required))
