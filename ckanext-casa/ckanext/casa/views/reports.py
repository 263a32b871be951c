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

LABELS: dict[str, dict[str, str]] = {
    "title": {"fr": "Rapport de validation", "ar": "تقرير التحقق", "en": "Validation report"},
    "release": {"fr": "Version", "ar": "الإصدار", "en": "Release"},
    "valid": {"fr": "Toutes les vérifications sont passées.", "ar": "نجحت جميع عمليات التحقق.",
              "en": "Every check passed."},
    "invalid": {"fr": "Des vérifications ont échoué ; la publication a été autorisée par dérogation.",
                "ar": "فشلت بعض عمليات التحقق؛ تم الإذن بالنشر باستثناء.",
                "en": "Some checks failed; publication was allowed by a waiver."},
    "rows": {"fr": "Lignes vérifiées", "ar": "الأسطر المفحوصة", "en": "Rows checked"},
    "checks": {"fr": "Vérifications", "ar": "عمليات التحقق", "en": "Checks"},
    "sha": {"fr": "Empreinte sha256 du contenu", "ar": "بصمة sha256 للمحتوى", "en": "Content sha256"},
    "waivers": {"fr": "Dérogations", "ar": "الاستثناءات", "en": "Waivers"},
    "issues": {"fr": "Problèmes", "ar": "المشاكل", "en": "Issues"},
    "row": {"fr": "Ligne", "ar": "السطر", "en": "Row"},
    "column": {"fr": "Colonne", "ar": "العمود", "en": "Column"},
    "type": {"fr": "Erreur", "ar": "الخطأ", "en": "Error"},
    "value": {"fr": "Valeur", "ar": "القيمة", "en": "Value"},
    "detail": {"fr": "Détail", "ar": "التفاصيل", "en": "Detail"},
    "more": {"fr": "Liste complète dans le rapport JSON.", "ar": "القائمة الكاملة في تقرير JSON.",
             "en": "Full list in the JSON report."},
    "status_published": {"fr": "version courante", "ar": "الإصدار الحالي", "en": "current release"},
    "status_withdrawn": {"fr": "version remplacée", "ar": "إصدار مستبدل", "en": "replaced release"},
}
CHECKS = {
    "table-schema": {"fr": "structure et types (Table Schema)", "ar": "البنية والأنواع", "en": "structure and types"},
    "rows": {"fr": "présence de lignes", "ar": "وجود أسطر", "en": "rows present"},
    "geometry": {"fr": "géométries", "ar": "الأشكال الهندسية", "en": "geometries"},
    "referential": {"fr": "codes du référentiel territorial", "ar": "رموز المرجع الترابي",
                    "en": "territorial référentiel codes"},
    "referential:skipped": {"fr": "référentiel non vérifié", "ar": "لم يتم التحقق من المرجع",
                            "en": "référentiel not checked"},
    "suite": {"fr": "règles métier (Great Expectations)", "ar": "قواعد العمل", "en": "business rules"},
}


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
    lang = lang if lang in ("fr", "ar", "en") else "fr"
    issues = body.get("issues") or []
    return tk.render("casa/donnees/rapport.html", {
        "t": {k: v[lang] for k, v in LABELS.items()}, "lang": lang, "slug": slug, "release": release,
        "checks": [CHECKS.get(c, {}).get(lang, c) for c in body.get("checks", [])],
        "issues": issues[:LIMIT], "more": len(issues) > LIMIT, "valid": not issues,
        "json_url": tk.h.url_for("casa_reports.report", slug=slug, number=number, fmt="json"),
    })


casa_reports.add_url_rule("/donnees/<slug>/<int:number>/rapport-validation.<fmt>", view_func=report)


def get_blueprints() -> list[Blueprint]:
    return [casa_reports]
