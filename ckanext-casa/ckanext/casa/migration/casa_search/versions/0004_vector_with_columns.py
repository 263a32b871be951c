"""Keep the tsvector with the typed columns; the JSONB copy stays apart.

Once totals and facet counts of the public set came from casa_search_stats
(0003), the scans that 0002 made narrow became rare, and text queries
became the hot path: they read the tsvector (to rank) and the typed columns
(to filter), which lived in two tables joined row by row (7,070 index
lookups for one Arabic word at 100,000 datasets). Rows with both are about
860 bytes; the JSONB copy (about 1 kB) is read only for the page's rows and
for filters on fields that have no column.

Revision ID: 0004_vector_with_columns
Revises: 0003_search_stats
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0004_vector_with_columns"
down_revision = "0003_search_stats"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("casa_search_document", sa.Column("search_vector", pg.TSVECTOR))
    op.execute(
        "UPDATE casa_search_document d SET search_vector = c.search_vector"
        " FROM casa_search_content c WHERE c.id = d.id"
    )
    op.execute("UPDATE casa_search_document SET search_vector = '' WHERE search_vector IS NULL")
    op.alter_column("casa_search_document", "search_vector", nullable=False)
    op.create_index(
        "casa_search_document_vector", "casa_search_document", ["search_vector"],
        postgresql_using="gin",
    )
    op.drop_index("casa_search_content_vector", "casa_search_content")
    op.drop_column("casa_search_content", "search_vector")


def downgrade():
    op.add_column("casa_search_content", sa.Column("search_vector", pg.TSVECTOR))
    op.execute(
        "UPDATE casa_search_content c SET search_vector = d.search_vector"
        " FROM casa_search_document d WHERE c.id = d.id"
    )
    op.alter_column("casa_search_content", "search_vector", nullable=False)
    op.create_index(
        "casa_search_content_vector", "casa_search_content", ["search_vector"],
        postgresql_using="gin",
    )
    op.drop_index("casa_search_document_vector", "casa_search_document")
    op.drop_column("casa_search_document", "search_vector")
