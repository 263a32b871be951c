"""Every word in the reader's language: the main pages, crawled in French,
Arabic and English on a dataset published by the real pipeline, show no
text of another language's catalogue, no Latin text on Arabic pages and no
Arabic text on the others, except proper nouns and codes and what a page
marks as a fallback (``lang``); see wording.py."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from casa_pipelines.catalogue import sync as catalogue
from casa_pipelines.publish.swap import publish, table_resource_id
from casa_pipelines.releases.ingest import ingest
from casa_pipelines.spec import load_spec

from ckan.cli.cli import ckan

from .wording import foreign_on_page

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "validation" / "population-2024"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets datatables_view activity"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.ckan_config("ckan.views.default_views", "datatables_view casa_map"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "with_activity", "clean_index"),
]


@pytest.fixture()
def portal(cli: Any, tmp_path: Path, throwaway_slug: Any, dataset_file: Any) -> list[str]:
    """The organizations and themes as `ckan casa bootstrap` makes them, and
    a census dataset published by the pipeline: the main pages' addresses."""
    result = cli.invoke(ckan, ["casa", "bootstrap", "--token-file", str(tmp_path / "token")])
    assert result.exit_code == 0, result.output
    url = os.environ["CASA_DATASTORE_URL"]
    slug = throwaway_slug(url, "test-words")
    spec = load_spec(dataset_file(tmp_path, slug), root=REPO)
    ingest(spec, EXAMPLES / "valid.csv", url)
    publish(spec, url, catalogue=lambda spec, conn, release, table: catalogue.sync(
        spec, conn, release, table_resource_id(spec.slug), None, "http://test.ckan.net"))
    return ["/", "/about", "/dataset/", "/dataset/?q=population", f"/dataset/{slug}",
            f"/dataset/{slug}/resource/{table_resource_id(slug)}", f"/dataset/activity/{slug}",
            "/organization/", f"/organization/{spec.ckan.organization}", "/group/", f"/group/{spec.ckan.theme}",
            "/no-such-page"]


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_main_pages_speak_one_language(app: Any, portal: list[str], lang: str) -> None:
    found = {}
    for page in portal:
        response = app.get(f"/{lang}{page}", status=404 if page == "/no-such-page" else 200)
        foreign = foreign_on_page(response.body, lang)
        if foreign:
            found[page] = foreign
    assert not found, f"text in another language on {lang} pages: {found}"


def test_the_crawl_finds_foreign_words() -> None:
    """The check itself: English left untranslated on a French page, French
    on an Arabic page, Arabic on an English one; a declared fallback passes."""
    assert foreign_on_page('<html><body><p>No activity found</p></body></html>', "fr") == ["No activity found"]
    assert foreign_on_page('<html><body><p>Population légale</p></body></html>', "ar") == ["Population légale"]
    assert foreign_on_page('<html><body><p>السكان</p></body></html>', "en") == ["السكان"]
    assert foreign_on_page('<html><body><p lang="fr">Population légale</p></body></html>', "ar") == []
    assert foreign_on_page('<html><body><a title="Licenses">x</a></body></html>', "fr") == ["Licenses"]
    assert foreign_on_page('<html><body><p>Jeux de données</p><code>06.141</code></body></html>', "fr") == []
