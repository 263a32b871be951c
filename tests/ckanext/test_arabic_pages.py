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
        owner_org=org["id"],
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
    # The heading itself, not only the "title in Arabic" row of the details table.
    assert re.search(r"<h1[^>]*>\s*السكان حسب المقاطعة", arabic)
    assert not re.search(r"<h1[^>]*>\s*Population par arrondissement", arabic)
    french = app.get("/dataset/population-test", status=200).body
    assert "Population par arrondissement" in french and "Population légale au recensement." in french
    assert "Version 1 (CSV)" in french and "Version 1, publiée le 2026-11-22." in french
    assert "نُشر في" not in french


def test_search_results_in_arabic(app, dataset) -> None:
    arabic = app.get("/ar/dataset/", status=200).body
    assert "السكان حسب المقاطعة" in arabic and "السكان القانونيون حسب الإحصاء." in arabic
    french = app.get("/dataset/", status=200).body
    assert "Population par arrondissement" in french and "السكان حسب المقاطعة" not in french
