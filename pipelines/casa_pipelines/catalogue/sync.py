"""The CKAN side of a publication: the dataset, in French and Arabic, with
its queryable table resource and one resource per download of every release
that was once public (stable URLs: an old release stays citable).

Calls go through ckanapi's ``LocalCKAN`` as the site user, inside a CKAN
application loaded from the profile's ini (``ckan_environment``), so the
usual validation, authorization, activity stream and search indexing apply.
The whole entry is derived from the dataset definition and the release
table each time, so running it twice gives the same dataset.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg

from casa_pipelines.errors import PublishError
from casa_pipelines.releases.record import ONCE_PUBLIC, Release, list_releases
from casa_pipelines.spec import DatasetSpec

# Dataset definitions' vocabularies -> the portal's (ckanext-casa's scheming schema, CKAN's licences).
FREQUENCIES = {"annual": "annuelle", "quarterly": "trimestrielle", "monthly": "mensuelle",
               "weekly": "hebdomadaire", "daily": "quotidienne", "irregular": "ponctuelle",
               "decennial": "decennale"}
LICENSES = {"cc-by-4.0": "cc-by", "cc-by-sa-4.0": "cc-by-sa", "cc-zero": "cc-zero", "odc-odbl": "odc-odbl",
            "odc-by": "odc-by", "other-open": "other-open"}
FORMAT_LABELS = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON", "geojson": "GeoJSON", "parquet": "Parquet",
                 "datapackage": "Data Package"}


@contextmanager
def ckan_environment(ini: Path) -> Iterator[None]:
    """A CKAN application and request context, as the ``ckan`` command makes."""
    try:
        from ckan.cli import load_config
        from ckan.config.middleware import make_app
    except ImportError:
        raise PublishError("CKAN n'est pas installé dans cet environnement : le catalogue ne peut pas être mis à jour.",
                           "CKAN is not installed here: the catalogue cannot be updated.") from None
    conf = load_config(str(ini))  # configures logging from the ini: quieten it afterwards
    for name in ("ckan", "ckanext", "sqlalchemy", "alembic"):
        logging.getLogger(name).setLevel(logging.ERROR)
    app = make_app(conf)
    with app._wsgi_app.test_request_context():  # type: ignore[attr-defined]
        yield


def download_url(site: str, slug: str, number: int, name: str) -> str:
    return f"{site.rstrip('/')}/donnees/{slug}/{number}/{name}"


def package_dict(spec: DatasetSpec, releases: list[Release], current: Release, resource_id: str,
                 manifests: dict[int, Any], site: str) -> dict[str, Any]:
    c = spec.ckan
    public = [r for r in releases if r.status in ONCE_PUBLIC]
    stamp = (current.published_at or current.created_at).strftime("%Y-%m-%d")
    notes = (f"{c.description['fr']}\n\nVersion courante : {current.number} (publiée le {stamp}, "
             f"{current.rows} lignes dans la version, sha256 `{current.sha256[:16]}…`). Les versions antérieures "
             "restent téléchargeables à leur adresse.")
    notes_ar = (f"{c.description['ar']}\n\nالإصدار الحالي: {current.number} (نُشر في {stamp}، "
                f"عدد الأسطر في الإصدار: {current.rows}، sha256 `{current.sha256[:16]}…`). تبقى الإصدارات السابقة "
                "قابلة للتحميل على عناوينها.")
    if c.attribution:
        notes += f"\n\nSource : {c.attribution}"
        notes_ar += f"\n\nالمصدر: {c.attribution_ar or c.attribution}"
    resources: list[dict[str, Any]] = [{
        "id": resource_id,
        "name": "Table interrogeable (version courante)",
        "name_ar": "الجدول القابل للاستعلام (الإصدار الحالي)",
        "description": f"Sous-ensemble public de la version {current.number}, interrogeable par l'API "
                       f"datastore_search (resource_id {resource_id}).",
        "description_ar": f"المعطيات العمومية للإصدار {current.number}، قابلة للاستعلام عبر واجهة "
                          f"datastore_search (resource_id {resource_id}).",
        "format": "CSV",
        "url_type": "datastore",
        "url": "_datastore_only_resource",
        "datastore_active": True,
    }]
    for release in sorted(public, key=lambda r: r.number, reverse=True):
        manifest = manifests.get(release.number)
        if manifest is None:
            continue
        when = (release.first_published_at or release.created_at).strftime("%Y-%m-%d")
        for f in manifest.files:
            label = FORMAT_LABELS.get(f.format, f.format.upper())
            resources.append({
                "name": f"Version {release.number} ({label})",
                "name_ar": f"الإصدار {release.number} ({label})",
                "description": f"Version {release.number}, publiée le {when}"
                               + (" (version courante)" if release.number == current.number else "")
                               + f". {f.bytes} octets, sha256 {f.sha256}.",
                "description_ar": f"الإصدار {release.number}، نُشر في {when}"
                                  + (" (الإصدار الحالي)" if release.number == current.number else "")
                                  + f". {f.bytes} بايت، sha256 {f.sha256}.",
                "format": label,
                "mimetype": f.mediatype,
                "url": download_url(site, spec.slug, release.number, f.name),
                "size": f.bytes,
                "hash": f"sha256:{f.sha256}",
            })
        resources.append({
            "name": f"Version {release.number} : rapport de validation",
            "name_ar": f"الإصدار {release.number} : تقرير التحقق",
            "description": "Ce qui a été vérifié, ce qui a échoué et les dérogations accordées, avec leur motif.",
            "description_ar": "ما تم التحقق منه، وما لم يجتز التحقق، والاستثناءات الممنوحة مع أسبابها.",
            "format": "HTML",
            "url": download_url(site, spec.slug, release.number, "rapport-validation.html"),
        })
    return {
        "name": spec.slug,
        "title": c.title["fr"],
        "title_ar": c.title["ar"],
        "notes": notes,
        "notes_ar": notes_ar,
        "owner_org": c.organization,
        "license_id": LICENSES.get(c.license, c.license),
        "frequency": FREQUENCIES[c.frequency],
        "attribution": c.attribution or "",
        "attribution_ar": c.attribution_ar or "",
        "source": spec.source.origin or "",
        "source_ar": spec.source.origin_ar or "",
        "spatial_coverage": c.coverage or "",
        # The source's own page: the PyPI package the data is exported from.
        "url": f"https://pypi.org/project/{spec.source.package.name}/" if spec.source.package else "",
        "version": str(current.number),
        "groups": [{"name": c.theme}],
        "tags": [{"name": t} for t in dict.fromkeys([*c.tags["fr"], *c.tags["ar"]])],
        "resources": resources,
    }


def _shown(existing: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether the catalogue entry ``existing`` already shows ``wanted``:
    every field we send, as CKAN stores it (the organization by id, tags and
    theme as lists of names, resources in order)."""
    for key, value in wanted.items():
        if key == "owner_org":
            same = value in (existing.get("owner_org"), (existing.get("organization") or {}).get("name"))
        elif key in ("groups", "tags"):
            same = sorted(v["name"] for v in value) == sorted(v.get("name") for v in existing.get(key) or [])
        elif key == "resources":
            have = existing.get(key) or []
            same = len(have) == len(value) and all(
                # CKAN rewrites the datastore resource's URL: the rest must match.
                all((k == "url" and w.get("url_type") == "datastore") or h.get(k) == v for k, v in w.items())
                for w, h in zip(value, have))
        else:
            same = (existing.get(key) or "") == (value or "")
        if not same:
            return False
    return True


def sync(spec: DatasetSpec, conn: psycopg.Connection, current: Release, resource_id: str,
         downloads_root: Path | None, site: str) -> dict[str, Any] | None:
    """Create or update the dataset so that it shows ``current`` as the
    definition declares it; None when it already does (nothing written).
    Needs a CKAN environment (``ckan_environment``, or CKAN's own test app)."""
    from ckanapi import LocalCKAN, NotFound, ValidationError

    from casa_pipelines.downloads.manifest import downloads_dir_for, read_manifest

    releases = list_releases(conn, spec.slug)
    manifests = {}
    if downloads_root is not None:
        for r in releases:
            if r.status in ONCE_PUBLIC:
                manifests[r.number] = read_manifest(downloads_dir_for(downloads_root, spec.slug, r.number))
    wanted = package_dict(spec, releases, current, resource_id, manifests, site)
    ckan = LocalCKAN()
    try:
        try:
            existing = ckan.action.package_show(id=spec.slug)
        except NotFound:
            return ckan.action.package_create(**wanted)
        # Keep resource ids (and so their links and views) where the URL is the same.
        by_url = {r["url"]: r["id"] for r in existing["resources"] if r.get("url_type") != "datastore"}
        for r in wanted["resources"]:
            if r["url"] in by_url:
                r["id"] = by_url[r["url"]]
        if _shown(existing, wanted):
            return None
        return ckan.action.package_update(id=existing["id"], **wanted)
    except ValidationError as exc:
        detail = "; ".join(f"{k}: {v}" for k, v in (exc.error_dict or {}).items() if k != "__type")
        raise PublishError(f"Le catalogue a refusé le jeu de données « {spec.slug} » : {detail}. "
                           f"Vérifiez la section `ckan` de {spec.path} (organisation et thème existants ?).",
                           f"The catalogue refused dataset '{spec.slug}': {detail}. Check the `ckan` section of "
                           f"{spec.path} (do the organization and theme exist?).") from None
