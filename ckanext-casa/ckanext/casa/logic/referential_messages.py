"""Messages of the référentiel actions, in the request's language
(ckanext-casa.po): ``/ar/api/3/action/…`` answers in Arabic, ``/en/…`` in
English, an address without a prefix in French."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

LANGS = ("fr", "ar", "en")


def _messages() -> dict[str, str]:
    _ = tk._
    return {
        "not_text": _("Expected a text, got {kind}."),
        "nul": _("NUL character (\\x00) not allowed."),
        "too_long": _("Too long: {size} characters, at most {limit}."),
        "bad_code": _(
            "Malformed code: {value}. Expected an HCP code RR, RR.PPP, RR.PPP.CC or RR.PPP.CC.NN "
            "(for example 06.141.01.0 for Casablanca)."
        ),
        "bad_date": _("Unreadable date: {value}. Expected YYYY-MM-DD, for example 2020-01-01."),
        "date_range": _("Date out of range: {value}. Expected between {low} and {high}."),
        "bad_level": _("Unknown level: {value}. Possible levels: {levels}."),
        "empty_query": _("Empty search: give a name or the beginning of a code."),
        "bad_path": _("Invalid address: {value}."),
        "not_code_list": _("Expected a list of codes (or a text of codes separated by commas)."),
        "too_many_codes": _("Too many codes: {size}, at most {limit} per call."),
        "not_one_of": _("Unknown value: {value}. Possible values: {choices}."),
        "unknown_version": _("Unknown version: {value}. Versions: {labels}."),
        "bad_number": _("Not a number: {value}."),
        "off_globe": _("Off the globe: {value}. Expected between {low} and {high}."),
        "outside_morocco": _("The point ({lat}, {lon}) is outside Morocco."),
        "no_unit_here": _(
            "No unit with boundaries contains the point ({lat}, {lon}) on {day}: boundaries are loaded "
            "for the Casablanca-Settat region only."
        ),
    }


def request_lang() -> str:
    """The language of the current page, ``fr`` outside a request."""
    try:
        lang = tk.h.lang() or "fr"
    except (AttributeError, RuntimeError, TypeError):
        return "fr"
    return lang if lang in LANGS else "fr"


def message(key: str, **values: Any) -> str:
    try:
        text = _messages()[key]
    except (AttributeError, RuntimeError, TypeError):
        # Outside a request (a script calling the action): no translator.
        text = key
    return text.format(**values)
