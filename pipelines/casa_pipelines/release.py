"""Releases: immutable, numbered, content-hashed versions of a dataset,
each with its combined validation report and its staged table.

Bookkeeping lives in ``casa_staging.release`` (not readable by the public
user). One load per dataset at a time: a session advisory lock, taken
without waiting, so a second load exits with a message instead of queueing
behind a long COPY.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql

from casa_pipelines.errors import PublishError
from casa_pipelines.stage import STAGING, Staged, table_prefix

DDL = f"""
CREATE TABLE IF NOT EXISTS {STAGING}.release (
    dataset     text        NOT NULL,
    number      integer     NOT NULL,
    sha256      text        NOT NULL,
    rows        bigint      NOT NULL,
    status      text        NOT NULL CHECK (status IN ('validated', 'published', 'withdrawn')),
    staged_table text       NOT NULL,
    source      text        NOT NULL,
    report      jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (dataset, number),
    UNIQUE (dataset, sha256)
)"""


@dataclass(frozen=True)
class Release:
    dataset: str
    number: int
    sha256: str
    rows: int
    status: str
    staged_table: str
    source: str
    created_at: dt.datetime


def ensure_tables(conn: psycopg.Connection) -> None:
    # Pipelines-owned bookkeeping; belongs in a migration once the pipelines have an alembic tree.
    conn.execute(DDL)


@contextmanager
def dataset_lock(conn: psycopg.Connection, slug: str) -> Iterator[None]:
    key = f"casa-load:{slug}"
    got = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()
    if not got or not got[0]:
        raise PublishError(f"Un autre chargement de « {slug} » est en cours ; réessayez quand il sera terminé.",
                           f"Another load of '{slug}' is running; try again when it has finished.")
    try:
        yield
    finally:
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.INERROR:
            conn.rollback()
        conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", (key,))
        conn.commit()


def drop_orphans(conn: psycopg.Connection, slug: str) -> list[str]:
    """Staging tables of loads killed half way; safe to drop under the lock."""
    names = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE %s",
        (STAGING, table_prefix(slug).replace("_", r"\_") + r"\_\_load\_%")).fetchall()]
    for name in names:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(STAGING, name)))
    return names


def find_by_hash(conn: psycopg.Connection, slug: str, sha256: str) -> Release | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM {STAGING}.release WHERE dataset = %s AND sha256 = %s",
                       (slug, sha256)).fetchone()
    return Release(*row) if row else None


def record(conn: psycopg.Connection, slug: str, staged: Staged, source: str, report: dict) -> Release:
    """Number the release and give its staged table its final name, in the
    caller's transaction: either both happen or neither."""
    number = conn.execute(f"SELECT coalesce(max(number), 0) + 1 FROM {STAGING}.release WHERE dataset = %s",
                          (slug,)).fetchone()[0]  # type: ignore[index]
    final = f"{table_prefix(slug)}__r{number}"
    conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(
        sql.Identifier(STAGING, staged.table), sql.Identifier(final)))
    row = conn.execute(
        f"INSERT INTO {STAGING}.release (dataset, number, sha256, rows, status, staged_table, source, report) "
        f"VALUES (%s, %s, %s, %s, 'validated', %s, %s, %s) RETURNING {_COLUMNS}",
        (slug, number, staged.sha256, staged.rows, final, source, json.dumps(report, ensure_ascii=False)),
    ).fetchone()
    return Release(*row)  # type: ignore[misc]


def list_releases(conn: psycopg.Connection, slug: str) -> list[Release]:
    if conn.execute("SELECT to_regclass(%s)", (f"{STAGING}.release",)).fetchone() == (None,):
        return []
    rows = conn.execute(f"SELECT {_COLUMNS} FROM {STAGING}.release WHERE dataset = %s ORDER BY number",
                        (slug,)).fetchall()
    return [Release(*r) for r in rows]


_COLUMNS = "dataset, number, sha256, rows, status, staged_table, source, created_at"
