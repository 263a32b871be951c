"""Organizations and themes in the page's language (Arabic or English).

CKAN groups have one title and one description, in French. Ours also carry
``title_ar`` and ``description_ar``, ``title_en`` and ``description_en`` as
group extras (written by ``ckan casa bootstrap``). On a page served in
Arabic or English, these chained actions give the title in that language
as the group's ``display_name`` and ``title`` in what the actions return for a view
(``for_view`` in their context), wherever CKAN's templates show one:
lists of organizations and themes, their pages, breadcrumbs, the dataset
page and the search facets. The stored title is never changed, and API
calls (no language in their path) are answered in the default language.
The descriptions go through the ``casa_group_text`` template helper.

Why not ckanext-fluent: it would turn every title into a language map in
the action API, which the administrations' scripts read as plain strings.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

GROUP_LISTS = ("organization", "groups")


# The languages groups carry extras for; French is the stored title.
LANGS = ("ar", "en")


def for_a_page(context: Any) -> bool:
    """What an action returns to be shown on a page (CKAN's views pass
    ``for_view``), never what is indexed, edited or saved."""
    from flask import has_request_context

    return has_request_context() and bool(context.get("for_view"))


def page_language(context: Any = None) -> str | None:
    """``ar`` or ``en`` on a page served in that language, None otherwise;
    with ``context``, only for what an action returns to be shown (CKAN's
    views pass ``for_view``), never for what is indexed, edited or saved."""
    from flask import has_request_context

    if not has_request_context() or (context is not None and not context.get("for_view")):
        return None
    try:
        lang = tk.h.lang() or ""
    except (RuntimeError, AttributeError):
        return None
    return lang if lang in LANGS else None


ARABIC_LETTERS = re.compile(r"[\u0600-\u06FF]")


def in_page_script(text: str) -> bool:
    """Whether ``text`` (a tag) is written in the page's script: Arabic on
    Arabic pages, Latin on French and English ones."""
    arabic = bool(ARABIC_LETTERS.search(text))
    return arabic if (tk.h.lang() or "fr") == "ar" else not arabic


def arabic_titles(key: str = "title_ar") -> dict[str, str]:
    """Group name and id -> the extra ``key`` (e.g. the Arabic title), for
    every active group that has one."""
    # CKAN 2.12 keeps a group's extras in one jsonb column.
    rows = (model.Session.query(model.Group.name, model.Group.id, model.Group.extras[key].astext)
            .filter(model.Group.state == "active", model.Group.extras.has_key(key)).all())
    out: dict[str, str] = {}
    for name, id_, value in rows:
        if value:
            out[name] = out[id_] = value
    return out


def extra(group: dict[str, Any], key: str) -> str | None:
    for item in group.get("extras") or []:
        if isinstance(item, dict) and item.get("key") == key:
            return item.get("value") or None
    return group.get(key) or None


def _localize(group: Any, titles: dict[str, str], lang: str = "ar") -> Any:
    if not isinstance(group, dict):
        return group
    found = extra(group, f"title_{lang}") or titles.get(group.get("name") or "") or titles.get(group.get("id") or "")
    if not found:
        return group
    # The copy shown, not the stored group: forms (for_edit) never get here.
    return dict(group, display_name=found, title=found)


@tk.chained_action
@tk.side_effect_free
def group_show(up: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    result = up(context, data_dict)
    lang = page_language(context)
    return _localize(result, arabic_titles(f"title_{lang}"), lang) if lang else result


@tk.chained_action
@tk.side_effect_free
def organization_show(up: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    result = up(context, data_dict)
    lang = page_language(context)
    return _localize(result, arabic_titles(f"title_{lang}"), lang) if lang else result


def _localize_list(context: Any, result: Any) -> Any:
    lang = page_language(context)
    if not lang or not isinstance(result, list) or not any(isinstance(g, dict) for g in result):
        return result
    titles = arabic_titles(f"title_{lang}")
    return [_localize(g, titles, lang) for g in result]


@tk.chained_action
@tk.side_effect_free
def group_list(up: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    return _localize_list(context, up(context, data_dict))


@tk.chained_action
@tk.side_effect_free
def organization_list(up: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    return _localize_list(context, up(context, data_dict))


@tk.chained_action
@tk.side_effect_free
def package_show(up: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    result = up(context, data_dict)
    lang = page_language(context)
    if not lang or not isinstance(result, dict) or context.get("for_edit"):
        return result
    titles = arabic_titles(f"title_{lang}")
    out = dict(result)
    if isinstance(out.get("organization"), dict):
        out["organization"] = _localize(out["organization"], titles, lang)
    if isinstance(out.get("groups"), list):
        out["groups"] = [_localize(g, titles, lang) for g in out["groups"]]
    return out


@tk.chained_action
@tk.side_effect_free
def package_search(up: Any, context: Any, data_dict: dict[str, Any]) -> Any:
    result = up(context, data_dict)
    if not isinstance(result, dict) or not result.get("search_facets") or not for_a_page(context):
        return result
    lang = page_language(context)
    titles = arabic_titles(f"title_{lang}") if lang else {}
    out = dict(result)
    # Copies: the search backend may keep its results in a cache.
    out["search_facets"] = facets = copy.deepcopy(result["search_facets"])
    # Tags in the page's script (French and Arabic tags share one list).
    if facets.get("tags", {}).get("items"):
        facets["tags"]["items"] = [t for t in facets["tags"]["items"] if in_page_script(t.get("name") or "")]
    for field in GROUP_LISTS:
        for item in (facets.get(field) or {}).get("items") or []:
            if item.get("name") in titles:
                item["display_name"] = titles[item["name"]]
    return out


def get_actions() -> dict[str, Any]:
    return {"group_show": group_show, "organization_show": organization_show, "group_list": group_list,
            "organization_list": organization_list, "package_show": package_show,
            "package_search": package_search}


def group_text(group: dict[str, Any], field: str) -> str:
    """A group's ``description`` (or another field with an ``_ar`` or
    ``_en`` extra) in the page's language; the organization of a dataset
    carries no extras, so they are looked up."""
    lang = page_language()
    if lang and isinstance(group, dict):
        found = extra(group, f"{field}_{lang}") or arabic_titles(f"{field}_{lang}").get(group.get("name") or "")
        if found:
            return found
    return (group or {}).get(field) or ""
