"""What the portal may read of the bookkeeping: views of the releases that
are or were public, their reports and waivers, the publications and
rollbacks, in a schema of their own
that every database user (CKAN's read-only datastore user included) may
read. ``casa_staging`` itself stays closed to them.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

S = "casa_staging"
R = "casa_releases"


def upgrade() -> None:
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {R}")
    op.execute(f"""
        CREATE OR REPLACE VIEW {R}.public_release AS
        SELECT dataset, number, sha256, rows, status, report, created_at, published_at, first_published_at
        FROM {S}.release WHERE status IN ('published', 'withdrawn')""")
    op.execute(f"""
        CREATE OR REPLACE VIEW {R}.public_waiver AS
        SELECT w.dataset, w.number, w.rule, w.reason, w.created_at
        FROM {S}.waiver w JOIN {R}.public_release r USING (dataset, number)""")
    op.execute(f"""
        CREATE OR REPLACE VIEW {R}.publication_event AS
        SELECT id, dataset, number, action, actor, at, detail
        FROM {S}.event WHERE action IN ('publish', 'rollback')""")
    op.execute(f"GRANT USAGE ON SCHEMA {R} TO PUBLIC")
    op.execute(f"GRANT SELECT ON {R}.public_release, {R}.public_waiver, {R}.publication_event TO PUBLIC")


def downgrade() -> None:
    op.execute(f"DROP SCHEMA IF EXISTS {R} CASCADE")
