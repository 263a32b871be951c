"""Bulk actions on the territorial référentiel: recode a list of codes
(casa_unit_recode) and roll a census indicator up to a level
(casa_unit_aggregate)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.casa.logic import referential_aggregate, referential_recode, schema
from ckanext.casa.logic.referential_db import SCHEMA, TERRITORIAL, connect, rows
from ckanext.casa.logic.referential_lookup import validate_input
from ckanext.casa.logic.referential_messages import message


def _day(conn: Any, data: dict[str, Any]) -> str:
    """The date to project onto: ``as_of``, or the first day of version ``to``."""
    if data.get("to"):
        found = rows(
            conn,
            f"SELECT valid_from FROM {SCHEMA}.version WHERE referential = :r AND label = :l",
            r=TERRITORIAL,
            l=data["to"],
        )
        if not found:
            labels = [r["label"] for r in rows(
                conn, f"SELECT label FROM {SCHEMA}.version WHERE referential = :r ORDER BY valid_from",
                r=TERRITORIAL)]
            raise tk.ValidationError(
                {"to": [message("unknown_version", value=repr(data["to"])[:40], labels=", ".join(labels))]}
            )
        return found[0]["valid_from"].isoformat()
    return data.get("as_of") or dt.date.today().isoformat()


@tk.side_effect_free
def casa_unit_recode(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Codes of any version projected onto the coding of another version (or
    of a date): unchanged, recoded (renumbered), merged (several old codes now
    one), split (several successors, ``ambiguous: true``: never a silent
    pick), retired (no successor), unknown or malformed (listed with their
    row in ``unknown``). Backward too: a code recoded to a version before it
    existed gives the codes it came from.

    :param codes: the codes, a list (JSON) or a text separated by commas or
        spaces; at most 10,000
    :type codes: list of strings
    :param to: label of the target version, e.g. ``2024``
    :type to: string
    :param as_of: or a date ``YYYY-MM-DD`` (default today)
    :type as_of: string
    :rtype: dictionary with ``results`` (one per code, in order, with ``row``),
        ``counts`` by status and ``unknown``
    """
    data = validate_input(context, data_dict, schema.unit_recode(), "casa_unit_recode")
    with connect() as conn:
        day = _day(conn, data)
        out = referential_recode.recode(conn, data["codes"], day)
    if data.get("to"):
        out["to"] = data["to"]
    return out


@tk.side_effect_free
def casa_unit_aggregate(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A census indicator rolled up to a level as of a date: for each unit of
    that level, the sum over the finest units inside it (communes, or
    arrondissements for the préfectures d'arrondissements and the communes
    divided into arrondissements), beside the figure the census published
    for the unit (``published``) and whether they agree (``agrees``). The
    préfectures d'arrondissements are a second partition of Casablanca and
    are never summed into a région.

    :param indicator: ``population`` or ``households``
    :type indicator: string
    :param level: the level to roll up to (region, province, prefecture, prefecture_arrondissements, cercle, commune)
    :type level: string
    :param as_of: date ``YYYY-MM-DD`` (optional, default today)
    :type as_of: string
    :param parent: only this unit and the units inside it (code, optional)
    :type parent: string
    :rtype: dictionary with ``units``, ``total``, ``published_total`` and ``disagreements``
    """
    data = validate_input(context, data_dict, schema.unit_aggregate(), "casa_unit_aggregate")
    day = data.get("as_of") or dt.date.today().isoformat()
    with connect() as conn:
        return referential_aggregate.aggregate(
            conn, data["indicator"], data["level"], day, data.get("parent")
        )
