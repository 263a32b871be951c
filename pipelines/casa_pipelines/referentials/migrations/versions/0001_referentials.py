"""Référentiels: referential, version, unit (with PostGIS geometry), event.

Revision ID: 0001_referentials
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

revision = "0001_referentials"
down_revision = None
branch_labels = None
depends_on = None

S = "referentials"
KINDS = "('created', 'retired', 'renumbered', 'renamed', 'merged', 'split')"


def upgrade() -> None:
    op.create_table(
        "referential",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("title_fr", sa.Text, nullable=False),
        sa.Column("title_ar", sa.Text, nullable=False),
        sa.Column("title_en", sa.Text, nullable=False, server_default=""),
        sa.Column("licence", sa.Text, nullable=False, server_default=""),
        sa.Column("attribution", sa.Text, nullable=False, server_default=""),
        schema=S,
    )
    op.create_table(
        "version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "referential",
            sa.Text,
            sa.ForeignKey(f"{S}.referential.name"),
            nullable=False,
        ),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("sha256", sa.CHAR(64), nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("row_count", sa.Integer, nullable=False),
        sa.Column(
            "published_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.func.now(),
        ),
        sa.Column("report", JSONB, nullable=False),
        sa.UniqueConstraint("referential", "label"),
        sa.UniqueConstraint("referential", "sha256"),
        schema=S,
    )
    op.create_table(
        "unit",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column(
            "referential",
            sa.Text,
            sa.ForeignKey(f"{S}.referential.name"),
            nullable=False,
        ),
        sa.Column("code", sa.Text, nullable=False),
        sa.Column("level", sa.Text, nullable=False),
        sa.Column("name_fr", sa.Text),
        sa.Column("name_ar", sa.Text),
        sa.Column("name_en", sa.Text),
        sa.Column("name_folded", sa.Text, nullable=False),
        sa.Column("parent_code", sa.Text),
        sa.Column("population", sa.BigInteger),
        sa.Column("attributes", JSONB, nullable=False),
        sa.Column("row_sha256", sa.CHAR(64), nullable=False),
        sa.Column("geom", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False)),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
        sa.Column(
            "version_from", sa.Integer, sa.ForeignKey(f"{S}.version.id"), nullable=False
        ),
        sa.Column("version_to", sa.Integer, sa.ForeignKey(f"{S}.version.id")),
        sa.CheckConstraint(
            "valid_to IS NULL OR valid_to > valid_from", name="unit_interval"
        ),
        schema=S,
    )
    op.create_index(
        "unit_code_idx", "unit", ["referential", "code", "valid_from"], schema=S
    )
    op.create_index("unit_parent_idx", "unit", ["referential", "parent_code"], schema=S)
    op.create_index(
        "unit_folded_idx",
        "unit",
        ["name_folded"],
        schema=S,
        postgresql_ops={"name_folded": "text_pattern_ops"},
    )
    op.create_index(
        "unit_geom_idx", "unit", ["geom"], schema=S, postgresql_using="gist"
    )
    op.create_table(
        "event",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column(
            "referential",
            sa.Text,
            sa.ForeignKey(f"{S}.referential.name"),
            nullable=False,
        ),
        sa.Column(
            "version_id", sa.Integer, sa.ForeignKey(f"{S}.version.id"), nullable=False
        ),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("predecessor_code", sa.Text),
        sa.Column("successor_code", sa.Text),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.CheckConstraint(f"kind IN {KINDS}", name="event_kind"),
        schema=S,
    )
    op.create_index(
        "event_predecessor_idx", "event", ["referential", "predecessor_code"], schema=S
    )
    op.create_index(
        "event_successor_idx", "event", ["referential", "successor_code"], schema=S
    )


def downgrade() -> None:
    for table in ("event", "unit", "version", "referential"):
        op.drop_table(table, schema=S)
