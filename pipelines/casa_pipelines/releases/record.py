"""Releases: immutable, numbered, content-hashed versions of a dataset,
each with its combined validation report and its staged table.

Bookkeeping lives in ``casa_staging`` (not readable by the public user),
created by the alembic tree in ``migrations``:

- ``release``: one row per release. Status ``failed`` (staged, but some
  waivable checks failed), ``validated``, ``scheduled`` (under embargo),
  ``published`` (what the portal shows; at most one per dataset) or
  ``withdrawn`` (was public, replaced by a later publication or a rollback);
- ``waiver``: the failed rules a steward chose to publish anyway, and why;
- ``event``: who did what, when (ingest, publish, schedule, rollback);
- ``publication``: the current publication of each dataset and whether its
  downloads and catalogue entry are complete.

One load per dataset at a time: a session advisory lock, taken without
waiting, so a second load exits with a message instead of queueing behind a
long COPY.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from casa_pipelines.errors import PublishError
from casa_pipelines.releases.stage import STAGING, Staged, table_prefix

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
HEAD = "0001"
# Release statuses, and the ones whose downloads are public.
STATUSES = ("failed", "validated", "scheduled", "published", "withdrawn")
ONCE_PUBLIC = ("published", "withdrawn")


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
    embargo_until: dt.date | None = None
    published_at: dt.datetime | None = None
    first_published_at: dt.datetime | None = None


_COLUMNS = ("dataset, number, sha256, rows, status, staged_table, source, created_at, embargo_until, "
            "published_at, first_published_at")


def actor() -> str:
    """Who is acting: CASA_ACTOR (set by automation) or the login name."""
    try:
        return os.environ.get("CASA_ACTOR") or getpass.getuser()
    except (KeyError, OSError):
        return "inconnu"


def _sa_url(conn: psycopg.Connection) -> Any:
    import sqlalchemy as sa

    info = conn.info
    return sa.engine.URL.create("postgresql+psycopg", username=info.user, password=info.password or None,
                                host=info.host, port=info.port, database=info.dbname)


def ensure_tables(conn: psycopg.Connection) -> None:
    """Bring the bookkeeping tables to the newest revision (a no-op when they
    are). Runs the migrations on a connection of its own, so ``conn``'s
    transaction is untouched."""
    try:
        found = conn.execute(f"SELECT to_regclass('{STAGING}.alembic_version') IS NOT NULL").fetchone()
        if found and found[0]:
            version = conn.execute(f"SELECT version_num FROM {STAGING}.alembic_version").fetchone()
            if version and version[0] == HEAD:
                return
    finally:
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
            conn.commit()
    migrate_url(_sa_url(conn))


def migrate_url(url: Any) -> None:
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            # Two first loads at once: the second waits, then finds the head.
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('casa-release-migrations'))"))
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except sa.exc.SQLAlchemyError as exc:
        raise PublishError(f"Mise à jour des tables de versions impossible : {exc.__class__.__name__}: "
                           f"{str(exc).splitlines()[0]}",
                           f"Cannot upgrade the release tables: {str(exc).splitlines()[0]}") from None
    finally:
        engine.dispose()


@contextmanager
def dataset_lock(conn: psycopg.Connection, slug: str) -> Iterator[None]:
    key = f"casa-load:{slug}"
    got = conn.execute("SELECT pg_try_advisory_lock(hashtext(%s))", (key,)).fetchone()
    if not got or not got[0]:
        raise PublishError(f"Un autre chargement ou une autre publication de « {slug} » est en cours ; "
                           "réessayez quand il sera terminé.",
                           f"Another load or publication of '{slug}' is running; try again when it has finished.")
    try:
        yield
    finally:
        if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
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


def get(conn: psycopg.Connection, slug: str, number: int) -> Release | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM {STAGING}.release WHERE dataset = %s AND number = %s",
                       (slug, number)).fetchone()
    return Release(*row) if row else None


def current(conn: psycopg.Connection, slug: str) -> Release | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM {STAGING}.release WHERE dataset = %s AND status = 'published'",
                       (slug,)).fetchone()
    return Release(*row) if row else None


def latest(conn: psycopg.Connection, slug: str) -> Release | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM {STAGING}.release WHERE dataset = %s ORDER BY number DESC LIMIT 1",
                       (slug,)).fetchone()
    return Release(*row) if row else None


def record(conn: psycopg.Connection, slug: str, staged: Staged, source: str, report: dict, *,
           status: str = "validated") -> Release:
    """Number the release and give its staged table its final name, in the
    caller's transaction: either both happen or neither."""
    number = conn.execute(f"SELECT coalesce(max(number), 0) + 1 FROM {STAGING}.release WHERE dataset = %s",
                          (slug,)).fetchone()[0]  # type: ignore[index]
    final = f"{table_prefix(slug)}__r{number}"
    conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(
        sql.Identifier(STAGING, staged.table), sql.Identifier(final)))
    row = conn.execute(
        f"INSERT INTO {STAGING}.release (dataset, number, sha256, rows, status, staged_table, source, report) "
        f"VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING {_COLUMNS}",
        (slug, number, staged.sha256, staged.rows, status, final, source, json.dumps(report, ensure_ascii=False)),
    ).fetchone()
    log_event(conn, slug, number, "ingest", {"status": status, "rows": staged.rows, "source": source})
    return Release(*row)  # type: ignore[misc]


def log_event(conn: psycopg.Connection, slug: str, number: int | None, action: str,
              detail: dict[str, Any] | None = None) -> None:
    conn.execute(f"INSERT INTO {STAGING}.event (dataset, number, action, actor, detail) VALUES (%s, %s, %s, %s, %s)",
                 (slug, number, action, actor(), json.dumps(detail or {}, ensure_ascii=False, default=str)))


def report_of(conn: psycopg.Connection, slug: str, number: int) -> dict[str, Any]:
    row = conn.execute(f"SELECT report FROM {STAGING}.release WHERE dataset = %s AND number = %s",
                       (slug, number)).fetchone()
    return row[0] if row else {}


def waivers(conn: psycopg.Connection, slug: str, number: int) -> dict[str, str]:
    rows = conn.execute(f"SELECT rule, reason FROM {STAGING}.waiver WHERE dataset = %s AND number = %s",
                        (slug, number)).fetchall()
    return {r[0]: r[1] for r in rows}


def staged_columns(conn: psycopg.Connection, table: str) -> dict[str, str]:
    """Column name -> SQL type of a staged table, in table order."""
    rows = conn.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        (f'{STAGING}."{table}"',)).fetchall()
    return {name: kind for name, kind in rows}


def list_releases(conn: psycopg.Connection, slug: str) -> list[Release]:
    if conn.execute("SELECT to_regclass(%s)", (f"{STAGING}.release",)).fetchone() == (None,):
        return []
    rows = conn.execute(f"SELECT {_COLUMNS} FROM {STAGING}.release WHERE dataset = %s ORDER BY number",
                        (slug,)).fetchall()
    return [Release(*r) for r in rows]
