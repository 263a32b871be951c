"""Shared fixtures of the pipeline tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture()
def url() -> str:
    """The test profile's datastore database (set by var/test/env.sh)."""
    value = os.environ.get("CASA_DATASTORE_URL")
    if not value:
        pytest.fail("CASA_DATASTORE_URL is not set: source var/<profile>/test/env.sh")
    return value
