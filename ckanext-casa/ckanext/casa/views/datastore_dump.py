"""CKAN's ``/datastore/dump/<id>``, with bad arguments answered as a 400.

The core view let three kinds of bad input become server errors: an
unknown ``format`` (its refusal message broke CKAN's error page), a NUL
character (PostgreSQL text cannot hold one; the driver raises a plain
ValueError), and whatever ``datastore_search`` refuses (an invalid sort,
an unknown field): the view calls it without catching its
``ValidationError``. The view is wrapped, not copied: arguments are checked
first, and a refusal of ``datastore_search`` for the first page becomes a
400 that names the argument and says what is wrong.
"""

from __future__ import annotations

import functools
from typing import Any

from flask import Response, request

import ckan.plugins.toolkit as tk

from ckanext.casa.logic.datastore_errors import without_sql
from ckanext.datastore.blueprint import DUMP_FORMATS

ENDPOINT = "datastore.dump"


def _refuse(errors: dict[str, Any]) -> Response:
    lines = []
    for field, messages in errors.items():
        if isinstance(messages, (list, tuple)):
            messages = " ".join(str(m) for m in messages)
        lines.append(f"{field}: {messages}")
    return Response("\n".join(lines) + "\n", status=400, mimetype="text/plain")


def _argument_errors() -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key, value in request.args.items(multi=True):
        if "\x00" in key or "\x00" in value:
            errors[key.replace("\x00", "\\0")] = [tk._("Contains a NUL character, which no value may hold.")]
    fmt = request.args.get("format")
    if fmt is not None and "format" not in errors and fmt not in DUMP_FORMATS:
        errors["format"] = [tk._("Unknown format; use one of: {formats}.").format(formats=", ".join(DUMP_FORMATS))]
    return errors


def _guarded_dump(view: Any) -> Any:
    @functools.wraps(view)
    def dump(resource_id: str) -> Any:
        errors = _argument_errors()
        if errors:
            return _refuse(errors)
        try:
            return view(resource_id)
        except tk.ValidationError as error:
            return _refuse(without_sql(error.error_dict))

    return dump


def guard(app: Any) -> Any:
    """Wrap the dump view of ``app`` (the Flask app), if the datastore serves one."""
    view = app.view_functions.get(ENDPOINT)
    if view is not None and not getattr(view, "casa_guarded", False):
        wrapped = _guarded_dump(view)
        wrapped.casa_guarded = True  # type: ignore[attr-defined]
        app.view_functions[ENDPOINT] = wrapped
    return app
