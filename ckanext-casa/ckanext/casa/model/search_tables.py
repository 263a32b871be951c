"""Tables of the PostgreSQL search backend.

One narrow table holds what queries filter, facet, rank and sort on, so that
scans stay small; the JSON payloads that ``package_search`` returns live in a
second table and are read only for the rows of the requested page.
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
    sa.Column("doc", pg.JSONB, nullable=False),
    sa.Column("search_vector", pg.TSVECTOR, nullable=False),
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
