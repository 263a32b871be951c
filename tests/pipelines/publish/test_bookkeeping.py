"""The read API of the release bookkeeping, as the portal uses it: with the
datastore's read-only user, who sees the public releases and nothing of
casa_staging."""

from __future__ import annotations

import configparser
import os
import uuid

import psycopg
import pytest
import sqlalchemy as sa
from casa_pipelines.releases import bookkeeping
from casa_pipelines.releases.record import ensure_tables


@pytest.fixture()
def read_url() -> str:
    parser = configparser.RawConfigParser(strict=False)
    parser.read(os.environ["CKAN_INI"])
    return parser["app:main"]["ckan.datastore.read_url"]


def test_the_read_only_user_reads_the_public_releases_only(url: str, read_url: str) -> None:
    slug = f"bk-{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url) as conn:
        ensure_tables(conn)
        for number, status in ((1, "withdrawn"), (2, "published"), (3, "scheduled")):
            conn.execute("INSERT INTO casa_staging.release (dataset, number, sha256, rows, status, staged_table, "
                         "source, report) VALUES (%s, %s, %s, 1, %s, %s, 'test', '{}')",
                         (slug, number, f"{number:064d}", status, f"{slug}_{number}"))
        conn.commit()
    engine = sa.create_engine(read_url)
    try:
        with engine.connect() as conn:
            assert bookkeeping.is_public(conn, slug, 2) and bookkeeping.is_public(conn, slug, 1)
            assert not bookkeeping.is_public(conn, slug, 3)  # under embargo
            assert bookkeeping.public_release(conn, slug, 2)["status"] == "published"  # type: ignore[index]
            assert [r["number"] for r in bookkeeping.public_releases(conn, [slug])] == [1, 2]
        with engine.connect() as conn, pytest.raises(sa.exc.ProgrammingError):
            conn.execute(sa.text("SELECT 1 FROM casa_staging.release"))  # the staging schema stays closed
    finally:
        engine.dispose()
        with psycopg.connect(url) as conn:
            conn.execute("DELETE FROM casa_staging.release WHERE dataset = %s", (slug,))
