"""Messages of the référentiel actions and pages, in the request's language.

The language is the one of the page (``/ar/…``, ``/en/…``, French by default);
an API call without a language prefix may say which it wants with the
``Accept-Language`` header (pages do not: a page's language is its address). The texts live here, in the three languages, until
the extension's gettext catalogues carry them.
"""

from __future__ import annotations

from typing import Any

LANGS = ("fr", "ar", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "not_text": {
        "fr": "Attendu un texte, reçu {kind}.",
        "ar": "المنتظر نص، والمستلم {kind}.",
        "en": "Expected a text, got {kind}.",
    },
    "nul": {
        "fr": "Caractère NUL (\\x00) interdit.",
        "ar": "الحرف NUL (\\x00) غير مسموح به.",
        "en": "NUL character (\\x00) not allowed.",
    },
    "too_long": {
        "fr": "Trop long : {size} caractères, au plus {limit}.",
        "ar": "طويل جدا: {size} حرفا، والحد الأقصى {limit}.",
        "en": "Too long: {size} characters, at most {limit}.",
    },
    "bad_code": {
        "fr": "Code mal formé : {value}. Attendu un code HCP RR, RR.PPP, RR.PPP.CC ou RR.PPP.CC.NN "
        "(par exemple 06.141.01.0 pour Casablanca).",
        "ar": "رمز غير صحيح: {value}. المنتظر رمز المندوبية RR أو RR.PPP أو RR.PPP.CC أو RR.PPP.CC.NN "
        "(مثلا 06.141.01.0 للدار البيضاء).",
        "en": "Malformed code: {value}. Expected an HCP code RR, RR.PPP, RR.PPP.CC or RR.PPP.CC.NN "
        "(for example 06.141.01.0 for Casablanca).",
    },
    "bad_date": {
        "fr": "Date illisible : {value}. Attendu AAAA-MM-JJ, par exemple 2020-01-01.",
        "ar": "تاريخ غير مقروء: {value}. المنتظر YYYY-MM-DD، مثلا 2020-01-01.",
        "en": "Unreadable date: {value}. Expected YYYY-MM-DD, for example 2020-01-01.",
    },
    "date_range": {
        "fr": "Date hors limites : {value}. Attendu entre {low} et {high}.",
        "ar": "تاريخ خارج الحدود: {value}. المنتظر بين {low} و {high}.",
        "en": "Date out of range: {value}. Expected between {low} and {high}.",
    },
    "bad_level": {
        "fr": "Niveau inconnu : {value}. Niveaux possibles : {levels}.",
        "ar": "مستوى غير معروف: {value}. المستويات الممكنة: {levels}.",
        "en": "Unknown level: {value}. Possible levels: {levels}.",
    },
    "empty_query": {
        "fr": "Recherche vide : donnez un nom ou le début d'un code.",
        "ar": "بحث فارغ: أدخل اسما أو بداية رمز.",
        "en": "Empty search: give a name or the beginning of a code.",
    },
    "bad_path": {
        "fr": "Adresse invalide : {value}.",
        "ar": "عنوان غير صالح: {value}.",
        "en": "Invalid address: {value}.",
    },
}


def request_lang() -> str:
    """The language of the current request, ``fr`` outside a request."""
    try:
        from flask import has_request_context, request

        import ckan.plugins.toolkit as tk

        if not has_request_context():
            return "fr"
        lang = tk.h.lang() or "fr"
        # Pages follow their address; an API call without a prefix may ask.
        if request.path.startswith("/api/") and request.environ.get(
            "CKAN_LANG_IS_DEFAULT", True
        ):
            best = request.accept_languages.best_match(LANGS)
            lang = best or lang
        return lang if lang in LANGS else "fr"
    except (ImportError, RuntimeError):
        return "fr"


def message(key: str, **values: Any) -> str:
    return MESSAGES[key][request_lang()].format(**values)
