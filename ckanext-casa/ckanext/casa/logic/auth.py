"""Auth of the casa actions: the référentiels are public reference data."""

from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan.types import AuthResult, Context, DataDict


@tk.auth_allow_anonymous_access
def casa_referential_read(context: Context, data_dict: DataDict) -> AuthResult:
    return {"success": True}


def casa_referential_publish(context: Context, data_dict: DataDict) -> AuthResult:
    # Sysadmins pass every auth check before this runs; nobody else may.
    return {"success": False, "msg": "Réservé aux administrateurs du site."}


def get_auth_functions() -> dict:
    functions: dict = {
        name: casa_referential_read
        for name in (
            "casa_referential_list",
            "casa_referential_show",
            "casa_referential_diff",
            "casa_unit_show",
            "casa_unit_search",
            "casa_unit_history",
            "casa_unit_recode",
            "casa_unit_aggregate",
            "casa_unit_locate",
        )
    }
    functions["casa_referential_publish"] = casa_referential_publish
    return functions
