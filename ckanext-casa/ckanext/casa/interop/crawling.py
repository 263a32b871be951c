"""``/sitemap.xml`` (the public datasets and the territorial units of the
current référentiel version, each page with its French, Arabic and English
addresses as ``hreflang`` alternates) and ``/robots.txt`` (which points to
the sitemap and keeps crawlers out of the API and of search result pages,
whose facets make endless combinations)."""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from typing import Any

from flask import make_response

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
TERRITORY = "territorial_units"
LANGUAGES = ("fr", "ar", "en")
MAX_URLS = 50000  # the sitemap protocol's limit for one file


def site_url() -> str:
    return str(tk.config.get("ckan.site_url") or "").rstrip("/")


def public_datasets() -> list[dict[str, Any]]:
    found = tk.get_action("package_search")({"user": ""}, {"rows": 1000, "include_private": False})
    return found["results"]


def current_units() -> list[str]:
    """The codes of the territorial units of the référentiel's current
    version; none when it is not loaded."""
    from ckanext.casa.logic import referential_export

    try:
        refs = tk.get_action("casa_referential_list")({"ignore_auth": True}, {})
    except (tk.ObjectNotFound, tk.ValidationError, KeyError) as err:
        log.warning("sitemap: no référentiel (%s)", err)
        return []
    for ref in refs:
        if ref.get("name") == TERRITORY and ref.get("current_version"):
            found = referential_export.version_rows(TERRITORY, ref["current_version"], with_geometry=False)
            return [u["code"] for u in found[1]] if found else []
    return []


def paths() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for pkg in public_datasets():
        out.append((f"/dataset/{pkg['name']}", (pkg.get("metadata_modified") or "")[:10] or None))
    out += [(f"/referentiels/territoire/{code}", None) for code in current_units()]
    return out[:MAX_URLS]


def sitemap() -> Any:
    ET.register_namespace("", SITEMAP_NS)
    ET.register_namespace("xhtml", XHTML_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    site = site_url()
    default = str(tk.config.get("ckan.locale_default") or "fr")
    for path, modified in paths():
        url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = site + path
        if modified:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = modified
        for lang in LANGUAGES:
            prefix = "" if lang == default else f"/{lang}"
            ET.SubElement(url, f"{{{XHTML_NS}}}link", {"rel": "alternate", "hreflang": lang,
                                                      "href": f"{site}{prefix}{path}"})
    response = make_response(ET.tostring(root, encoding="utf-8", xml_declaration=True))
    response.headers["Content-Type"] = "application/xml; charset=utf-8"
    return response


def robots() -> Any:
    lines = ["User-agent: *", "Disallow: /api/", "Allow: /api/openapi.json", "Disallow: /user/"]
    for lang in ("", *(f"/{code}" for code in LANGUAGES)):
        lines += [f"Disallow: {lang}/dataset?", f"Disallow: {lang}/dataset/?"]
    lines += ["", f"Sitemap: {site_url()}/sitemap.xml", ""]
    response = make_response("\n".join(lines))
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    return response
