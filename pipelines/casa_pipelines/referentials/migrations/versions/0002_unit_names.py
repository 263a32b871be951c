"""Names of the units with their search keys (pg_trgm), for casa_unit_search.

One row per name (French, Arabic, English) of each stored unit state, with
the keys of ``ckanext.casa.logic.referential_names``. The keys are computed in
Python, so this migration only makes the table: the loader fills it
(``store.refresh_names``, run by every ``migrate``).

Revision ID: 0002_unit_names
Revises: 0001_referentials
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_unit_names"
down_revision = "0001_referentials"
branch_labels = None
depends_on = None

S = "referentials"


def upgrade() -> None:
    # Trusted since PostgreSQL 13: the database's owner may create it.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "unit_name",
        sa.Column("id", sa.BigInteger, primary_key=True),
        sa.Column(
            "unit_id",
            sa.BigInteger,
            sa.ForeignKey(f"{S}.unit.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("folded", sa.Text, nullable=False),
        sa.Column("skeleton", sa.Text, nullable=False),
        sa.Column("key_version", sa.Integer, nullable=False),
        schema=S,
    )
    op.create_index("unit_name_unit_idx", "unit_name", ["unit_id"], schema=S)
    op.create_index("unit_name_folded_idx", "unit_name", ["folded"], schema=S)
    # GiST rather than GIN: on a few thousand short names, a GIN trigram scan
    # visits most of the index for a similarity query (12 ms measured), GiST
    # about 1 ms; GiST also answers equality on the skeleton.
    op.execute(
        f"CREATE INDEX unit_name_folded_trgm ON {S}.unit_name USING gist (folded gist_trgm_ops)"
    )
    op.execute(
        f"CREATE INDEX unit_name_skeleton_trgm ON {S}.unit_name USING gist (skeleton gist_trgm_ops)"
    )


def downgrade() -> None:
    op.drop_table("unit_name", schema=S)
