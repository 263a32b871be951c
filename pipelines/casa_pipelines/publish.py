"""``casa publish`` and ``casa rollback``: put a release's public subset on
the portal, or change nothing and say why.

The path (DESIGN.md, decision 5), under the dataset's lock:

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
import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from casa_pipelines import gate
from casa_pipelines.errors import PublishError, SpecError
from casa_pipelines.release import (
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
    staged_columns,
    waivers,
)
from casa_pipelines.search_text import SEARCH, searchable
from casa_pipelines.spec import DatasetSpec
from casa_pipelines.stage import STAGING

PUBLIC = "public"  # CKAN's datastore tables live in the public schema
MAINTENANCE_WORK_MEM = "512MB"  # for each index build of a publication
INDEX_WORKERS = 3  # index builds at the same time
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
# Optional later steps, given by the caller: (spec, conn, release, table) -> None.
Step = Callable[[DatasetSpec, psycopg.Connection, Release, tuple[str, str]], None]


def publish(spec: DatasetSpec, url: str, *, number: int | None = None, embargo: dt.date | None = None,
            waive: list[str] | tuple[str, ...] = (), reason: str | None = None, rollback: bool = False,
            downloads: Step | None = None, catalogue: Step | None = None,
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
            # Already what the portal shows: only finish what a killed run left undone.
            result = PublishResult(release, "completed")
            _finish(spec, conn, release, resource_id, result, downloads, catalogue, step)
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
        build, rows = build_public_table(conn, spec, release, result.timings)
        result.timings["build"] = time.perf_counter() - t0
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
                downloads: Step | None = None, catalogue: Step | None = None) -> list[PublishResult]:
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
        out.append(publish(specs[slug], url, number=number, downloads=downloads, catalogue=catalogue, today=today))
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


def _field_info(spec: DatasetSpec) -> dict[str, dict[str, str]]:
    """CKAN data dictionary entries from the Table Schema's titles and descriptions."""
    from casa_pipelines.validate import load_schema

    out = {}
    for f in load_schema(spec.schema_path).get("fields", []):
        info = {k: v for k, v in (("label", f.get("title")), ("notes", f.get("description"))) if v}
        if info:
            out[f["name"]] = info
    return out


def build_public_table(conn: psycopg.Connection, spec: DatasetSpec, release: Release,
                       timings: dict[str, float] | None = None) -> tuple[str, int]:
    """Build the public subset of ``release`` in a new table of the public
    schema, not yet known to CKAN; return its name and row count."""
    staged = staged_columns(conn, release.staged_table)
    if not staged:
        raise PublishError(f"Table de préparation de la version {release.number} introuvable "
                           f"({STAGING}.{release.staged_table}).",
                           f"Staged table of release {release.number} not found.")
    # Staged tables are UNLOGGED (DESIGN.md): a PostgreSQL crash empties them.
    # Never publish such a table as if it were the release.
    staged_rows = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(
        sql.Identifier(STAGING, release.staged_table))).fetchone()[0]  # type: ignore[index]
    if staged_rows != release.rows:
        conn.rollback()
        raise PublishError(
            f"La table de préparation de la version {release.number} a {staged_rows} lignes au lieu de "
            f"{release.rows} (vidée par un arrêt brutal de PostgreSQL ?) : rechargez son fichier avec "
            "`casa ingest`, rien de public n'a changé.",
            f"The staged table of release {release.number} has {staged_rows} rows instead of {release.rows} "
            "(emptied by a PostgreSQL crash?): load its file again with `casa ingest`; nothing public changed.")
    pub = spec.public
    missing = [c for c in [*pub.columns, *pub.filter, *(r.column for r in pub.redactions)] if c not in staged]
    if missing:
        raise SpecError(f"{spec.path} : `public` cite la colonne « {missing[0]} », absente de la version "
                        f"{release.number} (colonnes : {', '.join(c for c in staged if not c.startswith('_'))}).",
                        f"{spec.path}: `public` names column '{missing[0]}', which release {release.number} "
                        "does not have.")
    redact = {r.column: r.below for r in pub.redactions}
    # Rows staged with their position take it as _id (no window function, so
    # the build can run in parallel); older releases number them here.
    select: list[sql.Composable] = [sql.SQL("_id::integer AS _id" if "_id" in staged
                                            else "(row_number() OVER ())::integer AS _id")]
    for column in pub.columns:
        ident = sql.Identifier(column)
        if column in redact:
            # Small counts are suppressed (statistical secrecy), not rounded.
            select.append(sql.SQL("CASE WHEN {c} < {b} THEN NULL ELSE {c} END AS {c}").format(
                c=ident, b=sql.Literal(redact[column])))
        else:
            select.append(ident)
    key = primary_key(spec)
    texts = searchable(pub.columns, pub.search, [c for c, t in staged.items() if t == "text"], key)
    if SEARCH in staged:
        # Folded at ingest (search_text.py) from the same columns.
        select.append(sql.SQL("{}::tsvector AS _full_text").format(sql.Identifier(SEARCH)))
    elif texts:
        # Releases staged before ingest folded the words: fold them here (about 10 µs a row).
        joined = sql.SQL(", ").join(sql.Identifier(c) for c in texts)
        select.append(sql.SQL("to_tsvector('simple', {}.fold(concat_ws(' ', {}))) AS _full_text").format(
            sql.Identifier(STAGING), joined))
    else:
        select.append(sql.SQL("NULL::tsvector AS _full_text"))
    geometry = _geometry_expression(staged)
    if geometry is not None:
        select.append(sql.SQL("{} AS _geom").format(geometry))
    where: list[sql.Composable] = [
        sql.SQL("{}::text = ANY({})").format(sql.Identifier(c), sql.Literal(values))
        for c, values in pub.filter.items()]
    build = f"{build_prefix(spec.slug)}{uuid.uuid4().hex[:8]}"
    ident = sql.Identifier(PUBLIC, build)
    statement = sql.SQL("CREATE TABLE {} AS SELECT {} FROM {}{}").format(
        ident, sql.SQL(", ").join(select), sql.Identifier(STAGING, release.staged_table),
        sql.SQL(" WHERE ") + sql.SQL(" AND ").join(where) if where else sql.SQL(""))
    timings = timings if timings is not None else {}

    def timed(name: str, statement: sql.Composable) -> None:
        t0 = time.perf_counter()
        conn.execute(statement)
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0

    indexes = [("index_id", sql.SQL("CREATE UNIQUE INDEX {} ON {} (_id)").format(
        sql.Identifier(f"{build}_pkey"), ident)),
        ("index_text", sql.SQL("CREATE INDEX ON {} USING gin (_full_text)").format(ident))]
    if geometry is not None:
        indexes.append(("index_geometry", sql.SQL("CREATE INDEX ON {} USING gist (_geom)").format(ident)))
    if key and all(c in pub.columns for c in key):
        indexes.append(("index_key", sql.SQL("CREATE UNIQUE INDEX ON {} ({})").format(
            ident, sql.SQL(", ").join(sql.Identifier(c) for c in key))))
    try:
        # The build's projection (casts, geometry) is spread over parallel workers.
        conn.execute("SET LOCAL parallel_setup_cost = 0")
        conn.execute("SET LOCAL parallel_tuple_cost = 0")
        timed("table", statement)
        info = _field_info(spec)
        for column in pub.columns:
            if column in info:
                comment = " " + json.dumps({"_info": info[column]}, ensure_ascii=False, separators=(",", ":"))
                conn.execute(sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(
                    ident, sql.Identifier(column), sql.Literal(comment)))
        conn.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(
            ident, sql.Literal(f"casa:{spec.slug}:{release.number}")))
        # Committed under a name CKAN does not know, so that the indexes can
        # be built side by side on connections of their own.
        conn.commit()
        t0 = time.perf_counter()
        _build_indexes(conn, indexes, timings)
        timings["indexes"] = time.perf_counter() - t0
        conn.execute(sql.SQL("ALTER TABLE {} ADD PRIMARY KEY USING INDEX {}").format(
            ident, sql.Identifier(f"{build}_pkey")))
        timed("analyze", sql.SQL("ANALYZE {}").format(ident))
        rows = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(ident)).fetchone()[0]  # type: ignore[index]
        conn.commit()
    except BaseException as exc:
        conn.rollback()
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(ident))
        conn.commit()
        if isinstance(exc, psycopg.Error):
            raise PublishError(f"Construction de la table publique impossible : {exc.diag.message_primary or exc}",
                               f"Cannot build the public table: {exc.diag.message_primary or exc}") from None
        raise
    return build, rows


def build_prefix(slug: str) -> str:
    """Names of a dataset's tables under construction: a hash of the whole
    slug, so one dataset's clean-up never meets another's build."""
    return f"casa_build_{hashlib.sha256(slug.encode()).hexdigest()[:12]}_"


def drop_stale_builds(conn: psycopg.Connection, slug: str) -> list[str]:
    """Tables left by a publication killed during its build; safe to drop
    under the dataset's lock, since nothing else builds for it."""
    names = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename LIKE %s",
        (PUBLIC, build_prefix(slug).replace("_", r"\_") + "%")).fetchall()]
    for name in names:
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(PUBLIC, name)))
    conn.commit()
    return names


def _build_indexes(conn: psycopg.Connection, indexes: list[tuple[str, sql.Composable]],
                   timings: dict[str, float]) -> None:
    """CREATE INDEX statements at the same time, one connection each: each
    build uses one core, and they only share a lock that lets them all run."""
    from concurrent.futures import ThreadPoolExecutor

    params = conn.info.get_parameters()
    params["password"] = conn.info.password or ""

    def run(item: tuple[str, sql.Composable]) -> None:
        name, statement = item
        with psycopg.connect(**params, autocommit=True) as own:
            # Index builds sort in memory rather than in many small runs on disk.
            own.execute(f"SET maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
            t0 = time.perf_counter()
            own.execute(statement)
            timings[name] = time.perf_counter() - t0

    with ThreadPoolExecutor(max_workers=INDEX_WORKERS) as pool:
        for future in [pool.submit(run, item) for item in indexes]:
            future.result()  # the first failure, if any, is raised here


def _geometry_expression(staged: dict[str, str]) -> sql.Composable | None:
    """Points from the staged GeoJSON geometry or from longitude/latitude."""
    if "_geometry" in staged:
        return sql.SQL("ST_SetSRID(ST_GeomFromGeoJSON(_geometry), 4326)")
    pairs = [("longitude", "latitude"), ("lon", "lat"), ("x", "y")]
    for lon, lat in pairs:
        if lon in staged and lat in staged:
            return sql.SQL("ST_SetSRID(ST_MakePoint({}, {}), 4326)").format(sql.Identifier(lon), sql.Identifier(lat))
    return None


def primary_key(spec: DatasetSpec) -> list[str]:
    from casa_pipelines.validate import load_schema

    key = load_schema(spec.schema_path).get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def _swap(conn: psycopg.Connection, slug: str, release: Release, build: str, resource_id: str,
          rollback: bool) -> None:
    """The one transaction after which the portal serves ``release``."""
    old = f"{resource_id}__old"
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(PUBLIC, old)))
    conn.execute(sql.SQL("ALTER TABLE IF EXISTS {} RENAME TO {}").format(
        sql.Identifier(PUBLIC, resource_id), sql.Identifier(old)))
    conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(sql.Identifier(PUBLIC, build),
                                                               sql.Identifier(resource_id)))
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(PUBLIC, old)))
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
            step: Callable[[str], None]) -> None:
    """Downloads, then the catalogue: each done once, recorded when done."""
    state = conn.execute(f"SELECT downloads_built, catalogue_synced FROM {STAGING}.publication WHERE dataset = %s",
                         (spec.slug,)).fetchone()
    conn.commit()
    built, synced = state if state else (False, False)
    table = (PUBLIC, resource_id)
    for name, action, done, column in (("downloads", downloads, built, "downloads_built"),
                                     ("catalogue", catalogue, synced, "catalogue_synced")):
        if action is None or done:
            continue
        step(name)
        t0 = time.perf_counter()
        action(spec, conn, release, table)
        result.timings[name] = time.perf_counter() - t0
        result.steps.append(name)
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
    from casa_pipelines.downloads import build_downloads, downloads_dir_for

    if root is None:
        raise PublishError("Dossier des téléchargements inconnu : définissez ckanext.casa.downloads_path dans l'ini "
                           "CKAN ou CASA_DOWNLOADS_DIR ; la publication est faite, relancez `casa publish`.",
                           "Downloads folder unknown: set ckanext.casa.downloads_path in the CKAN ini or "
                           "CASA_DOWNLOADS_DIR; the table is published, run `casa publish` again.")
    return build_downloads(url, table, spec, release.number, downloads_dir_for(root, spec.slug, release.number),
                           geometry_column="_geom" if has_geometry(conn, table) else None)
