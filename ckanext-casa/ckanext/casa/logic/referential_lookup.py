"""Actions that look territorial units up: by code as of a date, by name, and
the history of a code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.casa.logic import schema
from ckanext.casa.logic.referential_db import (
    SCHEMA,
    TERRITORIAL,
    connect,
    fetch_all,
    jsonable,
    rows,
)

UNIT_COLUMNS = "code, level, name_fr, name_ar, parent_code, population, attributes, valid_from, valid_to"
VALID_AT = "valid_from <= :d AND (valid_to IS NULL OR valid_to > :d)"
# Successor links: what a code became when it stopped being valid.
FORWARD = ("renumbered", "merged", "split")


def validate_input(
    context: Context, data_dict: DataDict, input_schema: Any, action: str
) -> DataDict:
    tk.check_access(action, context, data_dict)
    data, errors = tk.navl_validate(data_dict, input_schema, context)
    if errors:
        raise tk.ValidationError(errors)
    return data


def unit_dict(row: dict[str, Any]) -> dict[str, Any]:
    out = jsonable(row)
    attributes = out.pop("attributes", None) or {}
    out.update({k: v for k, v in attributes.items() if k not in out})
    return out


def _at(conn: sa.Connection, code: str, day: str) -> dict[str, Any] | None:
    found = rows(
        conn,
        f"SELECT {UNIT_COLUMNS} FROM {SCHEMA}.unit WHERE referential = :r AND code = :c AND {VALID_AT}",
        r=TERRITORIAL,
        c=code,
        d=day,
    )
    return found[0] if found else None


def _events(conn: sa.Connection, code: str) -> list[dict[str, Any]]:
    return [
        jsonable(e)
        for e in rows(
            conn,
            f"SELECT e.kind, e.predecessor_code, e.successor_code, e.occurred_on, e.note, v.label AS version "
            f"FROM {SCHEMA}.event e JOIN {SCHEMA}.version v ON v.id = e.version_id "
            "WHERE e.referential = :r AND (e.predecessor_code = :c OR e.successor_code = :c) "
            "ORDER BY e.occurred_on, e.id",
            r=TERRITORIAL,
            c=code,
        )
    ]


def _span(conn: sa.Connection, code: str) -> dict[str, Any]:
    return rows(
        conn,
        f"SELECT min(valid_from) AS start, max(valid_to) AS stop, bool_or(valid_to IS NULL) AS open "
        f"FROM {SCHEMA}.unit WHERE referential = :r AND code = :c",
        r=TERRITORIAL,
        c=code,
    )[0]


def _successors(conn: sa.Connection, code: str, day: str, depth: int = 0) -> list[str]:
    """Codes valid on ``day`` that ``code`` became, following renumberings,
    merges and splits forward in time."""
    found: list[str] = []
    for successor in _forward(conn, code, day):
        if _at(conn, successor, day):
            found.append(successor)
        elif depth < 5:
            found += _successors(conn, successor, day, depth + 1)
    return sorted(set(found))


def _forward(conn: sa.Connection, code: str, day: str) -> list[str]:
    found = rows(
        conn,
        f"SELECT DISTINCT successor_code FROM {SCHEMA}.event WHERE referential = :r AND predecessor_code = :c "
        "AND kind = ANY(:kinds) AND occurred_on <= :d AND successor_code <> :c",
        r=TERRITORIAL,
        c=code,
        kinds=list(FORWARD),
        d=day,
    )
    return [r["successor_code"] for r in found]


_NAMES = (
    "'code', {p}code, 'level', {p}level, 'name_fr', {p}name_fr, 'name_ar', {p}name_ar"
)
# Everything around a unit in one round trip: the parent chain (each parent as
# valid on the same day), the children, the code's validity span and its events.
DESCRIBE = f"""
SELECT
  (WITH RECURSIVE chain AS (
     SELECT code, level, name_fr, name_ar, parent_code, 1 AS depth FROM {SCHEMA}.unit
     WHERE referential = :r AND code = :p AND {VALID_AT}
     UNION ALL
     SELECT u.code, u.level, u.name_fr, u.name_ar, u.parent_code, c.depth + 1
     FROM {SCHEMA}.unit u JOIN chain c ON u.code = c.parent_code
     WHERE u.referential = :r AND u.valid_from <= :d AND (u.valid_to IS NULL OR u.valid_to > :d)
       AND c.depth < 8)
   SELECT coalesce(json_agg(json_build_object({_NAMES.format(p="")}) ORDER BY depth), '[]') FROM chain
  ) AS parents,
  (SELECT coalesce(json_agg(json_build_object({_NAMES.format(p="")}, 'population', population)
     ORDER BY code), '[]')
   FROM {SCHEMA}.unit WHERE referential = :r AND {VALID_AT}
     AND (parent_code = :c OR attributes->>'prefecture_arrondissements_code' = :c)) AS children,
  (SELECT min(valid_from) FROM {SCHEMA}.unit WHERE referential = :r AND code = :c) AS start,
  (SELECT CASE WHEN bool_or(valid_to IS NULL) THEN NULL ELSE max(valid_to) END
   FROM {SCHEMA}.unit WHERE referential = :r AND code = :c) AS stop,
  (SELECT coalesce(json_agg(json_build_object('kind', e.kind, 'predecessor_code', e.predecessor_code,
     'successor_code', e.successor_code, 'occurred_on', e.occurred_on, 'note', e.note, 'version', v.label)
     ORDER BY e.occurred_on, e.id), '[]')
   FROM {SCHEMA}.event e JOIN {SCHEMA}.version v ON v.id = e.version_id
   WHERE e.referential = :r AND (e.predecessor_code = :c OR e.successor_code = :c)) AS events
"""


# The second partition of a territory: the préfectures d'arrondissements
# divide the commune of Casablanca inside its préfecture; their sum is never
# added to the préfecture's other subdivisions.
SECOND_PARTITION = {"prefecture_arrondissements": "prefectures_arrondissements"}


def partitions(unit: dict[str, Any], children: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The children grouped by partition, each saying whether it covers the
    unit: its population adds up to the unit's own figure."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for child in children:
        groups.setdefault(SECOND_PARTITION.get(child["level"], "subdivisions"), []).append(child)
    out = []
    for name, members in groups.items():
        figures = [c.get("population") for c in members]
        total = sum(f for f in figures if f is not None) if None not in figures else None
        published = unit.get("population")
        out.append(
            {
                "partition": name,
                "levels": sorted({c["level"] for c in members}),
                "count": len(members),
                "population": total,
                "covers": None if total is None or published is None else total == published,
                "codes": [c["code"] for c in members],
            }
        )
    return out


def _describe(conn: sa.Connection, row: dict[str, Any], day: str) -> dict[str, Any]:
    unit = unit_dict(row)
    code = row["code"]
    around = rows(
        conn, DESCRIBE, r=TERRITORIAL, c=code, p=row.get("parent_code") or "", d=day
    )[0]
    unit["parents"] = around["parents"]
    unit["children"] = around["children"]
    unit["partitions"] = partitions(unit, around["children"])
    unit["code_valid_from"] = around["start"].isoformat()
    unit["code_valid_to"] = around["stop"].isoformat() if around["stop"] else None
    events = around["events"]
    unit["predecessors"] = [
        e for e in events if e["successor_code"] == code and e["predecessor_code"]
    ]
    unit["successors"] = [
        e
        for e in events
        if e["predecessor_code"] == code
        and e["successor_code"]
        and e["successor_code"] != code
    ]
    unit["as_of"] = day
    return unit


@tk.side_effect_free
def casa_unit_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """The territorial unit a code designated on a date, with its parents,
    children, validity and the codes before and after it. A code that had been
    replaced by that date answers with its successor(s) and says so.

    :param code: HCP code, e.g. ``06.141.01.0`` (Casablanca)
    :type code: string
    :param as_of: date ``YYYY-MM-DD`` (optional, default today)
    :type as_of: string
    :rtype: dictionary
    """
    data = validate_input(context, data_dict, schema.unit_show(), "casa_unit_show")
    code, day = data["code"], data.get("as_of") or dt.date.today().isoformat()
    with connect() as conn:
        row = _at(conn, code, day)
        if row:
            return dict(_describe(conn, row, day), resolved_from=None)
        history = _span(conn, code)
        if history["start"] is None:
            raise tk.ObjectNotFound(
                f"Code inconnu : {code} n'existe dans aucune version du référentiel."
            )
        if day < history["start"].isoformat():
            raise tk.ObjectNotFound(
                f"Le code {code} n'existait pas le {day} : il est valide à partir du "
                f"{history['start'].isoformat()}."
            )
        successors = _successors(conn, code, day)
        if not successors:
            raise tk.ObjectNotFound(
                f"Le code {code} a été retiré le {history['stop'].isoformat()} sans successeur."
            )
        return {
            "resolved_from": code,
            "code_valid_to": history["stop"].isoformat(),
            "message": f"Le code {code} n'est plus valide depuis le {history['stop'].isoformat()} ; "
            f"au {day} il correspond à : {', '.join(successors)}.",
            "as_of": day,
            "successors": [
                _describe(conn, _at(conn, s, day) or {}, day) for s in successors
            ],
        }


@tk.side_effect_free
def casa_unit_history(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Every state of a code across versions, and the events that created,
    renamed, renumbered, merged, split or retired it.

    :param code: HCP code
    :type code: string
    :rtype: dictionary with ``states`` and ``events``
    """
    data = validate_input(
        context, data_dict, schema.unit_history(), "casa_unit_history"
    )
    code = data["code"]
    states = fetch_all(
        f"SELECT {', '.join('u.' + c for c in UNIT_COLUMNS.split(', '))}, vf.label AS version_from, vt.label AS version_to FROM {SCHEMA}.unit u "
        f"JOIN {SCHEMA}.version vf ON vf.id = u.version_from LEFT JOIN {SCHEMA}.version vt ON vt.id = u.version_to "
        "WHERE u.referential = :r AND u.code = :c ORDER BY u.valid_from",
        r=TERRITORIAL,
        c=code,
    )
    if not states:
        raise tk.ObjectNotFound(
            f"Code inconnu : {code} n'existe dans aucune version du référentiel."
        )
    with connect() as conn:
        events = _events(conn, code)
    return {"code": code, "states": [unit_dict(s) for s in states], "events": events}
