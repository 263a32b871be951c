"""Tables of ckanext-casa in the CKAN catalogue database.

They are declared on CKAN's metadata so that CKAN's test fixtures empty them
with the core tables; they are created by the alembic migrations in
``migration/casa``, never by ``create_all``.
"""

from ckanext.casa.model.search_tables import (
    search_content,
    search_document,
    search_payload,
    search_stats,
)

__all__ = ["search_content", "search_document", "search_payload", "search_stats"]
