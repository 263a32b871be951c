"""Template helpers of the casa plugin (prefixed ``casa_``)."""

from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)


def casa_localized(data: dict[str, Any], field: str) -> str:
    """Return ``field`` in the page's language: ``<field>_ar`` for Arabic,
    the French field otherwise, falling back to whichever is filled."""
    lang = tk.h.lang() or "fr"
    if lang == "ar" and data.get(f"{field}_ar"):
        return data[f"{field}_ar"]
    return data.get(field) or data.get(f"{field}_ar") or ""


@tk.chained_helper
def get_translated(next_helper: Any, data_dict: dict[str, Any], field: str) -> Any:
    """CKAN's own helper, used by its templates for titles, descriptions and
    resource names: on Arabic pages, our schema's ``<field>_ar`` first."""
    return _arabic_field(data_dict, field) or next_helper(data_dict, field)


def _arabic_field(data: Any, field: str) -> str | None:
    if (tk.h.lang() or "") == "ar" and isinstance(data, dict) and data.get(f"{field}_ar"):
        return data[f"{field}_ar"]
    return None


@tk.chained_helper
def dataset_display_name(next_helper: Any, package: Any) -> Any:
    """Dataset titles in headings, breadcrumbs and links: Arabic on Arabic pages."""
    return _arabic_field(package, "title") or next_helper(package)


@tk.chained_helper
def resource_display_name(next_helper: Any, resource: Any) -> Any:
    return _arabic_field(resource, "name") or next_helper(resource)


def casa_group_text(group: dict[str, Any], field: str) -> str:
    """An organization's or theme's ``field`` (its description) in the
    page's language (logic/localized_groups.py)."""
    from ckanext.casa.logic.localized_groups import group_text

    return group_text(group, field)


def casa_site_description() -> str:
    """``ckan.site_description`` in the page's language: its Arabic version
    (``ckanext.casa.site_description_ar``) on Arabic pages, else through our
    catalogue, which translates the configured description."""
    if (tk.h.lang() or "") == "ar":
        arabic = tk.config.get("ckanext.casa.site_description_ar")
        if arabic:
            return arabic
    description = tk.config.get("ckan.site_description") or ""
    return tk._(description) if description else ""


def casa_unit_label(code: str) -> dict[str, str] | None:
    """The territorial unit ``code`` designates today (a dataset's spatial
    coverage): its name in the page's language and its page in the
    référentiel; None when the référentiel does not know the code."""
    if not code:
        return None
    try:
        unit = tk.get_action("casa_unit_show")({"ignore_auth": True}, {"code": code})
    except tk.ObjectNotFound:
        return None
    except Exception as exc:  # noqa: BLE001 - a page must not fail for its coverage: the bare code is shown
        log.warning("Territorial unit %s could not be looked up: %r", code, exc)
        return None
    if unit.get("code") != code:  # a replaced code answers with its successors
        return None
    arabic = (tk.h.lang() or "") == "ar" and unit.get("name_ar")
    return {"name": unit["name_ar"] if arabic else unit.get("name_fr") or code,
            "url": tk.h.url_for("casa_browse.unit", code=code)}


def casa_home() -> dict[str, Any]:
    """The home page's figures, releases, themes and référentiels (logic/home.py)."""
    from ckanext.casa.logic import home

    return home.home()


def casa_data_office() -> dict[str, Any] | None:
    from ckanext.casa.logic import home

    return home.data_office()


def casa_citation_example() -> dict[str, Any] | None:
    from ckanext.casa.logic import home

    return home.citation_example()


def casa_page_tags(tags: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """A dataset's tags in the page's language: datasets carry their French
    and Arabic tags in one list (CKAN tags have no language), told apart by
    their script. A dataset with none in that language shows all of them."""
    from ckanext.casa.logic.localized_groups import in_page_script

    tags = tags or []
    shown = [t for t in tags if in_page_script(t.get("display_name") or t.get("name") or "")]
    return shown or tags


def casa_fallback_lang() -> str | None:
    """The language of the metadata shown on this page when we do not hold
    it in the page's language: French on English pages (datasets have French
    and Arabic titles and descriptions, no English ones), None otherwise.
    Templates mark such text with ``lang`` and say so."""
    return "fr" if (tk.h.lang() or "fr") == "en" else None


def casa_referential_title(ref: dict[str, Any]) -> str:
    """A référentiel's title in the page's language (French when it has none)."""
    lang = tk.h.lang() or "fr"
    return ref.get(f"title_{lang}") or ref.get("title_fr") or ref.get("name") or ""


def casa_referentials_endpoint() -> str | None:
    """The endpoint of the référentiels' index page (``/referentiels/``), or
    None while no view serves it: the main menu and the home page then show
    no link to it. Found by its path, whatever the view is called."""
    from flask import current_app

    for rule in current_app.url_map.iter_rules():
        if rule.rule.rstrip("/") == "/referentiels" and "GET" in (rule.methods or ()) and not rule.arguments:
            return rule.endpoint
    return None


def casa_referentials_url() -> str | None:
    endpoint = casa_referentials_endpoint()
    return tk.h.url_for(endpoint) if endpoint else None


def get_helpers() -> dict[str, Any]:
    return {"casa_localized": casa_localized, "get_translated": get_translated,
            "dataset_display_name": dataset_display_name, "resource_display_name": resource_display_name,
            "casa_group_text": casa_group_text, "casa_site_description": casa_site_description,
            "casa_unit_label": casa_unit_label, "casa_home": casa_home,
            "casa_data_office": casa_data_office, "casa_citation_example": casa_citation_example,
            "casa_referential_title": casa_referential_title, "casa_fallback_lang": casa_fallback_lang,
            "casa_page_tags": casa_page_tags,
            "casa_referentials_endpoint": casa_referentials_endpoint, "casa_referentials_url": casa_referentials_url}
