"""The territory facet: datasets by the territorial unit they cover.

A dataset's ``spatial_coverage`` is an HCP unit code ("06", "06.141.01.0"):
the index counts datasets per code (a typed column, migration 0011), and
the facet's items are shown by the unit's name in the page's language
(Arabic on Arabic pages, French otherwise, and in the API), read from the
territorial référentiel in one query for all the codes of the facet. A code
the référentiel does not know keeps its code as its label.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

FIELD = "spatial_coverage"

# The latest name of each code, whether or not the unit is still current:
# a dataset may cover a unit that a later version of the référentiel retired.
_NAMES = (
    "SELECT DISTINCT ON (code) code, name_fr, name_ar FROM {schema}.unit"
    " WHERE referential = :r AND code = ANY(:codes) ORDER BY code, valid_from DESC"
)


def page_language() -> str:
    try:
        return tk.h.lang() or tk.config.get("ckan.locale_default") or "fr"
    except (RuntimeError, AttributeError, TypeError):  # no request (a command, a job)
        return tk.config.get("ckan.locale_default") or "fr"


def unit_names(codes: list[str], lang: str) -> dict[str, str]:
    """Code -> the unit's name in ``lang`` (French where there is no Arabic
    name), for the codes the référentiel knows; {} when it cannot be read."""
    if not codes:
        return {}
    from ckanext.casa.logic.referential_db import SCHEMA, TERRITORIAL, fetch_all

    try:
        found = fetch_all(_NAMES.format(schema=SCHEMA), r=TERRITORIAL, codes=list(codes))
    except (tk.ObjectNotFound, sa.exc.SQLAlchemyError) as error:
        # No référentiel loaded (yet), or no datastore: the codes are shown.
        log.debug("Territory facet shown by code: %s", error)
        return {}
    out = {}
    for row in found:
        name = row["name_ar"] if lang == "ar" and row["name_ar"] else row["name_fr"]
        if name:
            out[row["code"]] = name
    return out


def label_facet(search_results: dict[str, Any], lang: str | None = None) -> dict[str, Any]:
    """Give the territory facet's items the units' names as display names
    (``package_search``'s ``search_facets``, as after_dataset_search sees it)."""
    facet = (search_results.get("search_facets") or {}).get(FIELD)
    if not facet or not facet.get("items"):
        return search_results
    names = unit_names([item["name"] for item in facet["items"]], lang or page_language())
    for item in facet["items"]:
        if item["name"] in names:
            item["display_name"] = names[item["name"]]
    return search_results
