"""Fixtures of the publish tests: a throwaway copy of population-2024 and a
downloads step writing into the test's folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg
import pytest
from casa_pipelines.publish.swap import release_downloads
from casa_pipelines.spec import DatasetSpec, load_spec
from publish_helpers import REPO


@pytest.fixture()
def make_spec(tmp_path: Path, dataset_file: Any) -> Any:
    def make(slug: str, **public: Any) -> DatasetSpec:
        return load_spec(dataset_file(tmp_path, slug, **public), root=REPO)

    return make


@pytest.fixture()
def slug(url: str, throwaway_slug: Any) -> str:
    return throwaway_slug(url, "test-pub")


@pytest.fixture()
def spec(make_spec: Any, slug: str) -> DatasetSpec:
    return make_spec(slug)


@pytest.fixture()
def downloads(tmp_path: Path, url: str) -> Any:
    root = tmp_path / "downloads"

    def step(spec: DatasetSpec, conn: psycopg.Connection, release: Any, table: tuple[str, str]) -> None:
        release_downloads(url, root, spec, conn, release, table)

    step.root = root  # type: ignore[attr-defined]
    return step
