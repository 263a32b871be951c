"""CKAN checks Solr's schema at every start. With the PostgreSQL backend no
Solr is expected: no warning that none answers, one INFO line instead. With
the Solr backend CKAN's warning stays."""

import logging

import pytest

from ckan.lib import search

pytestmark = pytest.mark.ckan_config("ckan.plugins", "casa_search")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _start_up_check() -> list[logging.LogRecord]:
    """The records of the start-up check, collected on the loggers themselves:
    an earlier test may have loaded a logging configuration that disables
    existing loggers or stops their propagation to pytest's handler."""
    collect = _Collect()
    loggers = [logging.getLogger(name) for name in ("ckan.lib.search", "ckanext.casa.search.backend")]
    saved = [(lg.disabled, lg.level) for lg in loggers]
    for lg in loggers:
        lg.disabled = False
        lg.setLevel(logging.INFO)
        lg.addHandler(collect)
    try:
        assert search.check_solr_schema_version() is False  # no Solr on these machines
    finally:
        for lg, (disabled, level) in zip(loggers, saved):
            lg.removeHandler(collect)
            lg.disabled, lg.level = disabled, level
    return collect.records


def test_no_solr_warning_with_the_postgres_backend():
    records = _start_up_check()
    assert not [r for r in records if r.levelno >= logging.WARNING]
    assert any("no Solr is needed" in r.getMessage() for r in records)


@pytest.mark.ckan_config("ckanext.casa.search.backend", "solr")
def test_the_warning_stays_with_the_solr_backend():
    records = _start_up_check()
    assert any(r.levelno == logging.WARNING and "SOLR" in r.getMessage() for r in records)
