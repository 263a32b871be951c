"""Switch CKAN's search transport between Solr and PostgreSQL.

CKAN looks ``make_connection`` up at call time in ``ckan.lib.search.index``
and ``ckan.lib.search.query``; pointing those two names at our connection is
the whole switch. ``ckan.lib.search.common.make_connection`` is left alone:
it only serves ``is_available``, the start-up Solr schema check, which then
finds that no Solr answers and goes on (its warning is dropped, see
``_NoSolrWarning``). With ``solr`` selected nothing is
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


class _NoSolrWarning(logging.Filter):
    """CKAN checks Solr's schema at start-up, whatever the backend, and warns
    on every start (each `ckan` and `casa` command) that no Solr answers.
    With the PostgreSQL backend that is expected: the warning is dropped,
    and its absence of Solr said once at INFO. With ``solr`` it stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        # The check runs before plugins are configured: the setting says which backend comes.
        chosen = (_configured() or current()) == "postgres"
        if chosen and record.getMessage().startswith("Problems were found while connecting to the SOLR"):
            log.info("Search backend: PostgreSQL (casa_search); no Solr is needed")
            return False
        return True


def _configured() -> str | None:
    import ckan.plugins.toolkit as tk

    if "casa_search" not in (tk.config.get("ckan.plugins") or []):
        return None
    return tk.config.get("ckanext.casa.search.backend")


logging.getLogger("ckan.lib.search").addFilter(_NoSolrWarning())


def current() -> str:
    return "postgres" if search_query.make_connection is connection.make_connection else "solr"
