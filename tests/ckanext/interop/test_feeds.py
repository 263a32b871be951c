"""Atom feeds of new releases, site-wide and per dataset, parsed as Atom:
entries link to the dataset page and the release's report, in the
language of the path; private datasets never appear."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import pytest

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets dcat"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "casa_dcat_ap_3"),
    pytest.mark.usefixtures("clean_db", "with_plugins"),
]
A = "{http://www.w3.org/2005/Atom}"


def entries(body: str) -> tuple[ET.Element, list[dict[str, Any]]]:
    root = ET.fromstring(body.encode())
    assert root.tag == f"{A}feed"
    out = []
    for e in root.findall(f"{A}entry"):
        links = {link.get("rel"): link.get("href") for link in e.findall(f"{A}link")}
        out.append({"title": e.findtext(f"{A}title"), "links": links, "summary": e.findtext(f"{A}summary")})
    return root, out


def test_a_dataset_feed_lists_its_releases_newest_first(app: Any, portal: dict[str, Any]) -> None:
    slug, site = portal["slug"], portal["site"]
    response = app.get(f"/dataset/{slug}.atom", status=200)
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    root, found = entries(response.body)
    title = portal["spec"].ckan.title["fr"]
    assert [e["title"] for e in found] == [f"{title}, version 2", f"{title}, version 1"]
    assert found[0]["links"]["alternate"] == f"{site}/dataset/{slug}"
    assert found[0]["links"]["related"] == f"{site}/donnees/{slug}/2/rapport-validation.html"
    assert "Nouvelles versions" in root.findtext(f"{A}title")


def test_the_arabic_path_gives_an_arabic_feed(app: Any, portal: dict[str, Any]) -> None:
    slug, site = portal["slug"], portal["site"]
    root, found = entries(app.get(f"/ar/dataset/{slug}.atom", status=200).body)
    title_ar = portal["spec"].ckan.title["ar"]
    assert found[0]["title"] == f"{title_ar}، الإصدار 2"
    assert found[0]["links"]["alternate"] == f"{site}/ar/dataset/{slug}"
    assert found[0]["links"]["related"] == f"{site}/ar/donnees/{slug}/2/rapport-validation.html"
    assert "الإصدارات الجديدة" in root.findtext(f"{A}title") and "سطرا" in found[0]["summary"]
    for french in ("Nouvelles versions", "version 2", "lignes"):
        assert french not in app.get(f"/ar/dataset/{slug}.atom").body


def test_the_site_feed_has_every_public_release_and_no_private_dataset(app: Any, portal: dict[str, Any]) -> None:
    _, found = entries(app.get("/feeds/releases.atom", status=200).body)
    assert len(found) == 2 and all(portal["slug"] in e["links"]["alternate"] for e in found)
    _, arabic = entries(app.get("/ar/feeds/releases.atom", status=200).body)
    assert arabic[0]["title"].endswith("الإصدار 2")
    app.get(f"/dataset/{portal['private']}.atom", status=404)
    app.get("/dataset/no-such-dataset.atom", status=404)
