"""Unknown extensions and formats answer 404 with a message, never 500.

ckanext-dcat routes ``/catalog.<format>``, ``/dataset/<id>.<format>`` and
``/dataset_series/<id>.<format>`` for any ``<format>`` and hands it to
rdflib, which raises on a serializer it does not know (``/catalog.xyz``,
``/dataset/<id>.atom`` were 500s). Its routes are its own, so the check
runs before them, on the endpoint the request was matched to."""

from __future__ import annotations

from typing import Any

from flask import request

import ckan.plugins.toolkit as tk

from ckanext.dcat.utils import CONTENT_TYPES

DATASET_FEED = "atom"  # a dataset's feed of releases (feeds.py)
DCAT_ENDPOINTS = ("dcat.read_catalog", "dcat.read_dataset", "dcat.read_dataset_series")


def unknown_format(fmt: str, known: list[str] | tuple[str, ...]) -> str:
    return tk._("Unknown format: {fmt}. Formats offered: {known}.").format(fmt=fmt, known=", ".join(known))


def check_format() -> Any:
    """``before_app_request``: None to let the request through."""
    if request.endpoint not in DCAT_ENDPOINTS:
        return None
    args = request.view_args or {}
    fmt = str(args.get("_format") or "")
    if fmt == DATASET_FEED and request.endpoint == "dcat.read_dataset":
        from ckanext.casa.interop import feeds

        return feeds.dataset_feed(str(args.get("_id")))
    if fmt and fmt not in CONTENT_TYPES:
        return tk.abort(404, unknown_format(fmt, sorted(CONTENT_TYPES)))
    return None
