"""Ingest into the real datastore database: staged UNLOGGED tables hidden
from the public user, numbered content-hashed releases, one load at a time."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import yaml
from casa_pipelines.errors import PublishError, ValidationFailed
from casa_pipelines.releases.ingest import ingest
from casa_pipelines.releases.stage import table_prefix
from casa_pipelines.spec import DatasetSpec, load_spec

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "validation" / "population-2024"


@pytest.fixture()
def spec(tmp_path: Path, url: str) -> Iterator[DatasetSpec]:
    """population-2024 under a slug of its own, cleaned up afterwards."""
    slug = f"test-pop-{uuid.uuid4().hex[:6]}"
    data = yaml.safe_load((REPO / "datasets" / "population-2024.yaml").read_text(encoding="utf-8"))
    data["slug"] = slug
    (tmp_path / "datasets").mkdir()
    path = tmp_path / "datasets" / f"{slug}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    yield load_spec(path, root=REPO)
    with psycopg.connect(url, autocommit=True) as conn:
        for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'casa_staging' "
                                    "AND tablename LIKE %s", (table_prefix(slug) + "%",)).fetchall():
            conn.execute(f'DROP TABLE casa_staging."{name}"')
        if conn.execute("SELECT to_regclass('casa_staging.release')").fetchone() != (None,):
            for table in ("event", "release"):
                conn.execute(f"DELETE FROM casa_staging.{table} WHERE dataset = %s", (slug,))


def _tables(url: str, slug: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return sorted(r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'casa_staging' AND tablename LIKE %s",
            (table_prefix(slug) + "%",)).fetchall())


def test_ingest_creates_hidden_unlogged_release(spec: DatasetSpec, url: str, tmp_path: Path) -> None:
    result = ingest(spec, EXAMPLES / "valid.csv", url)
    assert result.created and result.release.number == 1 and result.release.rows == 30
    name = result.release.staged_table
    with psycopg.connect(url) as conn:
        persistence, = conn.execute("SELECT relpersistence FROM pg_class WHERE oid = %s::regclass",
                                    (f"casa_staging.{name}",)).fetchone()
        assert persistence == "u"
        row = conn.execute(f'SELECT code, population_municipale, hommes_pct FROM casa_staging."{name}" '
                           "ORDER BY population_municipale DESC LIMIT 1").fetchone()
        assert row == ("06", 7651096, 49.9)
        readable, = conn.execute("SELECT has_table_privilege('casa_ds_read', %s, 'SELECT')",
                                 (f"casa_staging.{name}",)).fetchone()
        assert readable is False
    # The same content, written differently (CRLF, quoted cells), is no new release.
    text = (EXAMPLES / "valid.csv").read_text(encoding="utf-8").replace(",region,", ',"region",')
    again = tmp_path / "again.csv"
    again.write_bytes(text.replace("\n", "\r\n").encode())
    second = ingest(spec, again, url)
    assert not second.created and second.release.number == 1
    assert _tables(url, spec.slug) == [name]


def test_suite_failure_records_a_failed_release(spec: DatasetSpec, url: str) -> None:
    """Semantic failures are staged as a `failed` release: publishable only
    with a waiver per failed rule (tests/pipelines/publish)."""
    result = ingest(spec, EXAMPLES / "invalid-suite.csv", url)
    assert result.created and not result.valid and result.release.status == "failed"
    assert {i.type for i in result.report.issues} == {"expectation-failed"}
    assert "suite" in result.report.checks
    assert _tables(url, spec.slug) == [result.release.staged_table]


def test_invalid_file_never_reaches_the_database(spec: DatasetSpec, url: str) -> None:
    with pytest.raises(ValidationFailed):
        ingest(spec, EXAMPLES / "invalid.csv", url)
    assert _tables(url, spec.slug) == []


def test_one_load_at_a_time_and_orphans_cleaned(spec: DatasetSpec, url: str) -> None:
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"casa-load:{spec.slug}",))
        with pytest.raises(PublishError, match="en cours"):
            ingest(spec, EXAMPLES / "valid.csv", url)
        other.execute("SELECT pg_advisory_unlock(hashtext(%s))", (f"casa-load:{spec.slug}",))
        # A load killed after its COPY leaves a __load_ table behind.
        other.execute(f'CREATE UNLOGGED TABLE casa_staging."{table_prefix(spec.slug)}__load_dead" (x int)')
    result = ingest(spec, EXAMPLES / "valid.csv", url)
    assert result.created
    assert _tables(url, spec.slug) == [result.release.staged_table]
