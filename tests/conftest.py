"""Shared pytest configuration, and the fixtures both suites use to publish
a real dataset under a throw-away slug and forget it afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]


def write_dataset(folder: Path, slug: str, base: str = "population-2024", **public: Any) -> Path:
    """``datasets/<base>.yaml`` under another slug (and public rules), in
    ``folder/datasets/``; its schema and suite paths resolve against REPO."""
    import yaml

    data = yaml.safe_load((REPO / "datasets" / f"{base}.yaml").read_text(encoding="utf-8"))
    data["slug"] = slug
    data["public"].update(public)
    target = folder / "datasets"
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def forget_dataset(url: str, slug: str) -> None:
    """Every trace of ``slug`` in the datastore: staged and public tables,
    releases, waivers, events, publication."""
    import psycopg
    from casa_pipelines.publish.swap import table_resource_id
    from casa_pipelines.releases.stage import table_prefix

    with psycopg.connect(url, autocommit=True) as conn:
        for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'casa_staging' "
                                    "AND tablename LIKE %s", (table_prefix(slug) + "%",)).fetchall():
            conn.execute(f'DROP TABLE casa_staging."{name}"')
        conn.execute(f'DROP TABLE IF EXISTS public."{table_resource_id(slug)}"')
        if conn.execute("SELECT to_regclass('casa_staging.publication')").fetchone() != (None,):
            for table in ("publication", "waiver", "event", "release"):
                conn.execute(f"DELETE FROM casa_staging.{table} WHERE dataset = %s", (slug,))


@pytest.fixture()
def throwaway_slug() -> Callable[[str, str], Iterator[str]]:
    """A factory of unique slugs, forgotten at the end of the test."""
    made: list[tuple[str, str]] = []

    def make(url: str, prefix: str = "test") -> str:
        slug = f"{prefix}-{uuid.uuid4().hex[:6]}"
        made.append((url, slug))
        return slug

    yield make  # type: ignore[misc]
    for url, slug in made:
        forget_dataset(url, slug)


@pytest.fixture()
def dataset_file() -> Callable[..., Path]:
    """``write_dataset``, for tests (conftest modules are not importable by name)."""
    return write_dataset


@pytest.fixture()
def forget() -> Callable[[str, str], None]:
    return forget_dataset
