"""Each référentiel is also a CKAN dataset of the data office, in the theme
"territoire et population", with one CSV, JSON and (where there are
boundaries) GeoJSON download per version."""

from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.casa.logic import referential_export as export
from ckanext.casa.logic import schema
from ckanext.casa.logic.referential_catalog import published, version_rows
from ckanext.casa.logic.referential_db import SCHEMA, fetch_all
from ckanext.casa.logic.referential_lookup import validate_input

THEME = "territoire-population"
NUMERIC = {"population", "households"}
FORMAT_NAMES = {"csv": "CSV", "json": "JSON", "geojson": "GeoJSON"}


def dataset_name(name: str) -> str:
    return "referentiel-" + name.replace("_", "-")


def _resources(name: str, site: str, geometry: bool) -> list[dict[str, Any]]:
    formats = ["csv", "json"] + (["geojson"] if geometry else [])
    out = []
    for version in reversed(version_rows(name)):
        for fmt in formats:
            out.append(
                {
                    "name": f"{name} {version['label']} ({FORMAT_NAMES[fmt]})",
                    "name_ar": f"الإصدار {version['label']} ({FORMAT_NAMES[fmt]})",
                    "description": f"Version {version['label']}, valide à partir du {version['valid_from']} ; "
                    f"sha256 {version['sha256']}.",
                    "format": FORMAT_NAMES[fmt],
                    "url": f"{site}/referentiels/{name}/{version['label']}.{fmt}",
                }
            )
    return out


def casa_referential_publish(context: Context, data_dict: DataDict) -> dict[str, Any]:
    """Create or update the CKAN dataset of a référentiel (data office,
    theme "territoire et population"), with a download per version and format.
    Sysadmins only.

    :param name: name of the référentiel, e.g. ``territorial_units``
    :type name: string
    :rtype: dictionary (the dataset)
    """
    data = validate_input(
        context, data_dict, schema.referential_show(), "casa_referential_publish"
    )
    ref, versions = published(data["name"])
    geometry = bool(
        fetch_all(
            f"SELECT 1 FROM {SCHEMA}.unit WHERE referential = :n AND geom IS NOT NULL LIMIT 1",
            n=ref["name"],
        )
    )
    site = tk.config.get("ckan.site_url", "").rstrip("/")
    current = versions[-1]
    dataset = {
        "name": dataset_name(ref["name"]),
        "title": f"Référentiel : {ref['title_fr']}",
        "title_ar": f"مرجع : {ref['title_ar']}",
        "notes": f"{ref['title_fr']}. Versions : {', '.join(v['label'] for v in versions)}. Recherche par code, "
        "à une date, et historique des codes par l'API (casa_unit_show, casa_unit_search, "
        f"casa_unit_history). Source : {ref['attribution']}",
        "notes_ar": ref["title_ar"],
        "owner_org": tk.config.get("ckanext.casa.data_office"),
        "license_id": "cc-by" if ref["licence"] == "CC-BY-4.0" else "other-open",
        "frequency": "decennale"
        if ref["name"] == "territorial_units"
        else "ponctuelle",
        "spatial_coverage": "MA",
        "attribution": ref["attribution"],
        "version": current["label"],
        "groups": [{"name": THEME}],
        "tag_string": "référentiel",
        "resources": _resources(ref["name"], site, geometry),
    }

    # Fresh contexts: CKAN's auth audit must not see the lookup that fails.
    def fresh() -> Context:
        return {k: v for k, v in context.items() if not k.startswith("__")}  # type: ignore[return-value]

    try:
        existing = tk.get_action("package_show")(fresh(), {"id": dataset["name"]})
    except tk.ObjectNotFound:
        created = tk.get_action("package_create")(fresh(), dataset)
    else:
        # Keep resource ids (and their datastore tables): a version's link never changes.
        by_url = {r["url"]: r for r in existing["resources"]}
        dataset["resources"] = [
            dict(by_url.get(r["url"], {}), **r) for r in dataset["resources"]
        ]
        created = tk.get_action("package_update")(
            fresh(), dict(dataset, id=existing["id"])
        )
    if p.plugin_loaded("datastore"):
        _datastore_table(fresh, created, ref["name"], current["label"])
    return tk.get_action("package_show")(fresh(), {"id": created["id"]})


def _datastore_table(
    fresh: Any, dataset: dict[str, Any], name: str, label: str
) -> None:
    """The current version in the datastore, on its CSV resource, so that it is
    searchable like any other dataset. Versions are immutable: done once."""
    resource = next(
        r for r in dataset["resources"] if r["url"].endswith(f"/{name}/{label}.csv")
    )
    if resource.get("datastore_active"):
        return
    found = export.version_rows(name, label, with_geometry=False)
    if found is None:
        return
    records = [export.flat(u) for u in found[1]]
    columns = export.BASE + sorted({k for r in records for k in r} - set(export.BASE))
    fields = [{"id": c, "type": "int8" if c in NUMERIC else "text"} for c in columns]
    tk.get_action("datastore_create")(
        fresh(),
        {
            "resource_id": resource["id"],
            "force": True,
            "primary_key": ["code"],
            "fields": fields,
            "records": records,
        },
    )
