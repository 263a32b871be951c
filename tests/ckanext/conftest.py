"""Fixtures of the CKAN extension suite (run with CKAN's pytest plugin)."""

from __future__ import annotations

import pytest


@pytest.fixture
def clean_db(reset_db, migrate_db_for, with_plugins):
    """CKAN's ``clean_db``, plus the tables of our plugins' migrations."""
    reset_db()
    migrate_db_for("casa_search")
