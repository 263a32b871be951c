"""Fixtures of the portal's page tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def with_activity(migrate_db_for):
    """The activity plugin's tables (clean_db makes CKAN core's only)."""
    migrate_db_for("activity")
