"""Alembic environment of the gisement's release bookkeeping: its own
version table in ``casa_staging``, so it never meets CKAN's, the
référentiels' or the datastore's."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

SCHEMA = "casa_staging"
config = context.config


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=None,
                      version_table="alembic_version", version_table_schema=SCHEMA)
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    with sa.create_engine(config.get_main_option("sqlalchemy.url")).begin() as conn:
        _run(conn)
else:
    _run(connection)
