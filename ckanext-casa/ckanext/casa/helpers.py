"""Template helpers of the casa plugin (prefixed ``casa_``)."""

from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def casa_localized(data: dict[str, Any], field: str) -> str:
    """Return ``field`` in the page's language: ``<field>_ar`` for Arabic,
    the French field otherwise, falling back to whichever is filled."""
    lang = tk.h.lang() or "fr"
    if lang == "ar" and data.get(f"{field}_ar"):
        return data[f"{field}_ar"]
    return data.get(field) or data.get(f"{field}_ar") or ""


def get_helpers() -> dict[str, Any]:
    return {"casa_localized": casa_localized}
