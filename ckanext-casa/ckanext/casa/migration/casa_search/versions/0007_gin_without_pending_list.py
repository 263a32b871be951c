"""GIN indexes of the search tables without a pending list.

With ``fastupdate`` (PostgreSQL's default), new entries of a GIN index go to
an unsorted pending list that every search reads in full, until VACUUM or
an insert that finds the list over ``gin_pending_list_limit`` (4 MB) moves
it into the index. After indexing 100,000 datasets the text index had 436
pending pages, and each text search spent about 2 ms reading them (EXPLAIN
(ANALYZE, BUFFERS): 446 index buffers for one word against 10 once the
list was merged), more where autovacuum is off or late. Search is read far
more often than the index is written, and CKAN writes one dataset at a
time: entries go straight into the index instead.

Revision ID: 0007_gin_without_pending_list
Revises: 0006_search_generation
Create Date: 2026-11-22
"""

from alembic import op

revision = "0007_gin_without_pending_list"
down_revision = "0006_search_generation"
branch_labels = None
depends_on = None

INDEXES = (
    "casa_search_document_vector",
    "casa_search_document_groups",
    "casa_search_document_tags",
    "casa_search_document_res_format",
    "casa_search_document_permission_labels",
    "casa_search_content_doc",
)


def upgrade():
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} SET (fastupdate = off)")
        # What is pending stays pending until merged: merge it now.
        op.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")


def downgrade():
    for index in INDEXES:
        op.execute(f"ALTER INDEX {index} RESET (fastupdate)")
