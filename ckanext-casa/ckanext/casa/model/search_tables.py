"""Tables of the PostgreSQL search backend.

One table holds the typed columns that queries filter, facet and sort on,
with the weighted tsvector; a second holds the JSONB copy of every field;
the JSON payloads that ``package_search`` returns live in a
third and are read only for the rows of the requested page.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

from ckan.model import meta

search_document = sa.Table(
    "casa_search_document",
    meta.metadata,
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
    sa.Column("search_vector", pg.TSVECTOR, nullable=False),
    # Ids (casa_search_facet_value) of the counted facet values, filled by a
    # trigger (migration 0005): one unnest counts every facet of a query.
    sa.Column("facet_ids", pg.ARRAY(sa.Integer), nullable=False, server_default="{}"),
    # The HCP code of the territory covered: the territory facet (0011).
    sa.Column("spatial_coverage", sa.UnicodeText),
)

search_facet_value = sa.Table(
    "casa_search_facet_value",
    meta.metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("field", sa.UnicodeText, nullable=False),
    sa.Column("value", sa.UnicodeText, nullable=False),
    sa.UniqueConstraint("field", "value", name="casa_search_facet_value_pair"),
)

# The JSONB copy of every field: read for the page's rows and by filters on
# fields that have no column (see migrations 0002 and 0004).
search_content = sa.Table(
    "casa_search_content",
    meta.metadata,
    sa.Column(
        "id",
        sa.UnicodeText,
        sa.ForeignKey("casa_search_document.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("doc", pg.JSONB, nullable=False),
)

search_payload = sa.Table(
    "casa_search_payload",
    meta.metadata,
    sa.Column(
        "id",
        sa.UnicodeText,
        sa.ForeignKey("casa_search_document.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("data_dict", sa.UnicodeText),
    sa.Column("validated_data_dict", sa.UnicodeText),
)


# Maintained totals and facet counts of the public, active documents
# (see search/stats.py and migration 0003).
search_stats = sa.Table(
    "casa_search_stats",
    meta.metadata,
    sa.Column("site_id", sa.UnicodeText, primary_key=True),
    sa.Column("dataset_type", sa.UnicodeText, primary_key=True),
    sa.Column("field", sa.UnicodeText, primary_key=True),
    sa.Column("value", sa.UnicodeText, primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
)
# Triggers on the document table write the counts: when CKAN's test fixtures
# empty the tables, documents must go first, then the counts they left.
search_document.add_is_dependent_on(search_stats)
