"""Core actions that told more than the caller may read, made to keep quiet.

CKAN's tag and format lists, ``tag_show`` and ``member_list`` read the
tables directly, so the tags, formats and ids of private, draft, deleted and
purged datasets reached anonymous users. These chained actions give
sysadmins the core answer and everyone else the same answer restricted to
the datasets they may read (``visibility.visible_clause``, CKAN's permission
labels). The queries are written here, not filtered afterwards, so ``limit``
and ``offset`` keep their meaning.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib.dictization import model_dictize, table_dictize
from ckan.lib.navl.dictization_functions import validate as navl_validate
from ckan.types import Context, DataDict

from ckanext.casa.logic import visibility


def _paging_schema() -> dict[str, list]:
    ignore_missing = tk.get_validator("ignore_missing")
    natural = tk.get_validator("natural_number_validator")
    return {"limit": [ignore_missing, natural], "offset": [ignore_missing, natural]}


def _paging(data_dict: DataDict, default_limit: int | None) -> tuple[int | None, int | None]:
    """``limit`` and ``offset`` as integers, or a clear error naming the bad one."""
    raw = {k: data_dict[k] for k in ("limit", "offset") if data_dict.get(k) not in (None, "")}
    checked, errors = navl_validate(raw, _paging_schema(), {})
    if errors:
        raise tk.ValidationError(errors)
    limit = checked.get("limit", default_limit)
    return (int(limit) if limit is not None else None,
            int(checked["offset"]) if "offset" in checked else None)


def _terms(data_dict: DataDict) -> list[str]:
    terms = data_dict.get("query") or data_dict.get("q") or []
    if isinstance(terms, str):
        terms = [terms]
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise tk.ValidationError({"query": [tk._("Must be a string or a list of strings")]})
    fields = data_dict.get("fields") or {}
    if isinstance(fields, dict):
        terms = terms + [v for k, v in fields.items() if k in ("tag", "tags") and isinstance(v, str)]
    return [t.strip() for t in terms if t.strip()]


def _visible_free_tags(context: Context, terms: list[str]) -> Any:
    """Free tags applied to at least one dataset the caller may read."""
    q = (model.Session.query(model.Tag)
         .filter(model.Tag.vocabulary_id.is_(None))
         .join(model.PackageTag, model.PackageTag.tag_id == model.Tag.id)
         .join(model.Package, model.Package.id == model.PackageTag.package_id)
         .filter(model.PackageTag.state == "active")
         .filter(visibility.visible_clause(visibility.user_labels(context))))
    for term in terms:
        escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        q = q.filter(model.Tag.name.ilike("%" + escaped + "%", escape="\\"))
    return q.distinct().order_by(model.Tag.name)


def _core_answers(context: Context, data_dict: DataDict) -> bool:
    # Vocabulary tags are a list a sysadmin declared (the form's choices),
    # not something a dataset reveals: the core answer stands.
    return visibility.is_sysadmin(context) or bool(data_dict.get("vocabulary_id"))


@tk.chained_action
@tk.side_effect_free
def tag_list(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    if _core_answers(context, data_dict):
        return original_action(context, data_dict)
    tk.check_access("tag_list", context, data_dict)
    tags = _visible_free_tags(context, _terms(data_dict)).all()
    if tk.asbool(data_dict.get("all_fields", False)):
        return model_dictize.tag_list_dictize(tags, context)
    return [tag.name for tag in tags]


@tk.chained_action
@tk.side_effect_free
def tag_search(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    if _core_answers(context, data_dict):
        return original_action(context, data_dict)
    tk.check_access("tag_search", context, data_dict)
    limit, offset = _paging(data_dict, None)
    terms = _terms(data_dict)
    if not terms:
        return {"count": 0, "results": []}
    q = _visible_free_tags(context, terms)
    return {"count": q.count(),
            "results": [table_dictize(t, context) for t in q.offset(offset).limit(limit)]}


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    if _core_answers(context, data_dict):
        return original_action(context, data_dict)
    tk.check_access("tag_autocomplete", context, data_dict)
    limit, offset = _paging(data_dict, None)
    terms = _terms(data_dict)
    if not terms:
        return []
    return [t.name for t in _visible_free_tags(context, terms).offset(offset).limit(limit)]


@tk.chained_action
@tk.side_effect_free
def tag_show(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    if not _core_answers(context, data_dict):
        tag_id = tk.get_or_bust(data_dict, "id")
        tag = model.Tag.get(tag_id) if isinstance(tag_id, str) else None
        if tag is None or not _visible_free_tags(context, []).filter(model.Tag.id == tag.id).count():
            raise tk.ObjectNotFound(tk._("Tag not found"))
    return original_action(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def format_autocomplete(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    q = tk.get_or_bust(data_dict, "q")
    if not isinstance(q, str):
        raise tk.ValidationError({"q": [tk._("Must be a string")]})
    if visibility.is_sysadmin(context):
        return original_action(context, data_dict)
    tk.check_access("format_autocomplete", context, data_dict)
    limit, _offset = _paging(data_dict, 5)
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    total = sa.func.count(model.Resource.format).label("total")
    rows = (model.Session.query(model.Resource.format, total)
            .join(model.Package, model.Package.id == model.Resource.package_id)
            .filter(model.Resource.state == "active")
            .filter(model.Resource.format.ilike("%" + escaped + "%", escape="\\"))
            .filter(visibility.visible_clause(visibility.user_labels(context)))
            .group_by(model.Resource.format)
            .order_by(total.desc(), model.Resource.format)
            .limit(limit))
    return [row.format.lower() for row in rows]


@tk.chained_action
@tk.side_effect_free
def member_list(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    members = original_action(context, data_dict)
    if visibility.is_sysadmin(context):
        return members
    package_ids = [m[0] for m in members if m[1] == "package"]
    readable = visibility.visible_ids(context, package_ids)
    return [m for m in members if m[1] != "package" or m[0] in readable]


def get_actions() -> dict[str, Any]:
    return {f.__name__: f for f in (tag_list, tag_search, tag_autocomplete, tag_show,
                                    format_autocomplete, member_list)}
