"""Actions about the référentiels themselves: list, show a version, diff two."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.casa.logic import schema
from ckanext.casa.logic.referential_db import SCHEMA, fetch_all, jsonable
from ckanext.casa.logic.referential_lookup import validate_input

VERSION_COLUMNS = "id, label, valid_from, sha256, source, row_count, published_at"
# Lists of changed codes are capped: the counts are always complete.
MAX_LISTED = 2000


def _versions(name: str) -> list[dict[str, Any]]:
    return fetch_all(
        f"SELECT {VERSION_COLUMNS} FROM {SCHEMA}.version WHERE referential = :n ORDER BY valid_from",
        n=name,
    )


def _referential(name: str) -> dict[str, Any]:
    rows = fetch_all(
        f"SELECT name, title_fr, title_ar, title_en, licence, attribution FROM {SCHEMA}.referential "
        "WHERE name = :n",
        n=name,
    )
    if not rows:
        known = [
            r["name"]
            for r in fetch_all(f"SELECT name FROM {SCHEMA}.referential ORDER BY name")
        ]
        raise tk.ObjectNotFound(
            f"Référentiel inconnu : {name!r}. Référentiels publiés : {', '.join(known) or 'aucun'}."
        )
    return rows[0]


def published(name: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The référentiel ``name`` and its versions; ObjectNotFound when it is
    unknown or has no published version yet."""
    ref = _referential(name)
    versions = _versions(ref["name"])
    if not versions:
        raise tk.ObjectNotFound(f"Aucune version publiée pour {ref['name']}.")
    return ref, versions


def _version(name: str, label: str, field: str) -> dict[str, Any]:
    for v in _versions(name):
        if v["label"] == label:
            return v
    labels = ", ".join(v["label"] for v in _versions(name))
    raise tk.ObjectNotFound(
        f"{field} : version {label!r} inconnue pour {name}. Versions : {labels}."
    )


@tk.side_effect_free
def casa_referential_list(
    context: Context, data_dict: DataDict
) -> list[dict[str, Any]]:
    """The published référentiels, each with its versions (oldest first).

    :rtype: list of dictionaries
    """
    tk.check_access("casa_referential_list", context, data_dict)
    out = []
    for ref in fetch_all(
        f"SELECT name, title_fr, title_ar, title_en, licence, attribution "
        f"FROM {SCHEMA}.referential ORDER BY name"
    ):
        versions = [
            jsonable({k: v for k, v in row.items() if k != "id"})
            for row in _versions(ref["name"])
        ]
        out.append(
            dict(
                ref,
                versions=versions,
                current_version=versions[-1]["label"] if versions else None,
            )
        )
    return out


@tk.side_effect_free
def casa_referential_show(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """A référentiel and one of its versions: counts by level, the load's
    validation report and the quirks found in the source.

    :param name: name of the référentiel, e.g. ``territorial_units``
    :type name: string
    :param version: version label (optional, default the current version)
    :type version: string
    :rtype: dictionary
    """
    data = validate_input(
        context, data_dict, schema.referential_show(), "casa_referential_show"
    )
    ref, versions = published(data["name"])
    chosen = (
        _version(ref["name"], data["version"], "version")
        if data.get("version")
        else versions[-1]
    )
    report = fetch_all(
        f"SELECT report FROM {SCHEMA}.version WHERE id = :i", i=chosen["id"]
    )[0]["report"]
    levels = fetch_all(
        f"SELECT level, count(*) AS n FROM {SCHEMA}.unit WHERE referential = :n AND valid_from <= :d "
        "AND (valid_to IS NULL OR valid_to > :d) GROUP BY level ORDER BY level",
        n=ref["name"],
        d=chosen["valid_from"],
    )
    return dict(
        ref,
        version=jsonable({k: v for k, v in chosen.items() if k != "id"}),
        versions=[v["label"] for v in versions],
        counts={r["level"]: r["n"] for r in levels},
        report=report,
    )


@tk.side_effect_free
def casa_referential_diff(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """What changed between two versions: codes created, retired, renumbered,
    renamed, merged or split (from the recorded events) and codes whose other
    fields changed, with counts.

    :param name: name of the référentiel
    :type name: string
    :param from_version: label of the older version
    :type from_version: string
    :param to_version: label of the newer version
    :type to_version: string
    :rtype: dictionary with ``counts`` and ``changes``
    """
    data = validate_input(
        context, data_dict, schema.referential_diff(), "casa_referential_diff"
    )
    ref = _referential(data["name"])
    old = _version(ref["name"], data["from_version"], "from_version")
    new = _version(ref["name"], data["to_version"], "to_version")
    if old["valid_from"] >= new["valid_from"]:
        raise tk.ValidationError(
            {
                "to_version": [
                    f"{new['label']!r} doit être postérieure à {old['label']!r} ({old['valid_from']})."
                ]
            }
        )
    events = fetch_all(
        f"SELECT kind, predecessor_code, successor_code, note FROM {SCHEMA}.event WHERE referential = :n "
        "AND occurred_on > :a AND occurred_on <= :b ORDER BY kind, predecessor_code, successor_code",
        n=ref["name"],
        a=old["valid_from"],
        b=new["valid_from"],
    )
    modified = fetch_all(
        f"SELECT a.code FROM {SCHEMA}.unit a JOIN {SCHEMA}.unit b ON a.referential = b.referential AND a.code = b.code "
        "WHERE a.referential = :n AND a.valid_from <= :a AND (a.valid_to IS NULL OR a.valid_to > :a) "
        "AND b.valid_from <= :b AND (b.valid_to IS NULL OR b.valid_to > :b) AND a.id <> b.id "
        "AND a.name_fr IS NOT DISTINCT FROM b.name_fr AND a.name_ar IS NOT DISTINCT FROM b.name_ar ORDER BY a.code",
        n=ref["name"],
        a=old["valid_from"],
        b=new["valid_from"],
    )
    counts: dict[str, int] = {}
    for e in events:
        counts[e["kind"]] = counts.get(e["kind"], 0) + 1
    counts["modified"] = len(modified)
    return {
        "name": ref["name"],
        "from_version": old["label"],
        "to_version": new["label"],
        "counts": counts,
        "changes": [dict(e) for e in events[:MAX_LISTED]],
        "modified": [m["code"] for m in modified[:MAX_LISTED]],
        "truncated": len(events) > MAX_LISTED or len(modified) > MAX_LISTED,
    }


def get_actions() -> dict[str, Any]:
    from ckanext.casa.logic import referential_bulk as bulk
    from ckanext.casa.logic import referential_locate as locate
    from ckanext.casa.logic import referential_lookup as lookup
    from ckanext.casa.logic import referential_publish as publish
    from ckanext.casa.logic import referential_search as search

    return {
        "casa_referential_publish": publish.casa_referential_publish,
        "casa_referential_list": casa_referential_list,
        "casa_referential_show": casa_referential_show,
        "casa_referential_diff": casa_referential_diff,
        "casa_unit_show": lookup.casa_unit_show,
        "casa_unit_search": search.casa_unit_search,
        "casa_unit_history": lookup.casa_unit_history,
        "casa_unit_recode": bulk.casa_unit_recode,
        "casa_unit_aggregate": bulk.casa_unit_aggregate,
        "casa_unit_locate": locate.casa_unit_locate,
    }
