"""Unknown extensions and formats answer 404 with a message, never 500
(``/catalog.xyz`` and ``/dataset/<id>.atom`` were 500s), while the formats
ckanext-dcat serves keep working."""

from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets dcat"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("clean_db", "with_plugins"),
]


@pytest.fixture()
def dataset() -> dict[str, Any]:
    org = factories.Organization()
    return factories.Dataset(owner_org=org["id"], title="Jeu de test")


@pytest.mark.parametrize("path", [
    "/catalog.xyz", "/catalog.atom", "/catalog.html", "/dataset/{name}.xyz", "/dataset/{name}.pdf",
    "/dataset_series/{name}.atom",
    "/dataset_series/{name}.xyz", "/dataset/{name}.ttl.gz",
])
def test_an_unknown_format_is_404_with_a_message(app: Any, dataset: dict[str, Any], path: str) -> None:
    response = app.get(path.format(name=dataset["name"]), status=404)
    assert "Unknown format" in response.body or "Format inconnu" in response.body


@pytest.mark.parametrize("path", ["/catalog.ttl", "/catalog.jsonld", "/catalog.rdf", "/dataset/{name}.ttl",
                                  "/dataset/{name}.xml", "/dataset/{name}.n3"])
def test_the_formats_offered_still_answer(app: Any, dataset: dict[str, Any], path: str) -> None:
    app.get(path.format(name=dataset["name"]), status=200)


def test_an_unknown_dataset_in_a_known_format_is_404(app: Any) -> None:
    app.get("/dataset/no-such-dataset.ttl", status=404)
