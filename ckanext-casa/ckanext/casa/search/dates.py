"""Solr dates and date math, in one text form that sorts like time.

CKAN writes ``metadata_modified`` as ``datetime.isoformat() + "Z"``, which
drops the fraction when it is zero, and Solr range bounds may be written
with or without one. Compared as text, ``...:00.5Z`` would sort before
``...:00Z``. Both stored values and bounds are therefore rewritten to
``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (UTC), where text order is time order, so
the text columns and their B-tree indexes stay usable.
"""

from __future__ import annotations

import datetime as dt
import re

from dateutil.relativedelta import relativedelta

DATE_COLUMNS = frozenset({"metadata_created", "metadata_modified"})

_CANONICAL = "%Y-%m-%dT%H:%M:%S.%fZ"
# An anchor (NOW or an ISO date) followed by Solr date math: "+3DAYS",
# "-1YEAR", "/DAY" (round down), in any number and order.
_MATH = re.compile(r"^(NOW|\d{4}-\d\d-\d\dT[\d:.]+Z)((?:[+-]\d+[A-Z]+|/[A-Z]+)*)$")
_STEP = re.compile(r"([+-])(\d+)([A-Z]+)|/([A-Z]+)")
_UNITS = {
    "YEAR": "years",
    "MONTH": "months",
    "DAY": "days",
    "DATE": "days",
    "HOUR": "hours",
    "MINUTE": "minutes",
    "SECOND": "seconds",
    "MILLI": "microseconds",
    "MILLISECOND": "microseconds",
}
_ROUND = ("years", "months", "days", "hours", "minutes", "seconds")


class DateSyntaxError(ValueError):
    """A value that is neither an ISO date nor Solr date math."""


def _unit(name: str) -> str:
    singular = name.removesuffix("S")
    if singular not in _UNITS:
        raise DateSyntaxError(f"Unknown date unit: {name!r}")
    return _UNITS[singular]


def _parse_iso(value: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise DateSyntaxError(f"Invalid date: {value!r}") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(dt.UTC).replace(tzinfo=None)
    return parsed


def _round_down(value: dt.datetime, unit: str) -> dt.datetime:
    if unit == "microseconds":
        return value
    keep = _ROUND.index(unit)
    fields = {"month": 1, "day": 1, "hour": 0, "minute": 0, "second": 0, "microsecond": 0}
    names = list(fields)[keep:]
    return value.replace(**{n: fields[n] for n in names})  # type: ignore[arg-type]  # int fields only


def evaluate(value: str, now: dt.datetime | None = None) -> dt.datetime:
    """Evaluate an ISO date or Solr date math (``NOW/DAY-30DAYS``) in UTC."""
    match = _MATH.match(value.strip())
    if not match:
        return _parse_iso(value.strip())
    anchor, steps = match.groups()
    if anchor == "NOW":
        result = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    else:
        result = _parse_iso(anchor)
    for sign, amount, unit, rounding in _STEP.findall(steps):
        if rounding:
            result = _round_down(result, _unit(rounding))
            continue
        name = _unit(unit)
        try:
            count = int(amount) * (1000 if unit.startswith("MILLI") else 1)
            delta = relativedelta(**{name: count})
            result = result + delta if sign == "+" else result - delta
        except (OverflowError, ValueError):
            # Past year 1 or 9999 (Python's dates), or a count too large
            # for any date: Solr answers these with an error too.
            raise DateSyntaxError(f"Date out of range: {value!r}") from None
    return result


def looks_like_date(value: str) -> bool:
    return value.startswith("NOW") or bool(re.match(r"^\d{4}-\d\d-\d\d", value))


def canonical(value: str | dt.datetime) -> str:
    """The text form stored and compared (see module docstring)."""
    moment = value if isinstance(value, dt.datetime) else evaluate(value)
    return moment.strftime(_CANONICAL)
