"""sitemap.xml and robots.txt, with the real référentiels loaded: the
public datasets and every territorial unit of the current version, each
with its three language addresses; never a private dataset."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

from ckan.tests import factories

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets dcat"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("referentials_loaded", "clean_db", "with_plugins"),
]
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_the_sitemap_lists_public_datasets_and_units(app: Any, ckan_config: Any) -> None:
    org = factories.Organization()
    public = factories.Dataset(owner_org=org["id"])
    private = factories.Dataset(owner_org=org["id"], private=True)
    response = app.get("/sitemap.xml", status=200)
    assert response.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.body.encode())
    site = ckan_config["ckan.site_url"].rstrip("/")
    urls = {u.findtext(f"{SM}loc"): u for u in root.findall(f"{SM}url")}
    assert f"{site}/dataset/{public['name']}" in urls
    assert not any(private["name"] in u for u in urls)
    units = [u for u in urls if u.startswith(f"{site}/referentiels/territoire/")]
    assert len(units) > 1000  # régions, provinces, communes and arrondissements of 2024
    alternates = {link.get("hreflang"): link.get("href")
                  for link in urls[f"{site}/dataset/{public['name']}"].findall(f"{XHTML}link")}
    assert alternates == {"fr": f"{site}/dataset/{public['name']}", "ar": f"{site}/ar/dataset/{public['name']}",
                          "en": f"{site}/en/dataset/{public['name']}"}
    app.get(units[0].removeprefix(site), status=200)  # the unit's page is there


def test_robots_points_to_the_sitemap(app: Any, ckan_config: Any) -> None:
    body = app.get("/robots.txt", status=200).body
    assert f"Sitemap: {ckan_config['ckan.site_url'].rstrip('/')}/sitemap.xml" in body
    assert "Disallow: /api/" in body and "User-agent: *" in body
