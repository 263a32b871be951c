"""Input schemas of the casa actions (référentiels)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Schema

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


def unit_code(value: Any) -> str:
    value = str(value or "").strip()
    if not CODE.match(value):
        raise tk.Invalid(
            f"Code mal formé : {value!r}. Attendu un code HCP RR, RR.PPP, RR.PPP.CC ou RR.PPP.CC.NN "
            "(par exemple 06.141.01.0 pour Casablanca)."
        )
    return value


def iso_date(value: Any) -> str:
    if isinstance(value, dt.date):
        parsed = value if not isinstance(value, dt.datetime) else value.date()
    else:
        try:
            parsed = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            raise tk.Invalid(
                f"Date illisible : {value!r}. Attendu AAAA-MM-JJ, par exemple 2020-01-01."
            )
    if not EARLIEST <= parsed <= LATEST:
        raise tk.Invalid(
            f"Date hors limites : {parsed}. Attendu entre {EARLIEST} et {LATEST}."
        )
    return parsed.isoformat()


def unit_level(value: Any) -> str:
    if value not in LEVELS:
        raise tk.Invalid(
            f"Niveau inconnu : {value!r}. Niveaux possibles : {', '.join(LEVELS)}."
        )
    return value


def _base() -> tuple[Any, Any, Any, Any]:
    v = tk.get_validator
    return v("ignore_missing"), v("not_empty"), v("unicode_safe"), v("int_validator")


def referential_show() -> Schema:
    ignore_missing, not_empty, unicode_safe, _ = _base()
    return {
        "name": [not_empty, unicode_safe],
        "version": [ignore_missing, unicode_safe],
    }


def unit_show() -> Schema:
    ignore_missing, not_empty, unicode_safe, _ = _base()
    return {
        "code": [not_empty, unicode_safe, unit_code],
        "as_of": [ignore_missing, iso_date],
    }


def unit_history() -> Schema:
    _, not_empty, unicode_safe, _ = _base()
    return {"code": [not_empty, unicode_safe, unit_code]}


def unit_search() -> Schema:
    ignore_missing, not_empty, unicode_safe, int_validator = _base()
    v = tk.get_validator
    return {
        "q": [not_empty, unicode_safe],
        "level": [ignore_missing, unicode_safe, unit_level],
        "parent": [ignore_missing, unicode_safe, unit_code],
        "as_of": [ignore_missing, iso_date],
        "limit": [
            ignore_missing,
            int_validator,
            v("natural_number_validator"),
            v("limit_to_configured_maximum")("", 100),
        ],
    }


def referential_diff() -> Schema:
    _, not_empty, unicode_safe, _ = _base()
    return {
        "name": [not_empty, unicode_safe],
        "from_version": [not_empty, unicode_safe],
        "to_version": [not_empty, unicode_safe],
    }
