"""The territorial units as linked data, at their stable URI
``/referentiels/territoire/<code>``, by content negotiation:

- ``text/html`` (browsers, ``*/*``): the unit's page, as before;
- ``application/json``: ``casa_unit_show``'s answer;
- ``application/geo+json``: the unit as a GeoJSON feature;
- ``text/turtle``, ``application/rdf+xml``, ``application/ld+json``,
  ``application/n-triples``: SKOS (``unit_rdf.py``).

The same with an extension (``/referentiels/territoire/<code>.ttl``), and
a whole version in one Turtle file: ``/referentiels/territorial_units/<version>.ttl``.
An ``Accept`` header that none of these satisfies answers 406, an unknown
extension 404, each with a message."""

from __future__ import annotations

from typing import Any

from flask import Response, request

import ckan.plugins.toolkit as tk

from ckanext.casa.interop import unit_rdf

TERRITORIAL = "territorial_units"
HTML = "text/html"
RDF_FORMATS = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/ld+json": "json-ld",
               "application/n-triples": "nt"}
OFFERED = [HTML, "application/json", "application/geo+json", *RDF_FORMATS]
EXTENSIONS = {"ttl": "text/turtle", "rdf": "application/rdf+xml", "jsonld": "application/ld+json",
              "nt": "application/n-triples", "json": "application/json", "geojson": "application/geo+json"}


def negotiate() -> Any:
    """``before_app_request``: None lets the request through."""
    args = request.view_args or {}
    if request.endpoint == "casa_browse.unit":
        code = str(args.get("code"))
        stem, _, suffix = code.rpartition(".")
        if stem and suffix and not suffix.isdigit():  # codes are digits and dots: this is an extension
            if suffix not in EXTENSIONS:
                from ckanext.casa.interop.formats import unknown_format

                return tk.abort(404, unknown_format(suffix, sorted(EXTENSIONS)))
            return unit_response(stem, EXTENSIONS[suffix])
        if not request.headers.get("Accept"):
            return None
        best = request.accept_mimetypes.best_match(OFFERED)
        if best is None:
            return tk.abort(406, tk._("Not acceptable: {accept}. Types offered: {offered}.").format(
                accept=request.headers.get("Accept"), offered=", ".join(OFFERED)))
        return None if best == HTML else unit_response(code, best)
    if request.endpoint == "casa_referentials.download":
        name, label, fmt = str(args.get("name")), str(args.get("label")), str(args.get("fmt"))
        if name == "territoire":
            if fmt not in EXTENSIONS:
                from ckanext.casa.interop.formats import unknown_format

                return tk.abort(404, unknown_format(fmt, sorted(EXTENSIONS)))
            return unit_response(label, EXTENSIONS[fmt])
        if name == TERRITORIAL and fmt == "ttl":
            return version_turtle(label)
    return None


def unit_response(code: str, mimetype: str) -> Any:
    context: dict[str, Any] = {"ignore_auth": False, "user": ""}
    try:
        history = tk.get_action("casa_unit_history")(dict(context), {"code": code})
        current = tk.get_action("casa_unit_show")(dict(context), {"code": code})
    except tk.ValidationError as err:
        return tk.abort(404, "; ".join(str(v) for v in (err.error_dict or {}).values()))
    except (tk.ObjectNotFound, tk.NotAuthorized) as err:
        return tk.abort(404, str(err) or tk._("Territorial unit not found"))
    if mimetype == "application/json":
        body = {"uri": str(unit_rdf.unit_uri(code)), **current, "history": history}
        return respond(tk.h.dump_json(body), mimetype)
    if mimetype == "application/geo+json":
        return respond(tk.h.dump_json(feature(code, history)), mimetype)
    graph = unit_rdf.unit_graph(history, current)
    return respond(graph.serialize(format=RDF_FORMATS[mimetype]), mimetype)


def feature(code: str, history: dict[str, Any]) -> dict[str, Any]:
    import json

    from ckanext.casa.logic.referential_db import SCHEMA, connect, rows

    latest = history["states"][-1]
    with connect() as conn:
        found = rows(conn, f"SELECT ST_AsGeoJSON(geom, 6) AS geometry FROM {SCHEMA}.unit "
                           "WHERE referential = :r AND code = :c ORDER BY valid_from DESC LIMIT 1",
                     r=TERRITORIAL, c=code)
    geometry = json.loads(found[0]["geometry"]) if found and found[0].get("geometry") else None
    properties = {k: latest.get(k) for k in ("code", "level", "name_fr", "name_ar", "parent_code", "valid_from",
                                             "valid_to")}
    return {"type": "Feature", "id": str(unit_rdf.unit_uri(code)), "geometry": geometry, "properties": properties}


def version_turtle(label: str) -> Any:
    from ckanext.casa.logic import referential_export

    found = referential_export.version_rows(TERRITORIAL, label, with_geometry=False)
    if found is None:
        return tk.abort(404, tk._("Territorial unit not found"))
    version, units = found
    response = respond(unit_rdf.version_graph(units, version["valid_from"]).serialize(format="turtle"),
                       "text/turtle")
    response.headers["Content-Disposition"] = f'attachment; filename="{TERRITORIAL}-{label}.ttl"'
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def respond(body: str | bytes, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    if mimetype.startswith("text/") or mimetype.endswith("json"):
        response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    response.headers["Vary"] = "Accept"
    return response
