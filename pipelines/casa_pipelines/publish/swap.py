"""``casa publish`` and ``casa rollback``: put a release's public subset on
the portal, or change nothing and say why.

The path, under the dataset's lock (the swap is a rename inside one
transaction, so readers see the old table or the new one, never a half-built
one):

1. gate: the release is validated, or each failed rule has a recorded
   waiver; an embargo date in the future only schedules it;
2. build: one ``CREATE TABLE AS`` pass from the staged table to a new table
   of the public datastore schema, with the declared public columns, row
   filter and redactions, ``_id``, the search column ``_full_text`` (text
   columns only, ``simple`` configuration over folded text) and, where there
   are coordinates, the geometry ``_geom``; then indexes and ``ANALYZE``;
3. swap: in one transaction, the new table takes the name CKAN's datastore
   knows (the table resource's id), the old one is dropped, and the release
   statuses change. Until this commit nothing public has changed; after it,
   everything has;
4. downloads of the release (immutable files, built once), then the CKAN
   dataset and its resources. Both are idempotent and recorded as done in
   ``casa_staging.publication``: a publication killed after the swap is
   completed by the next ``casa publish`` of that dataset.

A rollback republishes an earlier, once public release by the same path:
its staged table is kept, so nothing is re-read or re-validated.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from casa_pipelines.errors import PublishError
from casa_pipelines.publish import gate
from casa_pipelines.publish.public_table import (
    PUBLIC,
    build_public_table,
    drop_stale_builds,
    keep_replaced,
    take_kept,
)
from casa_pipelines.releases.record import (
    ONCE_PUBLIC,
    Release,
    actor,
    current,
    dataset_lock,
    ensure_tables,
    get,
    latest,
    log_event,
    report_of,
    waivers,
)
from casa_pipelines.releases.stage import STAGING
from casa_pipelines.spec import DatasetSpec

_NAMESPACE = uuid.UUID("6f1d8a52-3c0e-4d55-9f7e-0c2a1b3c4d5e")


def table_resource_id(slug: str) -> str:
    """The id of the dataset's queryable resource, which is also its datastore
    table's name: derived from the slug, so the table can be built before the
    catalogue entry exists and stays the same across releases."""
    return str(uuid.uuid5(_NAMESPACE, f"casa-urban-data:{slug}:table"))


@dataclass
class PublishResult:
    release: Release
    action: str  # published, rolled-back, scheduled, completed (already current)
    timings: dict[str, float] = field(default_factory=dict)
    rows: int = 0
    steps: list[str] = field(default_factory=list)


# The steps of a publication, in order, as reported to ``progress``.
STEPS = ("gate", "build", "swap", "downloads", "catalogue")
# Optional later steps, given by the caller: (spec, conn, release, table) -> None, or
# False when there was nothing to do (a catalogue entry already as declared).
Step = Callable[[DatasetSpec, psycopg.Connection, Release, tuple[str, str]], bool | None]


def publish(spec: DatasetSpec, url: str, *, number: int | None = None, embargo: dt.date | None = None,
            waive: list[str] | tuple[str, ...] = (), reason: str | None = None, rollback: bool = False,
            downloads: Step | None = None, catalogue: Step | None = None, archive_dir: Path | None = None,
            today: dt.date | None = None, progress: Callable[[str], None] | None = None) -> PublishResult:
    today = today or dt.date.today()
    step = progress or (lambda name: None)
    if waive and not (reason and reason.strip()):
        raise gate.GateClosed("Une dérogation (--waive) exige un motif : --reason \"…\".",
                              "A waiver (--waive) needs a reason: --reason \"…\".")
    try:
        conn = psycopg.connect(url)
    except psycopg.OperationalError as exc:
        raise PublishError(f"Base datastore injoignable : {exc}", f"Datastore database unreachable: {exc}") from None
    with conn, dataset_lock(conn, spec.slug):
        step("gate")
        ensure_tables(conn)
        drop_stale_builds(conn, spec.slug)
        release = _choose(conn, spec.slug, number)
        resource_id = table_resource_id(spec.slug)
        if release.status == "published":
            # Already what the portal shows: finish what a killed run left undone, and
            # bring the catalogue entry up to the dataset's definition if it changed since.
            result = PublishResult(release, "completed")
            _finish(spec, conn, release, resource_id, result, downloads, catalogue, step, resync=True)
            return result
        if rollback:
            if release.status not in ONCE_PUBLIC:
                raise gate.GateClosed(
                    f"La version {release.number} n'a jamais été publiée : publiez-la avec "
                    f"`casa publish {spec.slug} --release {release.number}`.",
                    f"Release {release.number} was never published: publish it with "
                    f"`casa publish {spec.slug} --release {release.number}`.")
        else:
            if release.status == "withdrawn":
                raise gate.GateClosed(
                    f"La version {release.number} a déjà été publiée puis remplacée : pour y revenir, "
                    f"`casa rollback {spec.slug} --to {release.number}`.",
                    f"Release {release.number} was published and then replaced: to go back to it, "
                    f"`casa rollback {spec.slug} --to {release.number}`.")
            _gate(conn, spec.slug, release, list(waive), reason)
            when = embargo or release.embargo_until
            if when and when > today:
                conn.execute(f"UPDATE {STAGING}.release SET status = 'scheduled', embargo_until = %s "
                             "WHERE dataset = %s AND number = %s", (when, spec.slug, release.number))
                log_event(conn, spec.slug, release.number, "schedule", {"embargo_until": when})
                conn.commit()
                return PublishResult(get(conn, spec.slug, release.number), "scheduled")  # type: ignore[arg-type]
        result = PublishResult(release, "rolled-back" if rollback else "published")
        step("build")
        t0 = time.perf_counter()
        # Back to the release the last publication replaced: its table was kept.
        kept = take_kept(conn, spec, release)
        build, rows = kept or build_public_table(conn, spec, release, result.timings, archive_dir)
        result.timings["kept" if kept else "build"] = time.perf_counter() - t0
        result.rows = rows
        step("swap")
        t0 = time.perf_counter()
        try:
            _swap(conn, spec.slug, release, build, resource_id, rollback)
        except BaseException:
            conn.rollback()
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(PUBLIC, build)))
            conn.commit()
            raise
        result.timings["swap"] = time.perf_counter() - t0
        result.release = get(conn, spec.slug, release.number)  # type: ignore[assignment]
        _finish(spec, conn, result.release, resource_id, result, downloads, catalogue, step)
        return result


def publish_due(url: str, specs: dict[str, DatasetSpec], *, today: dt.date | None = None,
                downloads: Step | None = None, catalogue: Step | None = None,
                archive_dir: Path | None = None) -> list[PublishResult]:
    """Publish every scheduled release whose embargo date has come (for cron)."""
    today = today or dt.date.today()
    with psycopg.connect(url) as conn:
        ensure_tables(conn)
        due = conn.execute(f"SELECT dataset, number FROM {STAGING}.release WHERE status = 'scheduled' "
                           "AND embargo_until <= %s ORDER BY embargo_until, dataset", (today,)).fetchall()
    out = []
    for slug, number in due:
        if slug not in specs:
            continue
        out.append(publish(specs[slug], url, number=number, downloads=downloads, catalogue=catalogue,
                           archive_dir=archive_dir, today=today))
    return out


def _choose(conn: psycopg.Connection, slug: str, number: int | None) -> Release:
    release = get(conn, slug, number) if number is not None else latest(conn, slug)
    if release is None:
        if number is None:
            raise PublishError(f"« {slug} » n'a encore aucune version : chargez un fichier avec `casa ingest`.",
                               f"'{slug}' has no release yet: load a file with `casa ingest`.")
        raise PublishError(f"« {slug} » n'a pas de version {number} (voir `casa releases {slug}`).",
                           f"'{slug}' has no release {number} (see `casa releases {slug}`).")
    return release


def _gate(conn: psycopg.Connection, slug: str, release: Release, asked: list[str], reason: str | None) -> None:
    report = report_of(conn, slug, release.number)
    failed = gate.failed_rules(report) if release.status == "failed" else {}
    if asked and not failed:
        raise gate.GateClosed(f"Dérogation inutile : la version {release.number} est valide.",
                              f"No waiver needed: release {release.number} is valid.")
    gate.check_waivers(failed, waivers(conn, slug, release.number), asked)
    for rule in asked:
        conn.execute(f"INSERT INTO {STAGING}.waiver (dataset, number, rule, reason, actor) "
                     "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (dataset, number, rule) "
                     "DO UPDATE SET reason = excluded.reason, actor = excluded.actor, created_at = now()",
                     (slug, release.number, rule, reason, actor()))
        log_event(conn, slug, release.number, "waive", {"rule": rule, "reason": reason})


def _swap(conn: psycopg.Connection, slug: str, release: Release, build: str, resource_id: str,
          rollback: bool) -> None:
    """The one transaction after which the portal serves ``release``."""
    old = f"{resource_id}__old"
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(PUBLIC, old)))
    conn.execute(sql.SQL("ALTER TABLE IF EXISTS {} RENAME TO {}").format(
        sql.Identifier(PUBLIC, resource_id), sql.Identifier(old)))
    conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(sql.Identifier(PUBLIC, build),
                                                               sql.Identifier(resource_id)))
    if conn.execute("SELECT to_regclass(%s)", (f'{PUBLIC}."{old}"',)).fetchone() != (None,):
        keep_replaced(conn, slug, old)  # for an instant rollback to the replaced release
    previous = current(conn, slug)
    conn.execute(f"UPDATE {STAGING}.release SET status = 'withdrawn' WHERE dataset = %s AND status = 'published'",
                 (slug,))
    conn.execute(f"UPDATE {STAGING}.release SET status = 'published', published_at = now(), "
                 "first_published_at = coalesce(first_published_at, now()) WHERE dataset = %s AND number = %s",
                 (slug, release.number))
    conn.execute(f"INSERT INTO {STAGING}.publication (dataset, number, resource_id, published_at) "
                 "VALUES (%s, %s, %s, now()) ON CONFLICT (dataset) DO UPDATE SET number = excluded.number, "
                 "published_at = excluded.published_at, downloads_built = false, catalogue_synced = false",
                 (slug, release.number, resource_id))
    log_event(conn, slug, release.number, "rollback" if rollback else "publish",
              {"previous": previous.number if previous else None})
    conn.commit()


def _finish(spec: DatasetSpec, conn: psycopg.Connection, release: Release, resource_id: str,
            result: PublishResult, downloads: Step | None, catalogue: Step | None,
            step: Callable[[str], None], resync: bool = False) -> None:
    """Downloads, then the catalogue: each done once, recorded when done.
    ``resync``: the catalogue step runs even when done (it changes nothing
    when the entry is already as declared; "catalogue-updated" otherwise)."""
    state = conn.execute(f"SELECT downloads_built, catalogue_synced FROM {STAGING}.publication WHERE dataset = %s",
                         (spec.slug,)).fetchone()
    conn.commit()
    built, synced = state if state else (False, False)
    table = (PUBLIC, resource_id)
    for name, action, done, column in (("downloads", downloads, built, "downloads_built"),
                                     ("catalogue", catalogue, synced, "catalogue_synced")):
        again = done and resync and name == "catalogue"
        if action is None or (done and not again):
            continue
        step(name)
        t0 = time.perf_counter()
        changed = action(spec, conn, release, table)
        result.timings[name] = time.perf_counter() - t0
        if changed is not False:
            result.steps.append(f"{name}-updated" if again else name)
        conn.execute(sql.SQL("UPDATE {}.publication SET {} = true WHERE dataset = %s AND number = %s").format(
            sql.Identifier(STAGING), sql.Identifier(column)), (spec.slug, release.number))
        conn.commit()


def has_geometry(conn: psycopg.Connection, table: tuple[str, str]) -> bool:
    row = conn.execute("SELECT 1 FROM pg_attribute WHERE attrelid = %s::regclass AND attname = '_geom'",
                       (f'{table[0]}."{table[1]}"',)).fetchone()
    conn.commit()
    return row is not None


def release_downloads(url: str, root: Path | None, spec: DatasetSpec, conn: psycopg.Connection, release: Release,
                      table: tuple[str, str]) -> Any:
    """The downloads step: the release's files built once from its public
    table (GeoJSON too when the table has a geometry)."""
    from casa_pipelines.downloads.build import build_downloads
    from casa_pipelines.downloads.manifest import downloads_dir_for

    if root is None:
        raise PublishError("Dossier des téléchargements inconnu : définissez ckanext.casa.downloads_path dans l'ini "
                           "CKAN ou CASA_DOWNLOADS_DIR ; la publication est faite, relancez `casa publish`.",
                           "Downloads folder unknown: set ckanext.casa.downloads_path in the CKAN ini or "
                           "CASA_DOWNLOADS_DIR; the table is published, run `casa publish` again.")
    return build_downloads(url, table, spec, release.number, downloads_dir_for(root, spec.slug, release.number),
                           geometry_column="_geom" if has_geometry(conn, table) else None)
