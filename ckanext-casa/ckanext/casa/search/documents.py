"""Turn the document CKAN builds for Solr into rows of our search tables.

``ckan.lib.search.index.PackageSearchIndex.index_package`` flattens a
dataset into a Solr document (tags, groups, organization, resource fields,
extras at the top level, permission labels). We keep CKAN's work and only
store it differently: typed columns for the fields that are filtered and
faceted on most, a JSONB copy for every other field, and a weighted
tsvector of folded text for free-text search.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from casa_pipelines.normalize import fold

from ckanext.casa.search import dates

SCALAR_COLUMNS = (
    "id",
    "site_id",
    "name",
    "state",
    "capacity",
    "dataset_type",
    "owner_org",
    "organization",
    "license_id",
    "metadata_created",
    "metadata_modified",
    "spatial_coverage",  # the territory facet (search/territory.py)
)
ARRAY_COLUMNS = ("groups", "tags", "res_format", "permission_labels")
PAYLOAD_FIELDS = ("data_dict", "validated_data_dict")

# Fields whose values are identifiers, URLs or dates: searchable by field,
# never as free text.
_NOT_TEXT = {
    "id",
    "site_id",
    "index_id",
    "owner_org",
    "creator_user_id",
    "metadata_created",
    "metadata_modified",
    "state",
    "capacity",
    "type",
    "dataset_type",
    "entity_type",
    "permission_labels",
    "res_url",
    "urls",
    "url",
    "res_type",
    "private",
    "num_resources",
    "num_tags",
    "isopen",
    "license_url",
    "title_string",
}
# Free-text weights, as CKAN's Solr query fields: name^4 title^4 tags^2
# groups^2 text.
_WEIGHT_A = ("name", "title")
_WEIGHT_B = ("tags", "groups", "organization")
_WEIGHT_C = ("notes",)
# A part longer than this adds nothing to ranking and slows indexing.
_MAX_PART = 200_000


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and v != ""]
    return [str(value)]


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [v if isinstance(v, (str, int, float, bool)) else str(v) for v in value]
    return str(value)


def _text(values: list[str]) -> str:
    return fold(" ".join(values))[:_MAX_PART]


def _weighted_parts(doc: dict[str, Any]) -> dict[str, str]:
    parts: dict[str, list[str]] = {"A": [], "B": [], "C": [], "D": []}
    for key, value in doc.items():
        if key in PAYLOAD_FIELDS or key in _NOT_TEXT or key.endswith("_date"):
            continue
        if isinstance(value, bool) or not isinstance(value, (str, list, tuple)):
            continue
        if key in _WEIGHT_A or key.startswith("title_"):
            weight = "A"
        elif key in _WEIGHT_B:
            weight = "B"
        elif key in _WEIGHT_C or key.startswith("notes_"):
            weight = "C"
        elif key.startswith("extras_") and key[7:] in doc:
            continue  # the same extra is also at the top level
        else:
            weight = "D"
        parts[weight].extend(_as_list(value))
    return {w: _text(v) for w, v in parts.items()}


def document_row(doc: dict[str, Any]) -> dict[str, Any]:
    """Return the bind parameters of one document's rows."""
    row: dict[str, Any] = {}
    for column in SCALAR_COLUMNS:
        value = doc.get(column)
        row[column] = None if value is None else str(value)
    for column in dates.DATE_COLUMNS:
        if row[column]:
            try:
                row[column] = dates.canonical(row[column])
            except dates.DateSyntaxError:
                pass  # kept as given: still stored, only range order may suffer
    for column in ARRAY_COLUMNS:
        # Each value once: Solr counts a dataset once per facet value (two
        # CSV resources make one "CSV"), and so can a plain unnest.
        row[column] = list(dict.fromkeys(_as_list(doc.get(column))))
    title = doc.get("title") or doc.get("name") or ""
    # Folded like search text so that "École" sorts among the E's, not after
    # "Zones" as a byte order would put it.
    row["title_sort"] = fold(str(title))
    row["doc"] = json.dumps(
        {k: _jsonable(v) for k, v in doc.items() if k not in PAYLOAD_FIELDS},
        ensure_ascii=False,
    )
    for weight, text in _weighted_parts(doc).items():
        row[f"text_{weight}"] = text
    for field in PAYLOAD_FIELDS:
        row[field] = doc.get(field)
    return row


# Each write is one statement over all the documents it carries (their rows
# passed as one JSON array): the statement-level triggers that keep the
# counts (stats.py) then run once per write, not once per document.
_DOC_COLUMNS = SCALAR_COLUMNS + ARRAY_COLUMNS + ("title_sort",)
_RECORDS = "jsonb_to_recordset(CAST(:rows AS jsonb)) AS r({})"
# Each word by its stem (casa_stem_text, migration 0010), with the ``casa``
# text search configuration (simple, French stop words dropped).
_VECTOR = " || ".join(
    f"setweight(to_tsvector('casa', casa_stem_text(r.\"text_{w}\")), '{w}')" for w in "ABCD"
)
UPSERT_DOCUMENT = sa.text(
    "INSERT INTO casa_search_document ("
    + ", ".join(_DOC_COLUMNS)
    + ", search_vector) SELECT "
    + ", ".join(f"r.{c}" for c in _DOC_COLUMNS)
    + f", {_VECTOR} FROM "
    + _RECORDS.format(
        ", ".join(f"{c} text[]" if c in ARRAY_COLUMNS else f"{c} text" for c in _DOC_COLUMNS)
        + ', "text_A" text, "text_B" text, "text_C" text, "text_D" text'
    )
    + " ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _DOC_COLUMNS if c != "id")
    + ", search_vector = EXCLUDED.search_vector"
)
UPSERT_CONTENT = sa.text(
    "INSERT INTO casa_search_content (id, doc) SELECT r.id, CAST(r.doc AS jsonb) FROM "
    + _RECORDS.format("id text, doc text")
    + " ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc"
)
UPSERT_PAYLOAD = sa.text(
    "INSERT INTO casa_search_payload (id, data_dict, validated_data_dict)"
    " SELECT r.id, r.data_dict, r.validated_data_dict FROM "
    + _RECORDS.format("id text, data_dict text, validated_data_dict text")
    + " ON CONFLICT (id) DO UPDATE SET data_dict = EXCLUDED.data_dict,"
    " validated_data_dict = EXCLUDED.validated_data_dict"
)
