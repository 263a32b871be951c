"""CKAN checks Solr's schema at every start. With the PostgreSQL backend no
Solr is expected: no warning that none answers, one INFO line instead. With
the Solr backend CKAN's warning stays."""

import logging

import pytest

from ckan.lib import search

pytestmark = pytest.mark.ckan_config("ckan.plugins", "casa_search")


def _start_up_check(caplog) -> list[logging.LogRecord]:
    caplog.clear()
    with caplog.at_level(logging.INFO):
        assert search.check_solr_schema_version() is False  # no Solr on these machines
    return [r for r in caplog.records if r.name.startswith(("ckan.lib.search", "ckanext.casa.search"))]


def test_no_solr_warning_with_the_postgres_backend(caplog):
    records = _start_up_check(caplog)
    assert not [r for r in records if r.levelno >= logging.WARNING]
    assert any("no Solr is needed" in r.getMessage() for r in records)


@pytest.mark.ckan_config("ckanext.casa.search.backend", "solr")
def test_the_warning_stays_with_the_solr_backend(caplog):
    records = _start_up_check(caplog)
    assert any(r.levelno == logging.WARNING and "SOLR" in r.getMessage() for r in records)
