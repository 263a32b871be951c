"""What the home page shows: the platform's holdings, counted in the
databases (never written by hand), the latest releases with their dates,
and the themes that hold datasets."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

# Statuses of releases that are or were public (casa_pipelines.release.ONCE_PUBLIC).
ONCE_PUBLIC = ("published", "withdrawn")
LATEST = 5


def _context() -> dict[str, Any]:
    """The visitor's own rights: private datasets stay out of every figure."""
    return {"user": tk.g.user if tk.g and getattr(tk.g, "user", None) else "", "for_view": True}


def dataset_count() -> int:
    return tk.get_action("package_search")(_context(), {"rows": 0})["count"]


def themes() -> list[dict[str, Any]]:
    """The themes holding at least one dataset the visitor can see, with
    their counts, largest first: an empty theme is never featured."""
    groups = tk.get_action("group_list")(_context(), {"all_fields": True, "include_extras": True})
    shown = [g for g in groups if g.get("package_count")]
    return sorted(shown, key=lambda g: (-g["package_count"], g["name"]))


def referentials() -> list[dict[str, Any]]:
    """The published référentiels; none when their tables are not loaded."""
    try:
        return tk.get_action("casa_referential_list")(_context(), {})
    except (tk.ObjectNotFound, sa.exc.SQLAlchemyError) as exc:
        log.info("No référentiel to show on the home page: %s", exc)
        return []


def latest_releases(limit: int = LATEST) -> tuple[int, list[dict[str, Any]]]:
    """How many releases are or were public, and the latest ones (dataset,
    number, first publication date) the visitor may see."""
    from ckanext.casa.views.downloads import staging_engine

    url = tk.config.get("ckan.datastore.write_url")  # the public read user cannot see casa_staging
    if not url:
        return 0, []
    query = sa.text(
        "SELECT dataset, number, rows, sha256, first_published_at FROM casa_staging.release "
        "WHERE status = ANY(:s) AND first_published_at IS NOT NULL ORDER BY first_published_at DESC, dataset")
    try:
        with staging_engine(url).connect() as conn:
            if conn.execute(sa.text("SELECT to_regclass('casa_staging.release')")).scalar() is None:
                return 0, []
            found = [dict(r._mapping) for r in conn.execute(query, {"s": list(ONCE_PUBLIC)})]
    except sa.exc.SQLAlchemyError as exc:
        log.warning("Release bookkeeping unreadable for the home page: %s", exc)
        return 0, []
    visible: dict[str, dict[str, Any] | None] = {}
    shown: list[dict[str, Any]] = []
    count = 0
    for release in found:
        slug = release["dataset"]
        if slug not in visible:
            try:
                visible[slug] = tk.get_action("package_show")(_context(), {"id": slug})
            except (tk.ObjectNotFound, tk.NotAuthorized):
                visible[slug] = None
        if visible[slug] is None:
            continue
        count += 1
        if len(shown) < limit:
            shown.append({**release, "package": visible[slug]})
    return count, shown


def home() -> dict[str, Any]:
    releases_count, releases = latest_releases()
    refs = referentials()
    return {"datasets": dataset_count(), "themes": themes(), "referentials": refs,
            "releases_count": releases_count, "releases": releases}


def data_office() -> dict[str, Any] | None:
    """The organization that runs the platform (``ckanext.casa.data_office``)."""
    try:
        return tk.get_action("organization_show")(_context(), {"id": tk.config.get("ckanext.casa.data_office")})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        return None


def citation_example() -> dict[str, Any] | None:
    """How to cite a release, shown on the latest real one; None when
    nothing has been published."""
    _count, releases = latest_releases(limit=1)
    if not releases:
        return None
    r = releases[0]
    pkg = r["package"]
    publisher = (pkg.get("organization") or {}).get("title") or ""
    files = tk.h.url_for("casa_downloads.release_index", slug=r["dataset"], release=r["number"], locale="default",
                         _external=True)
    text = tk._("{publisher}, {title}, release {number} ({date}), {url}, sha256 {sha256}").format(
        publisher=publisher, title=tk.h.dataset_display_name(pkg), number=r["number"],
        date=tk.h.render_datetime(r["first_published_at"]), url=files, sha256=r["sha256"])
    return {"text": text}
