"""Download endpoints of the référentiels: /referentiels/<name>/<version>.<format>."""

from __future__ import annotations

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.casa.logic import referential_export as export

casa_referentials = Blueprint("casa_referentials", __name__)


@casa_referentials.route("/referentiels/<name>/<label>.<fmt>")
def download(name: str, label: str, fmt: str) -> Response:
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
