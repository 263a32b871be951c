"""casa_unit_search finds what people type: the spellings of issue 12, on
the real HCP data."""

from __future__ import annotations

import pytest

from ckan.tests import helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("with_plugins", "referentials_loaded"),
]


def first(q: str, **filters) -> list[str]:
    found = helpers.call_action(
        "casa_unit_search", context={"ignore_auth": False, "user": ""}, q=q, limit=3, **filters
    )
    return [r["code"] for r in found["results"]]


@pytest.mark.parametrize(
    "q, level, code",
    [
        ("Mohammedia", "commune", "06.371.01.01"),  # HCP: Mohammadia
        ("El Maarif", "arrondissement", "06.141.01.03"),  # HCP: Maârif
        ("Ben Msick", "arrondissement", "06.141.01.61"),  # HCP: Ben-M'sick
        ("Eljadida", "commune", "06.181.01.03"),  # HCP: El Jadida
        ("ابن امسيك", "arrondissement", "06.141.01.61"),  # HCP: ابن مسيك
        ("Tangier", "commune", "01.511.01.0"),  # English exonym of Tanger
        ("Marrakesh", "commune", "07.351.01.0"),
        ("Moulay Abdallah", "commune", "06.181.05.01"),  # HCP: My Abdellah
        ("Casablanka", "commune", "06.141.01.0"),  # one-letter typo
        ("بوذنيب", "commune", "08.201.01.03"),  # ذ for د
    ],
)
def test_finds_the_spellings_people_type(q: str, level: str, code: str) -> None:
    assert first(q, level=level)[:1] == [code]


def test_exact_name_first_then_population() -> None:
    # "Anfa" is the arrondissement's own name: first, before any close name.
    assert first("Anfa")[0] == "06.141.01.01"
    # Three communes are named Oulad Aissa: equally close, the most populated first.
    assert first("Ouled Aissa", level="commune") == ["06.181.05.03", "09.541.04.33", "05.311.07.13"]
    # A word shared by many names finds them all.
    found = helpers.call_action("casa_unit_search", q="sidi", level="commune", limit=100)
    assert found["count"] > 50
    names = [r["name_fr"].lower() for r in found["results"]]
    assert all("sidi" in n for n in names[:10]), names[:10]
