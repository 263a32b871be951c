"""Search document and payload tables of the PostgreSQL search backend.

Revision ID: 0001_search_tables
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql as pg

revision = "0001_search_tables"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "casa_search_document",
        sa.Column("id", sa.UnicodeText, primary_key=True),
        sa.Column("site_id", sa.UnicodeText, nullable=False),
        sa.Column("name", sa.UnicodeText, nullable=False),
        sa.Column("state", sa.UnicodeText),
        sa.Column("capacity", sa.UnicodeText),
        sa.Column("dataset_type", sa.UnicodeText),
        sa.Column("owner_org", sa.UnicodeText),
        sa.Column("organization", sa.UnicodeText),
        sa.Column("license_id", sa.UnicodeText),
        sa.Column("groups", pg.ARRAY(sa.UnicodeText)),
        sa.Column("tags", pg.ARRAY(sa.UnicodeText)),
        sa.Column("res_format", pg.ARRAY(sa.UnicodeText)),
        sa.Column("permission_labels", pg.ARRAY(sa.UnicodeText)),
        sa.Column("title_sort", sa.UnicodeText),
        sa.Column("metadata_created", sa.UnicodeText),
        sa.Column("metadata_modified", sa.UnicodeText),
        sa.Column("doc", pg.JSONB, nullable=False),
        sa.Column("search_vector", pg.TSVECTOR, nullable=False),
    )
    op.create_table(
        "casa_search_payload",
        sa.Column(
            "id",
            sa.UnicodeText,
            sa.ForeignKey("casa_search_document.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("data_dict", sa.UnicodeText),
        sa.Column("validated_data_dict", sa.UnicodeText),
    )
    op.create_index("casa_search_document_name", "casa_search_document", ["name"])
    op.create_index(
        "casa_search_document_vector",
        "casa_search_document",
        ["search_vector"],
        postgresql_using="gin",
    )
    op.create_index(
        "casa_search_document_doc",
        "casa_search_document",
        ["doc"],
        postgresql_using="gin",
        postgresql_ops={"doc": "jsonb_path_ops"},
    )
    for column in ("groups", "tags", "res_format", "permission_labels"):
        op.create_index(
            f"casa_search_document_{column}",
            "casa_search_document",
            [column],
            postgresql_using="gin",
        )
    for column in ("organization", "owner_org", "metadata_modified", "title_sort"):
        op.create_index(
            f"casa_search_document_{column}", "casa_search_document", [column]
        )


def downgrade():
    op.drop_table("casa_search_payload")
    op.drop_table("casa_search_document")
