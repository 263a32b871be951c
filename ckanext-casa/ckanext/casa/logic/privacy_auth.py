"""Auth answers that named or counted private datasets, made to keep quiet.

- ``package_show``: CKAN's refusal reads "User None not authorized to read
  package <id>", which hands out the private dataset's id to whoever asked
  by name. The refusal stands; its message no longer names anything.
- ``dataset_follower_count`` and ``am_following_dataset`` are open to all in
  CKAN, so they answered for private datasets: they now require the right
  to read the dataset, as ``follow_dataset`` already does.
"""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz
from ckan.types import AuthResult, Context, DataDict


def _refusal() -> AuthResult:
    return {"success": False, "msg": tk._("You are not authorized to read this dataset.")}


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_show(next_auth: Any, context: Context, data_dict: DataDict) -> AuthResult:
    result = next_auth(context, data_dict)
    if not result.get("success"):
        return _refusal()
    return result


def _may_read_dataset(context: Context, data_dict: DataDict) -> AuthResult:
    dataset_id = (data_dict or {}).get("id")
    if not isinstance(dataset_id, str) or not dataset_id:
        # Let the action's own schema say what is missing.
        return {"success": True}
    # A context of its own: the caller's may already hold another object.
    fresh: Context = {k: v for k, v in context.items()  # type: ignore[assignment]
                      if k in ("user", "auth_user_obj", "model", "session")}
    try:
        allowed = authz.is_authorized("package_show", fresh, {"id": dataset_id})
    except tk.ObjectNotFound:
        # The action's schema answers "not found" the same way for both.
        return {"success": True}
    return allowed if not allowed.get("success") else {"success": True}


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def dataset_follower_count(next_auth: Any, context: Context, data_dict: DataDict) -> AuthResult:
    allowed = _may_read_dataset(context, data_dict)
    return next_auth(context, data_dict) if allowed.get("success") else allowed


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def am_following_dataset(next_auth: Any, context: Context, data_dict: DataDict) -> AuthResult:
    allowed = _may_read_dataset(context, data_dict)
    return next_auth(context, data_dict) if allowed.get("success") else allowed


def get_auth_functions() -> dict[str, Any]:
    return {f.__name__: f for f in (package_show, dataset_follower_count, am_following_dataset)}
