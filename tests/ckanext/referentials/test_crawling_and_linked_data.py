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


RDF_TYPES = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld"}


def renumbered(app: Any) -> tuple[str, str]:
    diff = app.get("/api/3/action/casa_referential_diff?name=territorial_units&from_version=2014"
                   "&to_version=2024").json["result"]
    change = next(c for c in diff["changes"] if c["kind"] == "renumbered")
    return change["predecessor_code"], change["successor_code"]


@pytest.mark.parametrize("accept", list(RDF_TYPES))
def test_a_unit_is_skos_by_content_negotiation(app: Any, ckan_config: Any, accept: str) -> None:
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS, SKOS

    site = ckan_config["ckan.site_url"].rstrip("/")
    old, new = renumbered(app)
    response = app.get(f"/referentiels/territoire/{new}", headers={"Accept": accept}, status=200)
    assert response.headers["Content-Type"].startswith(accept) and "Accept" in response.headers["Vary"]
    graph = Graph().parse(data=response.body, format=RDF_TYPES[accept])
    unit = URIRef(f"{site}/referentiels/territoire/{new}")
    labels = {label.language for label in graph.objects(unit, SKOS.prefLabel)}
    assert labels == {"fr", "ar"}
    assert graph.value(unit, SKOS.broader) is not None and graph.value(unit, SKOS.notation).value == new
    assert URIRef(f"{site}/referentiels/territoire/{old}") in set(graph.objects(unit, DCTERMS.replaces))
    assert graph.value(unit, DCTERMS.valid) is not None
    before = Graph().parse(data=app.get(f"/referentiels/territoire/{old}.ttl", status=200).body, format="turtle")
    assert unit in set(before.objects(URIRef(f"{site}/referentiels/territoire/{old}"), DCTERMS.isReplacedBy))


def test_a_unit_in_json_geojson_and_html(app: Any) -> None:
    _, code = renumbered(app)
    data = app.get(f"/referentiels/territoire/{code}", headers={"Accept": "application/json"}).json
    assert data["code"] == code and data["uri"].endswith(f"/referentiels/territoire/{code}")
    feature = app.get(f"/referentiels/territoire/{code}.geojson", status=200).json
    assert feature["type"] == "Feature" and feature["properties"]["code"] == code
    page = app.get(f"/referentiels/territoire/{code}", headers={"Accept": "text/html,*/*;q=0.8"}, status=200)
    assert page.headers["Content-Type"].startswith("text/html")
    # A parent lists its children as narrower concepts.
    parent = data["parent_code"]
    from rdflib import Graph
    from rdflib.namespace import SKOS

    graph = Graph().parse(data=app.get(f"/referentiels/territoire/{parent}.ttl").body, format="turtle")
    narrower = {str(n) for n in graph.objects(None, SKOS.narrower)}
    assert any(n.endswith(f"/{code}") for n in narrower)


def test_bad_requests_to_a_unit_are_404_or_406(app: Any) -> None:
    _, code = renumbered(app)
    response = app.get(f"/referentiels/territoire/{code}", headers={"Accept": "application/x-unknown"}, status=406)
    assert "text/turtle" in response.body
    app.get(f"/referentiels/territoire/{code}.xyz", status=404)
    app.get("/referentiels/territoire/99.999.99.9.ttl", status=404)
    app.get("/referentiels/territoire/pas-un-code.ttl", status=404)


def test_a_whole_version_is_one_turtle_file(app: Any) -> None:
    from rdflib import Graph
    from rdflib.namespace import SKOS

    response = app.get("/referentiels/territorial_units/2024.ttl", status=200)
    assert response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.body, format="turtle")
    concepts = set(graph.subjects(SKOS.inScheme, None))
    assert len(concepts) > 1000
    for lang in ("fr", "ar"):  # one label per language and concept
        counts = {c: sum(1 for o in graph.objects(c, SKOS.prefLabel) if o.language == lang) for c in concepts}
        assert [c for c, n in counts.items() if n != 1] == [], lang
    app.get("/referentiels/territorial_units/1999.ttl", status=404)
