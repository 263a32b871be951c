"""The référentiel actions read the datastore database with CKAN's read-only
datastore user, through one engine per URL built on first use."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

SCHEMA = "referentials"
TERRITORIAL = "territorial_units"


@functools.lru_cache(maxsize=4)
def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def engine() -> sa.Engine:
    url = tk.config.get("ckan.datastore.read_url")
    if not url:
        raise tk.ObjectNotFound(
            "Les référentiels ne sont pas configurés (ckan.datastore.read_url absent)."
        )
    return _engine(url)


@contextlib.contextmanager
def connect() -> Iterator[sa.Connection]:
    """One connection for all the queries of an action."""
    try:
        with engine().connect() as conn:
            yield conn
    except sa.exc.ProgrammingError as err:
        # The schema exists only once a référentiel has been loaded.
        if "referentials" in str(err.orig):
            raise tk.ObjectNotFound("Aucun référentiel n'a encore été chargé.") from err
        raise


def rows(conn: sa.Connection, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in conn.execute(sa.text(sql), params).mappings()]


def fetch_all(sql: str, **params: Any) -> list[dict[str, Any]]:
    with connect() as conn:
        return rows(conn, sql, **params)


def jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v)
        for k, v in row.items()
    }
