"""Input schemas of the casa actions (référentiels)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Schema

from ckanext.casa.logic.referential_messages import message

CODE = re.compile(r"^[0-9]{2}(\.[0-9]{3}(\.[0-9]{2}(\.[0-9]{1,2})?)?)?$")
LEVELS = (
    "region",
    "province",
    "prefecture",
    "prefecture_arrondissements",
    "cercle",
    "commune",
    "arrondissement",
)
# Before the first census coding and far in the future, a date is a typo.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2100, 12, 31)
# Longest name search: the longest unit name is under 80 characters; a longer
# query is a mistake (a pasted file), and trigram matching costs grow with it.
MAX_QUERY = 200
# Any other text parameter (codes, names, labels).
MAX_TEXT = 100


def _shown(value: str) -> str:
    """A value quoted in a message, cut so that a huge input is not echoed."""
    return repr(value if len(value) <= 40 else value[:40] + "…")


def scalar_text(limit: int) -> Any:
    """A validator: the value is one text (not a list or an object), without
    NUL characters (PostgreSQL refuses them) and at most ``limit`` characters.
    It stops the field's other validators on failure: navl would otherwise
    run them on the bad value (``int()`` of a list is a 500)."""

    def validator(key: Any, data: dict, errors: dict, context: Any) -> None:
        value = data.get(key)
        if value is tk.missing or value is None:
            return
        problem = None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            problem = message("not_text", kind=type(value).__name__)
        elif "\x00" in str(value):
            problem = message("nul")
        elif len(str(value)) > limit:
            problem = message("too_long", size=len(str(value)), limit=limit)
        if problem:
            errors[key].append(problem)
            raise tk.StopOnError
        data[key] = str(value)

    return validator


def unit_code(value: Any) -> str:
    value = str(value or "").strip()
    # fullmatch: "$" alone lets a trailing newline through.
    if not CODE.fullmatch(value):
        raise tk.Invalid(message("bad_code", value=_shown(value)))
    return value


def iso_date(value: Any) -> str:
    if isinstance(value, dt.date):
        parsed = value if not isinstance(value, dt.datetime) else value.date()
    else:
        try:
            parsed = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise tk.Invalid(message("bad_date", value=_shown(str(value))))
    if not EARLIEST <= parsed <= LATEST:
        raise tk.Invalid(
            message("date_range", value=parsed, low=EARLIEST, high=LATEST)
        )
    return parsed.isoformat()


def unit_level(value: Any) -> str:
    if value not in LEVELS:
        raise tk.Invalid(
            message("bad_level", value=_shown(str(value)), levels=", ".join(LEVELS))
        )
    return value


def _base() -> tuple[Any, Any, Any, Any]:
    v = tk.get_validator
    return v("ignore_missing"), v("not_empty"), v("unicode_safe"), v("int_validator")


def referential_show() -> Schema:
    ignore_missing, not_empty, unicode_safe, _ = _base()
    text = scalar_text(MAX_TEXT)
    return {
        "name": [not_empty, text, unicode_safe],
        "version": [ignore_missing, text, unicode_safe],
    }


def unit_show() -> Schema:
    ignore_missing, not_empty, unicode_safe, _ = _base()
    text = scalar_text(MAX_TEXT)
    return {
        "code": [not_empty, text, unicode_safe, unit_code],
        "as_of": [ignore_missing, text, iso_date],
    }


def unit_history() -> Schema:
    _, not_empty, unicode_safe, _ = _base()
    return {"code": [not_empty, scalar_text(MAX_TEXT), unicode_safe, unit_code]}


def unit_search() -> Schema:
    ignore_missing, not_empty, unicode_safe, int_validator = _base()
    v = tk.get_validator
    text = scalar_text(MAX_TEXT)
    return {
        "q": [not_empty, scalar_text(MAX_QUERY), unicode_safe],
        "level": [ignore_missing, text, unicode_safe, unit_level],
        "parent": [ignore_missing, text, unicode_safe, unit_code],
        "as_of": [ignore_missing, text, iso_date],
        "limit": [
            ignore_missing,
            text,
            int_validator,
            v("natural_number_validator"),
            v("limit_to_configured_maximum")("", 100),
        ],
    }


def referential_diff() -> Schema:
    _, not_empty, unicode_safe, _ = _base()
    text = scalar_text(MAX_TEXT)
    return {
        "name": [not_empty, text, unicode_safe],
        "from_version": [not_empty, text, unicode_safe],
        "to_version": [not_empty, text, unicode_safe],
    }


# The most codes one casa_unit_recode call takes (referential_recode.MAX_CODES).
MAX_CODES = 10_000
INDICATORS = ("population", "households")


def code_list(key: Any, data: dict, errors: dict, context: Any) -> None:
    """A list of codes (JSON), or one text of codes separated by commas,
    semicolons or spaces (a GET); at most ``MAX_CODES``, each a text of at
    most 20 characters without NUL. Malformed codes are not refused here:
    casa_unit_recode lists them with their row."""
    value = data.get(key)
    if isinstance(value, str):
        value = [c for c in value.replace(";", ",").replace(",", " ").split()]
    if not isinstance(value, list) or not value:
        errors[key].append(message("not_code_list"))
        raise tk.StopOnError
    if len(value) > MAX_CODES:
        errors[key].append(message("too_many_codes", size=len(value), limit=MAX_CODES))
        raise tk.StopOnError
    for row, code in enumerate(value, start=1):
        if isinstance(code, bool) or not isinstance(code, (str, int, float)):
            problem = message("not_text", kind=type(code).__name__)
        elif "\x00" in str(code):
            problem = message("nul")
        elif len(str(code)) > 20:
            problem = message("too_long", size=len(str(code)), limit=20)
        else:
            continue
        errors[key].append(f"{row}: {problem}")
        raise tk.StopOnError
    data[key] = [str(c) for c in value]


def one_of(choices: tuple[str, ...]) -> Any:
    def validator(value: Any) -> str:
        if value not in choices:
            raise tk.Invalid(message("not_one_of", value=_shown(str(value)), choices=", ".join(choices)))
        return value

    return validator


def unit_recode() -> Schema:
    ignore_missing, _, unicode_safe, _ = _base()
    text = scalar_text(MAX_TEXT)
    return {
        "codes": [code_list],
        "to": [ignore_missing, text, unicode_safe],
        "as_of": [ignore_missing, text, iso_date],
    }


def unit_aggregate() -> Schema:
    ignore_missing, not_empty, unicode_safe, _ = _base()
    text = scalar_text(MAX_TEXT)
    return {
        "indicator": [not_empty, text, unicode_safe, one_of(INDICATORS)],
        "level": [not_empty, text, unicode_safe, unit_level],
        "as_of": [ignore_missing, text, iso_date],
        "parent": [ignore_missing, text, unicode_safe, unit_code],
    }


def unit_locate() -> Schema:
    ignore_missing, not_empty, unicode_safe, _ = _base()
    text = scalar_text(MAX_TEXT)
    return {
        "lat": [not_empty, text, coordinate(-90.0, 90.0)],
        "lon": [not_empty, text, coordinate(-180.0, 180.0)],
        "level": [ignore_missing, text, unicode_safe, unit_level],
        "as_of": [ignore_missing, text, iso_date],
    }


def coordinate(low: float, high: float) -> Any:
    def validator(value: Any) -> float:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise tk.Invalid(message("bad_number", value=_shown(str(value))))
        if not low <= number <= high:
            raise tk.Invalid(message("off_globe", value=number, low=low, high=high))
        return number

    return validator
