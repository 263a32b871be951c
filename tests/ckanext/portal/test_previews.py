"""Previews: a table (datatables_view) for each resource backed by the
datastore, made on publication and by `ckan casa views` for releases
published before; a map (casa_map, Leaflet without tiles) for each GeoJSON
file; a message saying why when a map cannot be drawn."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from casa_pipelines.catalogue import sync as catalogue
from casa_pipelines.publish.swap import publish, table_resource_id
from casa_pipelines.releases.ingest import ingest
from casa_pipelines.spec import load_spec

from ckan.cli.cli import ckan
from ckan.tests import factories, helpers

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "validation" / "population-2024"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets datatables_view activity"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.ckan_config("ckan.views.default_views", "datatables_view casa_map"),
    pytest.mark.ckan_config("ckan.site_url", "http://test.ckan.net"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "with_activity", "clean_index"),
]


def _views(resource_id: str) -> list[str]:
    return [v["view_type"] for v in helpers.call_action("resource_view_list", id=resource_id)]


def test_a_published_table_gets_its_preview_and_the_command_restores_missing_ones(
        app: Any, cli: Any, tmp_path: Path, throwaway_slug: Any, dataset_file: Any) -> None:
    url = os.environ["CASA_DATASTORE_URL"]
    slug = throwaway_slug(url, "test-views")
    spec = load_spec(dataset_file(tmp_path, slug), root=REPO)
    factories.Organization(name=spec.ckan.organization)
    factories.Group(name=spec.ckan.theme)
    ingest(spec, EXAMPLES / "valid.csv", url)
    publish(spec, url, catalogue=lambda spec, conn, release, table: catalogue.sync(
        spec, conn, release, table_resource_id(spec.slug), None, "http://test.ckan.net"))
    resource_id = table_resource_id(slug)
    assert _views(resource_id) == ["datatables_view"]
    page = app.get(f"/dataset/{slug}/resource/{resource_id}", status=200).body
    assert "/view/" in page and "There are no views created" not in page

    # A release published before previews existed: its views are missing.
    for view in helpers.call_action("resource_view_list", id=resource_id):
        helpers.call_action("resource_view_delete", id=view["id"])
    assert _views(resource_id) == []
    result = cli.invoke(ckan, ["casa", "views"])
    assert result.exit_code == 0, result.output
    assert _views(resource_id) == ["datatables_view"]
    assert "1 view(s) created" in result.output
    # Run again: nothing is missing.
    again = cli.invoke(ckan, ["casa", "views", slug])
    assert again.exit_code == 0 and "0 view(s) created on 1 dataset(s)" in again.output


def test_unknown_dataset_for_the_command_is_a_clear_message(cli: Any) -> None:
    result = cli.invoke(ckan, ["casa", "views", "no-such-dataset"])
    assert result.exit_code != 0 and "not found" in result.output and "Traceback" not in result.output


@pytest.fixture()
def geojson_dataset() -> dict[str, Any]:
    org = factories.Organization()
    return factories.Dataset(owner_org=org["id"], resources=[
        {"url": "http://test.ckan.net/referentiels/territorial_units/2024.geojson", "format": "GeoJSON",
         "name": "Limites", "size": 1200},
        {"url": "http://example.invalid/huge.geojson", "format": "GeoJSON", "name": "Huge", "size": 90_000_000},
        {"url": "http://example.invalid/table.csv", "format": "CSV", "name": "Table"},
    ])


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_geojson_file_gets_a_map_drawn_without_tiles(app: Any, geojson_dataset: dict[str, Any], lang: str) -> None:
    small, _huge, table = geojson_dataset["resources"]
    assert _views(small["id"]) == ["casa_map"] and _views(table["id"]) == []
    view = helpers.call_action("resource_view_list", id=small["id"])[0]
    body = app.get(f"/{lang}/dataset/{geojson_dataset['id']}/resource/{small['id']}/view/{view['id']}",
                   status=200).body
    # The file is fetched from the page's own origin; Leaflet and our script are served by the portal.
    assert 'data-url="/referentiels/territorial_units/2024.geojson"' in body
    assert "/casa/vendor/leaflet/leaflet.js" in body and "/casa/map-view.js" in body
    # Nothing is loaded from another site (no CDN), and no tile layer is drawn.
    assert re.findall(r'(?:src|href)="(?:https?:)?//', body) == []
    script = app.get("/casa/map-view.js", status=200).body
    assert "tileLayer" not in script and "L.geoJSON" in script


@pytest.mark.parametrize(("lang", "text"), [
    ("fr", "La carte ne peut pas être dessinée : le fichier pèse 90.0 Mo"),
    ("ar", "لا يمكن رسم الخريطة: حجم الملف 90.0 ميغابايت"),
    ("en", "The map cannot be drawn: the file is 90.0 MB"),
])
def test_a_map_that_cannot_be_drawn_says_why(app: Any, geojson_dataset: dict[str, Any], lang: str,
                                              text: str) -> None:
    huge = geojson_dataset["resources"][1]
    view = helpers.call_action("resource_view_list", id=huge["id"])[0]
    body = app.get(f"/{lang}/dataset/{geojson_dataset['id']}/resource/{huge['id']}/view/{view['id']}",
                   status=200).body
    assert text in body and 'id="casa-map"' not in body
