"""The downloads of published releases, at stable URLs:

- ``GET /donnees/<slug>/<release>/<file>``: one file of the release, as an
  attachment, with its sha256 as ETag (conditional GET answers 304);
- ``GET /donnees/<slug>/<release>/``: redirects to its ``datapackage.json``.

The files are built by the pipelines (``casa_pipelines.downloads.build``) under
``ckanext.casa.downloads_path``. Only what a release's manifest lists is
served, and only for a release that is or was public (status ``published``
or ``withdrawn`` in ``casa_staging.release``, read with the datastore write
URL since the public read user cannot see that schema): a release built but
still under embargo answers 404 until it is published. Releases are
immutable, so an old release stays downloadable at its URL.
"""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, redirect, send_file, url_for

import ckan.plugins.toolkit as tk

log = logging.getLogger(__name__)

casa_downloads = Blueprint("casa_downloads", __name__)

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
# Statuses of releases that are or were public (casa_pipelines.releases.record.ONCE_PUBLIC).
SERVABLE = ("published", "withdrawn")
NOT_FOUND = (
    "Téléchargement introuvable : ce fichier n'existe pas ou cette version n'est pas publiée. "
    "· التحميل غير موجود: هذا الملف غير موجود أو هذه النسخة غير منشورة. "
    "· Download not found: this file does not exist or this release is not published."
)
# A release's files never change; a day is enough for a withdrawn release
# to be noticed by caches as well.
MAX_AGE = 86400


def downloads_root() -> Path | None:
    configured = tk.config.get("ckanext.casa.downloads_path")
    if configured:
        return Path(configured)
    storage = tk.config.get("ckan.storage_path")
    return Path(storage) / "downloads" if storage else None


@functools.lru_cache(maxsize=4)
def staging_engine(url: str) -> sa.Engine:
    """The datastore write URL's engine: what reads casa_staging for the views."""
    return sa.create_engine(url, pool_pre_ping=True, pool_size=2, max_overflow=3)


def release_is_public(slug: str, number: int) -> bool:
    """True when the release is or was public; False when it is unknown,
    not yet published (validated, under embargo) or when nothing says."""
    url = tk.config.get("ckan.datastore.write_url")
    if not url:
        return False
    try:
        with staging_engine(url).connect() as conn:
            if conn.execute(sa.text("SELECT to_regclass('casa_staging.release')")).scalar() is None:
                return False
            status = conn.execute(
                sa.text("SELECT status FROM casa_staging.release WHERE dataset = :slug AND number = :number"),
                {"slug": slug, "number": number},
            ).scalar()
    except sa.exc.SQLAlchemyError as err:
        log.error("casa downloads: cannot read casa_staging.release: %s", err)
        return tk.abort(503, "Service momentanément indisponible · الخدمة غير متاحة مؤقتا "
                             "· Service temporarily unavailable")
    return status in SERVABLE


def _manifest(slug: str, release: int) -> Any:
    """The release's manifest, or None (404) when the slug is malformed, the
    release is not public or its downloads are not built."""
    if not SLUG.match(slug) or release < 1:
        return None
    root = downloads_root()
    if root is None or not release_is_public(slug, release):
        return None
    # Imported here: the pipelines' module loads pyarrow, which CKAN's other
    # pages do not need.
    from casa_pipelines.downloads.manifest import read_manifest

    return read_manifest(root / slug / str(release))


def _not_found() -> Any:
    return tk.abort(404, NOT_FOUND)


def download(slug: str, release: int, filename: str) -> Any:
    manifest = _manifest(slug, release)
    entry = manifest.get(filename) if manifest is not None else None
    if entry is None:
        return _not_found()
    root = downloads_root()
    assert root is not None
    directory = (root / slug / str(release)).resolve()
    path = (directory / entry.name).resolve()
    # The manifest names plain files of the directory; refuse anything else.
    if path.parent != directory or not path.is_file():
        return _not_found()
    response = send_file(
        path, mimetype=entry.mediatype, as_attachment=True, download_name=entry.name,
        etag=entry.sha256, conditional=True, max_age=MAX_AGE,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def release_index(slug: str, release: int) -> Any:
    manifest = _manifest(slug, release)
    if manifest is None:
        return _not_found()
    return redirect(url_for("casa_downloads.download", slug=slug, release=release,
                            filename="datapackage.json"))


casa_downloads.add_url_rule("/donnees/<slug>/<int:release>/<filename>", view_func=download)
casa_downloads.add_url_rule("/donnees/<slug>/<int:release>/", view_func=release_index)


def get_blueprints() -> list[Blueprint]:
    return [casa_downloads]
