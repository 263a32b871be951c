"""ckanext-casa's gettext catalogues (i18n/<fr|ar|en>/LC_MESSAGES/ckanext-casa.po):
complete in the three languages, compiled, and merged over CKAN's own."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import ckan

import ckanext.casa

I18N = Path(ckanext.casa.__file__).parent / "i18n"
CKAN_I18N = Path(ckan.__file__).parent / "i18n"
LANGS = ("fr", "ar", "en")


def _po(lang: str):
    with (I18N / lang / "LC_MESSAGES" / "ckanext-casa.po").open("rb") as handle:
        return read_po(handle, locale=lang)


def _messages(catalog) -> dict:
    """msgid -> msgstr; plural messages as tuples (read_mo gives lists)."""
    def key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {key(m.id): key(m.string) for m in catalog if m.id}


def test_every_catalogue_has_the_same_messages() -> None:
    ids = {lang: set(_messages(_po(lang))) for lang in LANGS}
    assert ids["fr"], "the French catalogue is empty"
    for lang in ("ar", "en"):
        assert ids[lang] == ids["fr"], (
            f"{lang} lacks {sorted(ids['fr'] - ids[lang])[:5]}, has extra {sorted(ids[lang] - ids['fr'])[:5]}")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_message_is_translated_and_none_is_fuzzy(lang: str) -> None:
    catalog = _po(lang)
    untranslated = [m.id for m in catalog if m.id and not (all(m.string) if m.pluralizable else m.string)]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated, f"{lang}: no translation for {untranslated[:5]}"
    assert not fuzzy, f"{lang}: fuzzy (unchecked) translations {fuzzy[:5]}"


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_plural_forms_are_ckan_s(lang: str) -> None:
    """Flask-Babel merges the catalogues and keeps the plural rule of the
    last one, ours: a different rule would pick the wrong form of CKAN's
    own plural messages."""
    with (CKAN_I18N / lang / "LC_MESSAGES" / "ckan.po").open("rb") as handle:
        theirs = read_po(handle, locale=lang)
    ours = _po(lang)
    assert (ours.num_plurals, ours.plural_expr) == (theirs.num_plurals, theirs.plural_expr)


@pytest.mark.parametrize("lang", LANGS)
def test_compiled_catalogue_matches_its_source(lang: str) -> None:
    mo = I18N / lang / "LC_MESSAGES" / "ckanext-casa.mo"
    assert mo.exists(), f"{mo.name} of {lang} is not compiled: run `make translations`"
    with mo.open("rb") as handle:
        compiled = _messages(read_mo(handle))
    wanted = {k: v for k, v in _messages(_po(lang)).items() if (all(v) if isinstance(v, tuple) else v)}
    assert compiled == wanted, f"{mo} is older than its .po: run `make translations`"
