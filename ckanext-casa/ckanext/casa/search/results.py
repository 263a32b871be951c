"""What a search returns to CKAN: the page of documents and its wrapper.

The page is read in the same statement as the matches (``with_documents``
builds that part of it): ids, scores and sort columns first, then the JSONB
copy and the JSON payloads of the page's rows alone.
"""

from __future__ import annotations

from typing import Any

from ckanext.casa.search.documents import PAYLOAD_FIELDS


class Results:
    """The part of ``pysolr.Results`` that CKAN reads."""

    def __init__(self, docs: list[dict[str, Any]], hits: int, facets: dict[str, Any]):
        self.docs = docs
        self.hits = hits
        self.facets = facets

    def __len__(self) -> int:
        return len(self.docs)

    def __iter__(self):
        return iter(self.docs)


def fields(fl: Any) -> list[str]:
    fields = (fl if isinstance(fl, str) else " ".join(fl or [])).replace(",", " ").split()
    if not fields or "*" in fields:
        fields = ["*", "data_dict", "validated_data_dict"]
    return fields


# What a document holds without its JSONB copy. CKAN's package_search asks
# for ``id validated_data_dict`` alone: the copy (about 1 kB a row) is not
# read then.
_WITHOUT_COPY = {"id", "score", *PAYLOAD_FIELDS}


def with_documents(page: str, order: str, fl: Any) -> str:
    """SQL of one JSON array holding, for each row of ``page`` (a query of
    ids, scores and sort columns, as ``d``) in ``order``: its id, score,
    JSONB copy when ``fl`` or ``order`` needs it, and the JSON payloads
    ``fl`` wants. The copies are read for the page's rows alone."""
    wanted_fields = fields(fl)
    wanted = [f for f in PAYLOAD_FIELDS if f in wanted_fields]
    payload = ", ".join(f"p.{f}" for f in wanted) or "NULL"
    join = " LEFT JOIN casa_search_payload p ON p.id = d.id" if wanted else ""
    copy = "NULL"
    if not set(wanted_fields) <= _WITHOUT_COPY or "d.doc" in order:
        copy = "c.doc"
        join = " LEFT JOIN casa_search_content c ON c.id = d.id" + join
    return (
        f"array_to_json(ARRAY(SELECT json_build_array(d.id, d.score, {copy}, {payload})"
        f" FROM ({page}) d{join}"
        # The joins may reorder the page: sort it again (few rows).
        f" ORDER BY {order.replace('d.doc', 'c.doc')}))"
    )


def documents(page: list[list[Any]] | None, fl: Any) -> list[dict[str, Any]]:
    """CKAN's documents from the rows with_documents returns."""
    wanted_fields = fields(fl)
    wanted = [f for f in PAYLOAD_FIELDS if f in wanted_fields]
    docs = []
    for id_, score, copy, *payloads in page or []:
        source = dict(copy or {})
        source["id"] = id_
        source["score"] = float(score)
        doc = source if "*" in wanted_fields else {f: source[f] for f in wanted_fields if f in source}
        for name, value in zip(wanted, payloads):
            if value is not None:
                doc[name] = value
        docs.append(doc)
    return docs
