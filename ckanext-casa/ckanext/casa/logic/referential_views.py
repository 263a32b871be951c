"""The référentiels' home page, /referentiels/, and their downloads,
/referentiels/<name>/<version>.<format>."""

from __future__ import annotations

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.casa.logic import referential_export as export
from ckanext.casa.logic.referential_messages import message, request_lang

casa_referentials = Blueprint("casa_referentials", __name__)

def labels() -> dict[str, str]:
    """The home page's words, in the request's language (ckanext-casa.po)."""
    _ = tk._
    return {
        "title": _("Reference data"),
        "intro": _("The reference data shared by the city's administrations: official codes and "
                   "names, by version."),
        "version": _("Version"), "valid_from": _("Valid from"), "rows": _("Entries"),
        "downloads": _("Downloads"), "current": _("current version"), "browse": _("Browse"),
        "licence": _("Licence"), "none": _("No reference data has been published yet."),
    }


# Référentiels that have a browser of their own.
BROWSERS = {"territorial_units": "casa_browse.index"}


@casa_referentials.route("/referentiels/")
def home() -> str:
    """Each référentiel, in the page's language, with its versions and their
    downloads (oldest first, as casa_referential_list gives them)."""
    lang = request_lang()
    try:
        listed = tk.get_action("casa_referential_list")({"ignore_auth": False, "user": ""}, {})
    except tk.ObjectNotFound:
        listed = []
    referentials = []
    for ref in listed:
        title = ref.get(f"title_{lang}") or ref["title_fr"]
        referentials.append(
            {
                "name": ref["name"],
                "title": title,
                "licence": ref.get("licence"),
                "attribution": ref.get("attribution"),
                "current": ref.get("current_version"),
                "browse": tk.h.url_for(BROWSERS[ref["name"]]) if ref["name"] in BROWSERS else None,
                "versions": [
                    dict(
                        v,
                        downloads=[
                            (fmt.upper() if fmt != "geojson" else "GeoJSON",
                             f"/referentiels/{ref['name']}/{v['label']}.{fmt}")
                            for fmt in export.FORMATS
                            if fmt != "geojson" or ref["name"] in BROWSERS
                        ],
                    )
                    for v in reversed(ref["versions"])
                ],
            }
        )
    return tk.render(
        "casa/referentiels/index.html",
        {"lang": lang, "t": labels(), "referentials": referentials},
    )


@casa_referentials.route("/referentiels/<name>/<label>.<fmt>")
def download(name: str, label: str, fmt: str) -> Response:
    if any("\x00" in part or len(part) > 100 for part in (name, label)):
        # PostgreSQL refuses NUL characters in text: no such version.
        return tk.abort(404, message("bad_path", value=repr(f"{name}/{label}")[:60]))
    if fmt not in export.FORMATS:
        return tk.abort(
            404, f"Format inconnu : {fmt}. Formats : {', '.join(export.FORMATS)}."
        )
    found = export.version_rows(name, label, with_geometry=fmt == "geojson")
    if found is None:
        return tk.abort(404, f"Version {label!r} du référentiel {name!r} introuvable.")
    version, units = found
    response = Response(
        export.render(fmt, units), mimetype=export.FORMATS[fmt].split(";")[0]
    )
    response.headers["Content-Type"] = export.FORMATS[fmt]
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{name}-{label}.{fmt}"'
    )
    # Versions are immutable: the content of a link never changes.
    response.headers["ETag"] = f'"{version["sha256"]}-{fmt}"'
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def get_blueprints() -> list[Blueprint]:
    from ckanext.casa.views import browse

    return [casa_referentials, *browse.get_blueprints()]
