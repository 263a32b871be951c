"""The portal's pages render from the PostgreSQL backend, with the portal's
own plugins and dataset schema (ckanext-scheming needs an organization)."""

from __future__ import annotations

import re

import pytest

from ckan.tests import factories

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]


@pytest.fixture
def portal() -> dict[str, dict]:
    mobility = factories.Organization(name="direction-mobilite", title="Direction de la mobilité")
    schools = factories.Organization(name="direction-education", title="Direction de l'éducation")
    factories.Organization(name="sans-donnees", title="Sans données")
    theme = factories.Group(name="mobilite", title="Mobilité")
    return {
        "bus": factories.Dataset(
            name="lignes-bus",
            title="Lignes de bus",
            title_ar="خطوط الحافلات",
            owner_org=mobility["id"],
            groups=[{"name": theme["name"]}],
            tags=[{"name": "transport"}],
        ),
        "tram": factories.Dataset(
            name="stations-tram",
            title="Stations du tramway",
            owner_org=mobility["id"],
            groups=[{"name": theme["name"]}],
            tags=[{"name": "transport"}, {"name": "tramway"}],
        ),
        "schools": factories.Dataset(
            name="ecoles",
            title="Écoles primaires",
            owner_org=schools["id"],
            tags=[{"name": "education"}],
        ),
        "private": factories.Dataset(
            name="brouillon-interne",
            title="Note interne",
            owner_org=schools["id"],
            private=True,
        ),
    }


def dataset_links(html: str) -> set[str]:
    return set(re.findall(r'href="(?:/[a-z]{2})?/dataset/([a-z0-9_-]+)"', html))


def facet_counts(html: str) -> dict[str, int]:
    """``{"tags=transport": 2, ...}`` from the facet lists of a search page."""
    items = re.findall(
        r'href="[^"]*?\?([a-z_]+=[^"&]+)"[^>]*>\s*<span class="item-label">.*?'
        r'<span class="item-count badge">(\d+)</span>',
        html,
        flags=re.DOTALL,
    )
    return {param: int(count) for param, count in items}


def get(app, url: str, **kwargs) -> str:
    response = app.get(url, **kwargs)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


class TestDatasetSearchPage:
    def test_lists_public_datasets_with_facets(self, app, portal):
        html = get(app, "/en/dataset/")
        assert dataset_links(html) >= {"lignes-bus", "stations-tram", "ecoles"}
        assert "brouillon-interne" not in html
        assert "3 datasets found" in html
        facets = facet_counts(html)
        assert facets["organization=direction-mobilite"] == 2
        assert facets["organization=direction-education"] == 1  # the private one is hidden
        assert facets["tags=transport"] == 2
        assert facets["tags=tramway"] == 1
        assert facets["groups=mobilite"] == 2

    def test_free_text_query_folds_accents(self, app, portal):
        html = get(app, "/en/dataset/", query_string={"q": "ecoles"})
        assert dataset_links(html) == {"ecoles"}
        assert "1 dataset found" in html

    def test_arabic_query_on_the_arabic_title(self, app, portal):
        html = get(app, "/en/dataset/", query_string={"q": "الحافلات"})
        assert dataset_links(html) == {"lignes-bus"}

    def test_tag_filter(self, app, portal):
        html = get(app, "/en/dataset/", query_string={"tags": "tramway"})
        assert dataset_links(html) == {"stations-tram"}

    def test_organization_and_group_filters_combine(self, app, portal):
        html = get(
            app,
            "/en/dataset/",
            query_string={"organization": "direction-mobilite", "groups": "mobilite", "tags": "transport"},
        )
        assert dataset_links(html) == {"lignes-bus", "stations-tram"}

    @pytest.mark.parametrize("sort", ["title_string asc", "name desc", "metadata_modified desc"])
    def test_sort_orders(self, app, portal, sort):
        html = get(app, "/en/dataset/", query_string={"sort": sort})
        order = re.findall(r'class="dataset-heading">\s*<a href="(?:/en)?/dataset/([a-z0-9_-]+)"', html)
        assert sorted(order) == ["ecoles", "lignes-bus", "stations-tram"]
        if sort == "title_string asc":
            assert order == ["ecoles", "lignes-bus", "stations-tram"]  # É among the E's
        if sort == "name desc":
            assert order == ["stations-tram", "lignes-bus", "ecoles"]

    @pytest.mark.parametrize(
        "params",
        [{"q": 'title:"unbalanced'}, {"q": "{!lucene}x"}, {"q": "(ecoles"}, {"page": "9999"}],
    )
    def test_bad_input_is_a_page_not_a_server_error(self, app, portal, params):
        get(app, "/en/dataset/", query_string=params)

    def test_malformed_sort_is_a_bad_request_as_in_ckan(self, app, portal):
        # CKAN's search view answers a SearchQueryError with 400 (to turn
        # away crawlers); a server error would be our bug.
        app.get("/en/dataset/", query_string={"sort": "name"}, status=400)


class TestHomePage:
    def test_home_page_renders(self, app, portal):
        html = get(app, "/en/")
        assert "<html" in html


class TestOrganizationAndGroupPages:
    def test_organization_page_lists_its_datasets(self, app, portal):
        html = get(app, "/en/organization/direction-mobilite")
        assert dataset_links(html) >= {"lignes-bus", "stations-tram"}
        assert "ecoles" not in dataset_links(html)
        assert "2 datasets found" in html

    def test_organization_page_search(self, app, portal):
        html = get(app, "/en/organization/direction-mobilite", query_string={"q": "tramway"})
        assert dataset_links(html) == {"stations-tram"}

    def test_group_page_lists_its_datasets(self, app, portal):
        html = get(app, "/en/group/mobilite")
        assert dataset_links(html) >= {"lignes-bus", "stations-tram"}
        assert "2 datasets found" in html

    def test_organization_list_shows_dataset_counts(self, app, portal):
        html = get(app, "/en/organization/")
        counts = dict(
            re.findall(
                r'<h2 class="media-heading">([^<]+)</h2>.*?class="count">(\d+) Datasets?<',
                html.replace("&#39;", "'"),
                flags=re.DOTALL,
            )
        )
        # An anonymous visitor's counts leave the private dataset out.
        assert counts == {
            "Direction de la mobilité": "2",
            "Direction de l'éducation": "1",
            "Sans données": "0",
        }

    def test_group_list_shows_dataset_counts(self, app, portal):
        html = get(app, "/en/group/")
        assert re.search(r"Mobilit.*?class=\"count\">2 Datasets<", html, flags=re.DOTALL)
