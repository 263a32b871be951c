"""Alembic environment of the référentiels: its own version table in the
``referentials`` schema, so it never meets CKAN's or another area's."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from casa_pipelines.referentials.models import SCHEMA, Base

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = sa.create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _run(conn)
    else:
        _run(connection)


def _run(connection: sa.Connection) -> None:
    connection.execute(sa.text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table="alembic_version",
        version_table_schema=SCHEMA,
        include_schemas=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
