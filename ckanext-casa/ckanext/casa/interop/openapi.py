"""An OpenAPI 3.1 description of the action API, generated from the
running application: every ``casa_`` action that the loaded plugins
register, and the CKAN actions our users call. Nothing is written by
hand per action: parameters, types and descriptions come from each
action's docstring (``:param:``/``:type:``, as CKAN's API docs) and, when
the action has one, its input schema (required fields, integer and
boolean types, from the validators). Served at ``/api/openapi.json``."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.casa.interop.docstrings import ActionDoc, parse

# CKAN's own actions our users call, documented from CKAN's own functions
# (plugins may chain them with a wrapper whose docstring says less).
CORE_ACTIONS = {
    "package_search": "ckan.logic.action.get:package_search",
    "package_show": "ckan.logic.action.get:package_show",
    "datastore_search": "ckanext.datastore.logic.action:datastore_search",
    "organization_list": "ckan.logic.action.get:organization_list",
    "group_list": "ckan.logic.action.get:group_list",
}
# Where an action's input schema lives, for actions that validate against one.
CORE_SCHEMAS = {
    "package_search": "ckan.logic.schema:default_package_search_schema",
    "datastore_search": "ckanext.datastore.logic.schema:datastore_search_schema",
}
CASA_SCHEMAS = "ckanext.casa.logic.schema"
REQUIRED = {"not_empty", "not_missing"}
TYPES = {"int_validator": "integer", "natural_number_validator": "integer", "boolean_validator": "boolean",
         "int_validator_with_min": "integer", "iso_date": "string", "unit_code": "string"}
DOC_TYPES = (("list of", "array"), ("dict", "object"), ("bool", "boolean"), ("int", "integer"),
             ("string", "string"), ("str", "string"))


def casa_actions() -> dict[str, Callable[..., Any]]:
    """The ``casa_`` actions the loaded plugins register (IActions)."""
    found: dict[str, Callable[..., Any]] = {}
    for plugin in p.PluginImplementations(p.IActions):
        for name, func in plugin.get_actions().items():
            if name.startswith("casa_"):
                found[name] = func
    return dict(sorted(found.items()))


def load(target: str) -> Any:
    module, attr = target.split(":")
    return getattr(importlib.import_module(module), attr)


def input_schema(name: str) -> dict[str, list[Any]]:
    target = CORE_SCHEMAS.get(name)
    if target is None and name.startswith("casa_"):
        target = f"{CASA_SCHEMAS}:{name.removeprefix('casa_')}"
    if target is None:
        return {}
    try:
        factory = load(target)
    except AttributeError:
        return {}
    try:
        made = factory()
    except TypeError:
        return {}
    return made if isinstance(made, dict) else {}


def validator_names(validators: Any) -> set[str]:
    if not isinstance(validators, list):
        return set()
    return {getattr(v, "__name__", "") for v in validators}


def json_type(doc_type: str, validators: set[str]) -> dict[str, Any]:
    for name in validators:
        if name in TYPES:
            return {"type": TYPES[name]}
    lowered = doc_type.lower()
    for word, kind in DOC_TYPES:
        if lowered.startswith(word) or f" {word}" in f" {lowered}":
            return {"type": kind}
    return {}


def parameters(name: str, doc: ActionDoc) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Query parameters (for GET) and a JSON body schema (for POST)."""
    schema = input_schema(name)
    names = list(doc.params) + [k for k in schema if k not in doc.params and not k.startswith("__")]
    query, properties, required = [], {}, []
    for field in names:
        param = doc.params.get(field)
        validators = validator_names(schema.get(field))
        kind = json_type(param.type if param else "", validators)
        prop: dict[str, Any] = dict(kind)
        if param and param.description:
            prop["description"] = param.description
        properties[field] = prop
        is_required = bool(validators & REQUIRED)
        if is_required:
            required.append(field)
        scalar = kind.get("type") in (None, "string", "integer", "boolean")
        query.append({"name": field, "in": "query", "required": is_required,
                      "schema": kind if scalar else {"type": "string", "description": "JSON"},
                      **({"description": prop["description"]} if "description" in prop else {})})
    body: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        body["required"] = required
    return query, body


def operation(name: str, func: Callable[..., Any], method: str) -> dict[str, Any]:
    doc = parse(func)
    query, body = parameters(name, doc)
    op: dict[str, Any] = {
        "operationId": f"{name}_{method}" if method == "get" else name,
        "summary": doc.summary or name,
        "description": doc.description,
        "tags": ["casa" if name.startswith("casa_") else "ckan"],
        "responses": {
            "200": {"description": doc.returns or "result",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Success"}}}},
            "400": {"$ref": "#/components/responses/Error"},
            "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"},
            "409": {"$ref": "#/components/responses/Error"},
        },
    }
    if method == "get":
        op["parameters"] = query
    else:
        op["requestBody"] = {"required": bool(body.get("required")),
                             "content": {"application/json": {"schema": body}}}
    return op


def document() -> dict[str, Any]:
    actions: dict[str, Callable[..., Any]] = {name: load(target) for name, target in CORE_ACTIONS.items()}
    actions.update(casa_actions())
    paths: dict[str, Any] = {}
    for name, func in actions.items():
        item = {"post": operation(name, func, "post")}
        if getattr(func, "side_effect_free", False):
            item["get"] = operation(name, func, "get")
        paths[f"/action/{name}"] = item
    site = str(tk.config.get("ckan.site_url") or "").rstrip("/")
    envelope = {"type": "object", "required": ["success"],
                "properties": {"help": {"type": "string"}, "success": {"type": "boolean"}}}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{tk.config.get('ckan.site_title') or 'Casa Urban Data'} API",
            "version": "3",
            "description": "CKAN action API of Casa Urban Data: the référentiels (casa_ actions) and the "
                           "catalogue. Generated from the actions' docstrings and input schemas.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": f"{site}/api/3"}],
        "tags": [{"name": "casa", "description": "Référentiels"}, {"name": "ckan", "description": "Catalogue"}],
        "paths": paths,
        "components": {
            "securitySchemes": {"apiToken": {"type": "apiKey", "in": "header", "name": "Authorization"}},
            "schemas": {
                "Success": {**envelope, "properties": {**envelope["properties"], "result": {}}},
                "Error": {**envelope, "properties": {**envelope["properties"], "error": {
                    "type": "object", "properties": {"__type": {"type": "string"},
                                                     "message": {"type": "string"}}}}},
            },
            "responses": {"Error": {"description": "error", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}},
        },
        "security": [{}, {"apiToken": []}],
    }


def openapi_json() -> Any:
    from flask import jsonify

    out = jsonify(document())
    out.headers["Access-Control-Allow-Origin"] = "*"
    return out
