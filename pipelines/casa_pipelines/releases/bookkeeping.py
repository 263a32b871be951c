"""The read API of the release bookkeeping, for readers outside the
pipelines (the portal's download and report pages).

The bookkeeping tables live in ``casa_staging``, a schema CKAN's read-only
datastore user cannot read, beside the staged rows. What is public of them
(the releases that are or were published, their reports and waivers) is
exposed by two views in the schema ``casa_releases``, which that user may
read (migration 0002): so the portal reads with the read-only URL, and
nothing it runs can see a staged row or a release still under embargo.

The release statuses are defined here, once.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

# A release's life: failed (not valid, waivable), validated, scheduled (under
# embargo), published, withdrawn (replaced by a later publication).
STATUSES = ("failed", "validated", "scheduled", "published", "withdrawn")
# Statuses of the releases that are or were public: their files and reports
# stay served at their addresses.
ONCE_PUBLIC = ("published", "withdrawn")
READ_SCHEMA = "casa_releases"


class BookkeepingUnavailable(RuntimeError):
    """The database cannot be read. (Bookkeeping not created yet is not an
    error: nothing is public, and the answers say so.)"""


def _rows(conn: sa.Connection, query: str, **params: Any) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(sa.text(query), params)]


def _exists(conn: sa.Connection) -> bool:
    return conn.execute(sa.text(f"SELECT to_regclass('{READ_SCHEMA}.public_release')")).scalar() is not None


def public_release(conn: sa.Connection, slug: str, number: int) -> dict[str, Any] | None:
    """Release ``number`` of ``slug`` if it is or was public: dataset, number,
    sha256, rows, status, report, first_published_at and its waivers (rule,
    reason, created_at); None otherwise."""
    try:
        if not _exists(conn):
            return None
        found = _rows(conn, f"SELECT dataset, number, sha256, rows, status, report, first_published_at "
                            f"FROM {READ_SCHEMA}.public_release WHERE dataset = :d AND number = :n", d=slug, n=number)
        if not found:
            return None
        found[0]["waivers"] = _rows(conn, f"SELECT rule, reason, created_at FROM {READ_SCHEMA}.public_waiver "
                                          "WHERE dataset = :d AND number = :n ORDER BY rule", d=slug, n=number)
    except sa.exc.SQLAlchemyError as err:
        raise BookkeepingUnavailable(str(err).splitlines()[0]) from err
    return found[0]


def is_public(conn: sa.Connection, slug: str, number: int) -> bool:
    """True when the release is or was public; False when it is unknown or
    not published yet (validated, under embargo)."""
    try:
        if not _exists(conn):
            return False
        return conn.execute(sa.text(f"SELECT 1 FROM {READ_SCHEMA}.public_release WHERE dataset = :d AND number = :n"),
                            {"d": slug, "n": number}).first() is not None
    except sa.exc.SQLAlchemyError as err:
        raise BookkeepingUnavailable(str(err).splitlines()[0]) from err


def public_releases(conn: sa.Connection, slugs: list[str] | None = None) -> list[dict[str, Any]]:
    """The releases that are or were public (of ``slugs``, or of every
    dataset), latest first publication first: dataset, number, status,
    sha256, rows, created_at, published_at, first_published_at."""
    where = "WHERE dataset = ANY(:s)" if slugs is not None else ""
    try:
        if not _exists(conn):
            return []
        return _rows(conn, f"SELECT dataset, number, status, sha256, rows, created_at, published_at, "
                           f"first_published_at FROM {READ_SCHEMA}.public_release {where} "
                           "ORDER BY first_published_at DESC NULLS LAST, dataset, number", s=slugs or [])
    except sa.exc.SQLAlchemyError as err:
        raise BookkeepingUnavailable(str(err).splitlines()[0]) from err


def publication_events(conn: sa.Connection, slug: str) -> list[dict[str, Any]]:
    """The publications and rollbacks of ``slug``, oldest first: id, number,
    action (publish, rollback), actor, at, detail."""
    try:
        if conn.execute(sa.text(f"SELECT to_regclass('{READ_SCHEMA}.publication_event')")).scalar() is None:
            return []
        return _rows(conn, f"SELECT id, number, action, actor, at, detail FROM {READ_SCHEMA}.publication_event "
                           "WHERE dataset = :d ORDER BY id", d=slug)
    except sa.exc.SQLAlchemyError as err:
        raise BookkeepingUnavailable(str(err).splitlines()[0]) from err
