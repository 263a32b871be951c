"""Activity streams that no longer show datasets the caller cannot read now.

CKAN labels each activity with the dataset's permission labels at the time
it was recorded: a dataset created public and later deleted, purged or made
private kept its earlier activities labelled ``public``, and their full
copies of the dataset (title, notes, extras, resource URLs) stayed readable
by anyone through the activity lists and ``/organization/activity/<org>``.

These chained actions drop every dataset activity whose dataset the caller
cannot read today (see ``visibility``), and ``activity_show``,
``activity_data_show`` and ``activity_diff`` answer "not found" for one. Sysadmins get the core answer. A
page that lost items is refilled from the following ones, so a full page
stays full and CKAN's "older activities" link keeps working.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context, DataDict

from ckanext.casa.logic import visibility

# How many further pages are read to refill a page that lost items: bounded,
# so a stream made only of hidden activities costs a few queries, not all.
_REFILL_ROUNDS = 4


def _is_dataset_activity(activity: dict[str, Any]) -> bool:
    return str(activity.get("activity_type") or "").endswith(" package")


def readable(context: Context, activities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``activities`` without those about a dataset the caller cannot read now."""
    ids = [a.get("object_id") for a in activities if _is_dataset_activity(a)]
    allowed = visibility.visible_ids(context, [i for i in ids if isinstance(i, str)])
    return [a for a in activities if not _is_dataset_activity(a) or a.get("object_id") in allowed]


def _filtered(original_action: Any, context: Context, data_dict: DataDict) -> list[dict[str, Any]]:
    if visibility.is_sysadmin(context):
        return original_action(context, data_dict)
    page = original_action(dict(context), dict(data_dict))
    kept = readable(context, page)
    if len(kept) == len(page):
        return page
    size = len(page)
    try:
        offset = int(data_dict.get("offset") or 0)
    except (TypeError, ValueError):
        offset = 0
    for _round in range(_REFILL_ROUNDS):
        if len(kept) >= size:
            break
        offset += len(page)
        page = original_action(dict(context), {**data_dict, "offset": offset})
        kept.extend(readable(context, page))
        if len(page) < size:
            break
    return kept[:size]


@tk.chained_action
@tk.side_effect_free
def user_activity_list(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    return _filtered(original_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def organization_activity_list(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    return _filtered(original_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def group_activity_list(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    return _filtered(original_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def recently_changed_packages_activity_list(original_action: Any, context: Context,
                                            data_dict: DataDict) -> Any:
    return _filtered(original_action, context, data_dict)


@tk.chained_action
@tk.side_effect_free
def dashboard_activity_list(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    return _filtered(original_action, context, data_dict)


def _readable_activity(context: Context, data_dict: DataDict) -> None:
    """Not found, unless the activity's dataset (if any) is readable now."""
    if visibility.is_sysadmin(context):
        return
    from ckanext.activity.model import Activity

    activity_id = (data_dict or {}).get("id")
    activity = Activity.get(activity_id) if isinstance(activity_id, str) else None
    if activity is None:
        return  # the core action says what is missing or unknown
    about = {"activity_type": activity.activity_type, "object_id": activity.object_id}
    if not readable(context, [about]):
        raise tk.ObjectNotFound(tk._("Activity not found"))


@tk.chained_action
@tk.side_effect_free
def activity_show(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    _readable_activity(context, data_dict)
    return original_action(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def activity_data_show(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    _readable_activity(context, data_dict)
    return original_action(context, data_dict)


@tk.chained_action
@tk.side_effect_free
def activity_diff(original_action: Any, context: Context, data_dict: DataDict) -> Any:
    _readable_activity(context, data_dict)
    return original_action(context, data_dict)


def get_actions() -> dict[str, Any]:
    return {f.__name__: f for f in (user_activity_list, organization_activity_list,
                                    group_activity_list, recently_changed_packages_activity_list,
                                    dashboard_activity_list, activity_show, activity_data_show,
                                    activity_diff)}
