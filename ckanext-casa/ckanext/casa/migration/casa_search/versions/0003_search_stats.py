"""Maintained totals and facet counts of the public, active documents.

See ckanext/casa/search/stats.py. The counts are kept by statement-level
triggers on casa_search_document, so they follow every change to the index
whoever makes it (our connection, CKAN's rebuild, or SQL by hand), in the
same transaction, one aggregated upsert per statement in a fixed key order
(bulk loads stay cheap and concurrent writers lock counters in one order).

Revision ID: 0003_search_stats
Revises: 0002_narrow_heap
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_search_stats"
down_revision = "0002_narrow_heap"
branch_labels = None
depends_on = None

_VISIBLE = "state = 'active' AND capacity = 'public'"
_LABELLED = "'public' = ANY(coalesce(permission_labels, '{}'))"


def _contributions(rows: str) -> str:
    """SQL listing (site_id, dataset_type, field, value, sign) for ``rows``,
    a relation with the document columns and a ``sign`` column."""
    key = "site_id, coalesce(dataset_type, '') AS dataset_type"
    parts = [
        (f"SELECT {key}, CASE WHEN {_LABELLED} THEN '_count' ELSE '_public_without_label' END"
         f" AS field, '' AS value, sign FROM {rows} WHERE {_VISIBLE}")
    ]
    for field in ("organization", "license_id"):
        parts.append(
            f"SELECT {key}, '{field}', {field}, sign FROM {rows}"
            f" WHERE {_VISIBLE} AND {_LABELLED} AND coalesce({field}, '') <> ''"
        )
    for field in ("groups", "tags", "res_format"):
        # Solr counts documents: a value twice in one list counts once.
        parts.append(
            f"SELECT {key}, '{field}', u.v, sign FROM {rows},"
            f" LATERAL (SELECT DISTINCT v FROM unnest({field}) v) u"
            f" WHERE {_VISIBLE} AND {_LABELLED} AND coalesce(u.v, '') <> ''"
        )
    return " UNION ALL ".join(parts)


def _apply(changed: str) -> str:
    return (
        f"WITH changed AS ({changed}), contrib AS ({_contributions('changed')})"
        " INSERT INTO casa_search_stats AS s (site_id, dataset_type, field, value, n)"
        " SELECT site_id, dataset_type, field, value, sum(sign) FROM contrib"
        " GROUP BY 1, 2, 3, 4 HAVING sum(sign) <> 0 ORDER BY 1, 2, 3, 4"
        " ON CONFLICT (site_id, dataset_type, field, value) DO UPDATE SET n = s.n + EXCLUDED.n;"
    )


_TRIGGERS = {
    "insert": ("INSERT", "REFERENCING NEW TABLE AS new_rows", "SELECT *, 1 AS sign FROM new_rows"),
    "update": (
        "UPDATE",
        "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "SELECT *, 1 AS sign FROM new_rows UNION ALL SELECT *, -1 AS sign FROM old_rows",
    ),
    "delete": ("DELETE", "REFERENCING OLD TABLE AS old_rows", "SELECT *, -1 AS sign FROM old_rows"),
}


def upgrade():
    op.create_table(
        "casa_search_stats",
        sa.Column("site_id", sa.UnicodeText, primary_key=True),
        sa.Column("dataset_type", sa.UnicodeText, primary_key=True),
        sa.Column("field", sa.UnicodeText, primary_key=True),
        sa.Column("value", sa.UnicodeText, primary_key=True),
        sa.Column("n", sa.BigInteger, nullable=False),
    )
    for name, (event, referencing, changed) in _TRIGGERS.items():
        op.execute(
            f"CREATE OR REPLACE FUNCTION casa_search_stats_{name}() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN {_apply(changed)} RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER casa_search_stats_{name} AFTER {event} ON casa_search_document"
            f" {referencing} FOR EACH STATEMENT EXECUTE FUNCTION casa_search_stats_{name}()"
        )
    op.execute(
        "CREATE OR REPLACE FUNCTION casa_search_stats_truncate() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN DELETE FROM casa_search_stats; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE TRIGGER casa_search_stats_truncate AFTER TRUNCATE ON casa_search_document"
        " FOR EACH STATEMENT EXECUTE FUNCTION casa_search_stats_truncate()"
    )
    # Counts of the documents indexed before this migration.
    op.execute(_apply("SELECT *, 1 AS sign FROM casa_search_document"))


def downgrade():
    for name in (*_TRIGGERS, "truncate"):
        op.execute(f"DROP TRIGGER IF EXISTS casa_search_stats_{name} ON casa_search_document")
        op.execute(f"DROP FUNCTION IF EXISTS casa_search_stats_{name}()")
    op.drop_table("casa_search_stats")
