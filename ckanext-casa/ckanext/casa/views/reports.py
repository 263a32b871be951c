"""The validation report of a published release, for the people who reuse
the data: what was checked, what failed, which failures a steward waived
and why. ``GET /donnees/<slug>/<release>/rapport-validation.html`` (fr, ar,
en) or ``.json``. Only for releases that are or were public, like their
downloads; the report itself is stored with the release by the pipelines
(``casa_staging.release.report``)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.casa.logic.referential_db import rows
from ckanext.casa.views.downloads import NOT_FOUND, SERVABLE, SLUG, staging_engine

casa_reports = Blueprint("casa_reports", __name__)
LIMIT = 500  # issues shown on the page; the JSON has them all

def labels() -> dict[str, str]:
    """The page's words, in the request's language (ckanext-casa.po)."""
    _ = tk._
    return {
        "title": _("Validation report"), "release": _("Release"),
        "valid": _("Every check passed."),
        "invalid": _("Some checks failed; publication was allowed by a waiver."),
        "rows": _("Rows checked"), "checks": _("Checks"), "sha": _("Content sha256"),
        "waivers": _("Waivers"), "issues": _("Issues"), "row": _("Row"), "column": _("Column"),
        "type": _("Error"), "value": _("Value"), "detail": _("Detail"),
        "more": _("Full list in the JSON report."),
        "status_published": _("current release"), "status_withdrawn": _("replaced release"),
    }


def check_name(check: str) -> str:
    """A check of the report (its identifier in the pipelines), in words."""
    _ = tk._
    names = {
        "table-schema": _("structure and types"), "rows": _("rows present"), "geometry": _("geometries"),
        "referential": _("territorial référentiel codes"), "referential:skipped": _("référentiel not checked"),
        "suite": _("business rules"),
    }
    return names.get(check, check)


def _release(slug: str, number: int) -> dict[str, Any] | None:
    url = tk.config.get("ckan.datastore.write_url")  # the public read user cannot see casa_staging
    if not SLUG.match(slug) or not url:
        return None
    try:
        with staging_engine(url).connect() as conn:
            found = rows(conn, "SELECT dataset, number, sha256, rows, status, report, first_published_at "
                               "FROM casa_staging.release WHERE dataset = :d AND number = :n", d=slug, n=number)
            if not found or found[0]["status"] not in SERVABLE:
                return None
            waivers = rows(conn, "SELECT rule, reason, created_at FROM casa_staging.waiver "
                                 "WHERE dataset = :d AND number = :n ORDER BY rule", d=slug, n=number)
    except sa.exc.SQLAlchemyError:
        return None  # no release bookkeeping in this datastore yet
    release = found[0]
    release["waivers"] = waivers
    return release


def report(slug: str, number: int, fmt: str) -> Any:
    release = _release(slug, number)
    if release is None or fmt not in ("html", "json"):
        return tk.abort(404, NOT_FOUND)
    body = release["report"] or {}
    if fmt == "json":
        return {"dataset": slug, "release": number, "sha256": release["sha256"], "status": release["status"],
                "waivers": [{"rule": w["rule"], "reason": w["reason"]} for w in release["waivers"]],
                "report": body}
    lang = tk.h.lang() or "fr"
    issues = body.get("issues") or []
    return tk.render("casa/donnees/rapport.html", {
        "t": labels(), "lang": lang, "slug": slug, "release": release,
        "checks": [check_name(c) for c in body.get("checks", [])],
        "issues": issues[:LIMIT], "more": len(issues) > LIMIT, "valid": not issues,
        "json_url": tk.h.url_for("casa_reports.report", slug=slug, number=number, fmt="json"),
    })


casa_reports.add_url_rule("/donnees/<slug>/<int:number>/rapport-validation.<fmt>", view_func=report)


def get_blueprints() -> list[Blueprint]:
    return [casa_reports]
