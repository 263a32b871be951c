"""A generation number of the search index, for the result cache.

``casa_search_generation`` holds one number that changes with every
committed write to the search tables (search/cache.py keys its results on
it). Triggers keep it, so it follows every write whoever makes it:

- a deferred constraint trigger takes a new value from a sequence when the
  writing transaction commits: the row is locked only during the commit,
  so it cannot close a deadlock with locks taken by the write itself; the
  value is new even if an earlier transaction that took one rolled back;
- a statement trigger marks the writing transaction (a transaction-local
  setting), so that its own searches, which see its uncommitted writes,
  bypass the cache;
- TRUNCATE (index clear) cannot have a constraint trigger and takes a new
  value at once.

Revision ID: 0006_search_generation
Revises: 0005_facet_ids
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_search_generation"
down_revision = "0005_facet_ids"
branch_labels = None
depends_on = None

TABLES = ("casa_search_document", "casa_search_content", "casa_search_payload")
_BUMP = (
    "UPDATE casa_search_generation SET value = nextval('casa_search_generation_seq'),"
    " writer = txid_current() WHERE writer IS DISTINCT FROM txid_current();"
)


def upgrade():
    # IF NOT EXISTS: CKAN's test reset drops the tables it reflects, which
    # leaves sequences of their own behind.
    op.execute("CREATE SEQUENCE IF NOT EXISTS casa_search_generation_seq")
    op.create_table(
        "casa_search_generation",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
        # The transaction that took the value: one update per transaction.
        sa.Column("writer", sa.BigInteger),
        sa.CheckConstraint("id = 1", name="casa_search_generation_one_row"),
    )
    op.execute(
        "INSERT INTO casa_search_generation (id, value) VALUES (1, nextval('casa_search_generation_seq'))"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION casa_search_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN {_BUMP} RETURN NULL; END $$"
    )
    op.execute(
        "CREATE OR REPLACE FUNCTION casa_search_generation_mark() RETURNS trigger LANGUAGE plpgsql AS $$"
        " BEGIN PERFORM set_config('casa.search_written', 'yes', true); RETURN NULL; END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE CONSTRAINT TRIGGER casa_search_generation_bump AFTER INSERT OR UPDATE OR DELETE"
            f" ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW"
            " EXECUTE FUNCTION casa_search_generation_bump()"
        )
        op.execute(
            f"CREATE TRIGGER casa_search_generation_mark AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
            f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION casa_search_generation_mark()"
        )
        op.execute(
            f"CREATE TRIGGER casa_search_generation_truncate AFTER TRUNCATE"
            f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION casa_search_generation_bump()"
        )


def downgrade():
    for table in TABLES:
        for name in ("bump", "mark", "truncate"):
            op.execute(f"DROP TRIGGER IF EXISTS casa_search_generation_{name} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS casa_search_generation_bump()")
    op.execute("DROP FUNCTION IF EXISTS casa_search_generation_mark()")
    op.drop_table("casa_search_generation")
    op.execute("DROP SEQUENCE IF EXISTS casa_search_generation_seq")
