"""Text search in the pipelines' published tables, on CKAN's datastore API.

The pipelines build each published table's ``_full_text`` column from
folded text (``casa_staging.fold``: no accents, one form of each Arabic
letter variant) with the ``simple`` configuration. CKAN's datastore would
look it up with ``plainto_tsquery(<ckan.datastore.default_fts_lang>, q)``,
unfolded: "Maârif" or "أنفا" would then miss rows. For those tables only
(their comment starts with ``casa:``), the query is folded the same way,
in Python (``casa_pipelines.normalize``), and looked up with ``simple``.
Tables created through ``datastore_create`` keep CKAN's behaviour.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from casa_pipelines.normalize import fold

from ckanext.datastore.backend.postgres import _ts_query_alias, literal_string


def is_published_table(connection: Any, resource_id: str) -> bool:
    comment = connection.execute(
        sa.text("SELECT obj_description(c.oid, 'pg_class') FROM pg_class c JOIN pg_namespace n "
                "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relname = :id"),
        {"id": resource_id}).scalar()
    return bool(comment and comment.startswith("casa:"))


def fold_text_query(context: Any, data_dict: dict[str, Any], query_dict: dict[str, Any]) -> dict[str, Any]:
    q = data_dict.get("q")
    if not isinstance(q, str) or not q.strip() or data_dict.get("full_text") or not data_dict.get("plain", True):
        return query_dict
    connection = context.get("connection")
    if connection is None or not is_published_table(connection, data_dict["resource_id"]):
        return query_dict
    query_dict["ts_query"] = f", plainto_tsquery('simple', {literal_string(fold(q))}) {_ts_query_alias()}"
    return query_dict
