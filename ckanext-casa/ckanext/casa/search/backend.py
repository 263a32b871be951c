"""Switch CKAN's search transport between Solr and PostgreSQL.

CKAN looks ``make_connection`` up at call time in ``ckan.lib.search.index``
and ``ckan.lib.search.query``; pointing those two names at our connection is
the whole switch. ``ckan.lib.search.common.make_connection`` is left alone:
it only serves ``is_available``, the start-up Solr schema check, which then
logs that no Solr answers and goes on. With ``solr`` selected nothing is
replaced and CKAN's own code path runs untouched.
"""

from __future__ import annotations

import logging

import ckan.lib.search.index as search_index
import ckan.lib.search.query as search_query

from ckanext.casa.search import connection

log = logging.getLogger(__name__)

BACKENDS = ("postgres", "solr")
_ORIGINAL = {
    search_index: search_index.make_connection,
    search_query: search_query.make_connection,
}


def use(backend: str) -> None:
    """Route CKAN's search calls to ``backend`` ("postgres" or "solr")."""
    if backend not in BACKENDS:
        raise ValueError(f"Unknown search backend {backend!r}; expected one of {BACKENDS}")
    for module, original in _ORIGINAL.items():
        module.make_connection = (  # type: ignore[attr-defined]
            connection.make_connection if backend == "postgres" else original
        )
    log.debug("Search backend: %s", backend)


def current() -> str:
    return "postgres" if search_query.make_connection is connection.make_connection else "solr"
