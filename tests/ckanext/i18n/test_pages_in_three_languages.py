"""Our catalogue's strings reach the pages in French, Arabic and English,
and it supplies CKAN strings that CKAN's own fr and ar catalogues lack."""

from __future__ import annotations

import pytest

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("with_plugins"),
]

UNKNOWN_UNIT = {
    "fr": "Unité territoriale introuvable",
    "ar": "الوحدة الترابية غير موجودة",
    "en": "Territorial unit not found",
}


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_a_string_of_ours_in_each_language(app, lang: str) -> None:
    body = app.get(f"/{lang}/referentiels/territoire/99.999", status=404).body
    assert UNKNOWN_UNIT[lang] in body
    for other, text in UNKNOWN_UNIT.items():
        if other != lang:
            assert text not in body, f"{other} text on the {lang} page"


@pytest.mark.parametrize(("lang", "text"), [
    ("fr", "Aller au contenu principal"), ("ar", "تخطَّ إلى المحتوى الرئيسي"), ("en", "Skip to main content")])
def test_a_ckan_string_its_catalogues_lack(app, lang: str, text: str) -> None:
    body = app.get(f"/{lang}/dataset/", status=200).body
    assert text in body
    if lang != "en":
        assert "Skip to main content" not in body
