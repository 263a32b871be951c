"""The releases of a dataset that are or were public, with the files of
each, as the DCAT profile and the feeds describe them.

Read through the pipelines' read API (``casa_pipelines.releases.record`` for the
bookkeeping, ``casa_pipelines.downloads.manifest`` for each release's manifest)
with the datastore write URL, since the public read user cannot see the
``casa_staging`` schema."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.casa.views.downloads import downloads_root

log = logging.getLogger(__name__)

CURRENT = "published"
ONCE_PUBLIC = ("published", "withdrawn")


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
    url = tk.config.get("ckan.datastore.write_url")
    if not url or not slugs:
        return {}
    import psycopg
    from casa_pipelines.downloads.manifest import downloads_dir_for, read_manifest
    from casa_pipelines.releases.record import list_releases

    found = {}
    try:
        with psycopg.connect(url.replace("postgresql+psycopg2://", "postgresql://"), connect_timeout=5) as conn:
            for slug in slugs:
                found[slug] = [r for r in list_releases(conn, slug) if r.status in ONCE_PUBLIC]
    except psycopg.Error as err:
        log.error("casa interop: cannot read the releases: %s", err)
        return {}
    root = downloads_root()
    out: dict[str, list[PublicRelease]] = {}
    for slug, releases in found.items():
        for r in releases:
            manifest = read_manifest(downloads_dir_for(root, slug, r.number)) if root is not None else None
            issued = r.first_published_at or r.published_at or r.created_at
            out.setdefault(slug, []).append(
                PublicRelease(slug, r.number, r.status, r.sha256, r.rows, issued, manifest))
    return out
