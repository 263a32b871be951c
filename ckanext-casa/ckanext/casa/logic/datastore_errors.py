"""Datastore errors without the SQL behind them.

CKAN's datastore answers a query PostgreSQL rejects with the statement, its
parameters and PostgreSQL's own error text (``info.statement``,
``info.params``, ``info.orig``, and ``[SQL: ...]`` inside messages), to
anonymous users too: a map of the tables and of how the query was built.
These chained actions keep the error and its field, and give the SQL to
sysadmins only.
"""

from __future__ import annotations

import json
import re
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.casa.logic import visibility


def _quiet(value: Any) -> Any:
    if isinstance(value, str):
        return tk._("Invalid value") if "[SQL" in value or "psycopg" in value else value
    if isinstance(value, list):
        return [_quiet(v) for v in value]
    if isinstance(value, dict):
        return {k: _quiet(v) for k, v in value.items()}
    return value


def _what_is_wrong(info: Any) -> str | None:
    """What PostgreSQL objected to, said without its own text."""
    orig = json.dumps(info, default=str) if info else ""
    typed = re.search(r"invalid input syntax for type ([a-z ]+)", orig)
    if typed:
        return tk._("A value in the filters or the query is not a valid {type}.").format(type=typed.group(1))
    if "out of range" in orig:
        return tk._("A value in the filters or the query is out of range for its column.")
    return None


def without_sql(error_dict: dict[str, Any]) -> dict[str, Any]:
    """The error fields without ``info`` and without any SQL text."""
    quiet = {k: _quiet(v) for k, v in error_dict.items() if k != "info"}
    reason = _what_is_wrong(error_dict.get("info"))
    if reason and quiet.get("query") == ["Invalid query"]:
        quiet["query"] = [reason]
    return quiet


def _nul_errors(value: Any, path: str, errors: dict[str, list[str]]) -> None:
    # PostgreSQL text cannot hold NUL; the driver refuses it with a plain
    # ValueError, which became a server error.
    if isinstance(value, str):
        if "\x00" in value:
            errors[path] = [tk._("Contains a NUL character, which no value may hold.")]
        elif value[:1] in ("{", "[") and "\\u0000" in value:
            # ``filters`` and ``q`` may come as JSON text, decoded later.
            try:
                _nul_errors(json.loads(value), path, errors)
            except ValueError:
                pass
    elif isinstance(value, dict):
        for key, item in value.items():
            _nul_errors(key, path, errors)
            _nul_errors(item, f"{path}.{key}".replace("\x00", "\\0"), errors)
    elif isinstance(value, list):
        for item in value:
            _nul_errors(item, path, errors)


def _guarded(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    errors: dict[str, list[str]] = {}
    for key, value in (data_dict or {}).items():
        _nul_errors(value, str(key), errors)
    if errors:
        raise tk.ValidationError(errors)
    try:
        return original_action(context, data_dict)
    except tk.ValidationError as error:
        if visibility.is_sysadmin(context):
            raise
        raise tk.ValidationError(without_sql(error.error_dict)) from None


@tk.chained_action
@tk.side_effect_free
def datastore_search(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    return _guarded(original_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def datastore_search_sql(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    return _guarded(original_action, context, data_dict)


@tk.chained_action
def datastore_upsert(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    return _guarded(original_action, context, data_dict)


@tk.chained_action
def datastore_create(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    return _guarded(original_action, context, data_dict)


@tk.chained_action
def datastore_delete(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    return _guarded(original_action, context, data_dict)


def get_actions() -> dict[str, Any]:
    """The chained actions, for the datastore actions this site has."""
    if not p.plugin_loaded("datastore"):
        return {}
    actions = [datastore_search, datastore_upsert, datastore_create, datastore_delete]
    if tk.asbool(tk.config.get("ckan.datastore.sqlsearch.enabled")):
        actions.append(datastore_search_sql)
    return {f.__name__: f for f in actions}
