"""The releases of a dataset that are or were public, with the files of
each, as the DCAT profile and the feeds describe them.

Read through the pipelines' read API (``casa_pipelines.releases.bookkeeping``
for the releases, ``casa_pipelines.downloads.manifest`` for each release's
manifest) with the datastore's read-only URL."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

import ckan.plugins.toolkit as tk

from ckanext.casa.views.downloads import downloads_root

log = logging.getLogger(__name__)

CURRENT = "published"


@dataclass(frozen=True)
class PublicRelease:
    slug: str
    number: int
    status: str  # published (the current one) or withdrawn (replaced, or rolled back from)
    sha256: str
    rows: int
    issued: dt.datetime
    manifest: Any  # casa_pipelines.downloads.Manifest, or None when the downloads are not built

    @property
    def current(self) -> bool:
        return self.status == CURRENT


def public_releases(slug: str) -> list[PublicRelease]:
    """Oldest first; empty when nothing was ever published or nothing says."""
    return public_releases_of([slug]).get(slug, [])


def public_releases_of(slugs: list[str]) -> dict[str, list[PublicRelease]]:
    """The public releases of several datasets, read on one connection."""
    url = tk.config.get("ckan.datastore.read_url")
    if not url or not slugs:
        return {}
    from casa_pipelines.downloads.manifest import downloads_dir_for, read_manifest
    from casa_pipelines.releases import bookkeeping

    from ckanext.casa.views.downloads import bookkeeping_engine

    found: dict[str, list[dict[str, Any]]] = {}
    try:
        with bookkeeping_engine(url).connect() as conn:
            for r in sorted(bookkeeping.public_releases(conn, slugs), key=lambda r: r["number"]):
                found.setdefault(r["dataset"], []).append(r)
    except (bookkeeping.BookkeepingUnavailable, sa.exc.SQLAlchemyError) as err:
        log.error("casa interop: cannot read the releases: %s", err)
        return {}
    root = downloads_root()
    out: dict[str, list[PublicRelease]] = {}
    for slug, releases in found.items():
        for r in releases:
            manifest = read_manifest(downloads_dir_for(root, slug, r["number"])) if root is not None else None
            issued = r["first_published_at"] or r["published_at"] or r["created_at"]
            out.setdefault(slug, []).append(
                PublicRelease(slug, r["number"], r["status"], r["sha256"], r["rows"], issued, manifest))
    return out
