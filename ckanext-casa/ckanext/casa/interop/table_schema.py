"""``GET /donnees/<slug>/<N>/tableschema.json``: the Table Schema of a
release on its own, as published in its ``datapackage.json`` (the CSV
resource's schema), for the tools that take a schema by URL
(``frictionless validate --schema``) and for DCAT's ``dct:conformsTo``."""

from __future__ import annotations

import json
from typing import Any

from flask import jsonify

import ckan.plugins.toolkit as tk

from ckanext.casa.views.downloads import (
    NOT_FOUND,
    SLUG,
    downloads_root,
    release_is_public,
)


def table_schema(slug: str, release: int) -> Any:
    root = downloads_root()
    if not SLUG.match(slug) or release < 1 or root is None or not release_is_public(slug, release):
        return tk.abort(404, NOT_FOUND)
    try:
        package = json.loads((root / slug / str(release) / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return tk.abort(404, NOT_FOUND)
    for resource in package.get("resources") or []:
        if isinstance(resource, dict) and isinstance(resource.get("schema"), dict):
            response = jsonify(resource["schema"])
            response.headers["Cache-Control"] = "public, max-age=86400"
            return response
    return tk.abort(404, NOT_FOUND)
