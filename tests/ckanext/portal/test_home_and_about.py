"""Our home and About pages, in French, Arabic and English: real figures
from the databases, the latest releases with their dates, themes with their
counts (empty themes never featured), no CKAN placeholder text."""

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

from ckan.tests import factories, helpers

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "validation" / "population-2024"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets datatables_view activity"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.ckan_config("ckan.views.default_views", "datatables_view casa_map"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "with_activity", "clean_index"),
]

# What CKAN's own home and About pages say, in any of our languages.
PLACEHOLDERS = ("Bienvenue sur CKAN", "Welcome to CKAN", "420 x 220", "Ceci est une section", "This is a featured",
                "Lorem ipsum", "CKAN is the world", "CKAN est la plateforme", "placeholder-420x220")


def _referentials() -> int:
    try:
        return len(helpers.call_action("casa_referential_list"))
    except Exception:  # noqa: BLE001 - no référentiel table in this datastore: none loaded
        return 0


@pytest.fixture()
def published(tmp_path: Path, throwaway_slug: Any, dataset_file: Any) -> dict[str, Any]:
    """A census dataset published by the real pipeline, with its CKAN entry."""
    url = os.environ["CASA_DATASTORE_URL"]
    slug = throwaway_slug(url, "test-home")
    spec = load_spec(dataset_file(tmp_path, slug), root=REPO)
    factories.Organization(name=spec.ckan.organization)
    theme = factories.Group(name=spec.ckan.theme, extras=[{"key": "title_en", "value": "Territory and population"}])
    factories.Group(name="mobilite", title="Mobilité (transports, stationnement)")  # empty theme
    ingest(spec, EXAMPLES / "valid.csv", url)
    publish(spec, url, catalogue=lambda spec, conn, release, table: catalogue.sync(
        spec, conn, release, table_resource_id(spec.slug), None, "http://test.ckan.net"))
    return {"slug": slug, "title": spec.ckan.title, "theme": theme}


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_home_page_shows_what_the_platform_holds(app: Any, published: dict[str, Any], lang: str) -> None:
    body = app.get(f"/{lang}/", status=200).body
    for text in PLACEHOLDERS:
        assert text not in body
    title = published["title"]["ar" if lang == "ar" else "fr"]
    releases = body[body.index('class="col-md-7 casa-home-releases"'):]
    assert title in releases[:3000]
    # The release's date, as CKAN renders dates in the page's language.
    assert re.search(r"20\d\d", releases[:3000])
    # Real figures: one dataset, one release, the référentiels loaded (if another suite loaded them).
    figures = body[body.index('class="casa-figures"'):body.index("</ul>", body.index('class="casa-figures"'))]
    assert re.findall(r"<strong>(\d+)</strong>", figures) == ["1", str(_referentials()), "1"]
    # The theme holding the dataset, with its count; the empty theme is never featured.
    themes = body[body.index('class="casa-home-themes"'):]
    assert f'/group/{published["theme"]["name"]}"' in themes and "/group/mobilite" not in themes
    # The search box searches the datasets.
    assert re.search(r'<form class="casa-home-search"[^>]*action="(/\w\w)?/dataset/"', body)


def test_home_page_theme_titles_in_the_page_language(app: Any, published: dict[str, Any]) -> None:
    english = app.get("/en/", status=200).body
    assert "Territory and population" in english


@pytest.mark.parametrize(("lang", "heading", "cite"), [
    ("fr", "À propos de Casa Urban Data", "Comment citer une version"),
    ("ar", "حول Casa Urban Data", "كيف تستشهد بإصدار"),
    ("en", "About Casa Urban Data", "How to cite a release"),
])
def test_about_page_is_ours(app: Any, published: dict[str, Any], lang: str, heading: str, cite: str) -> None:
    body = app.get(f"/{lang}/about", status=200).body
    assert heading in body and cite in body
    for text in PLACEHOLDERS:
        assert text not in body
    # The citation example is the latest real release: its address and fingerprint.
    assert f"/donnees/{published['slug']}/1/" in body and "sha256" in body
    assert "/api/3/action/package_search" in body


@pytest.mark.parametrize(("lang", "label"), [("fr", "Référentiels"), ("ar", "المرجعيات"), ("en", "Reference data")])
def test_main_menu_leads_to_the_referentials_next_to_the_datasets(app: Any, lang: str, label: str) -> None:
    body = app.get(f"/{lang}/dataset/", status=200).body
    menu = body[body.index('id="main-navigation-toggle"'):]
    menu = menu[:menu.index("</ul>")]
    links = re.findall(r'<a href="([^"]+)">([^<]+)</a>', menu)
    assert links[1] == (f"/{lang}/referentiels/", label)
    assert links[0][0] == f"/{lang}/dataset/"
