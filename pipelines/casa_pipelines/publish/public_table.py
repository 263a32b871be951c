"""The public table of a release: one ``CREATE TABLE AS`` pass from the
staged table (declared public columns, row filter, redactions, ``_id``,
search column, geometry), its indexes built side by side, ``ANALYZE``; under
a name CKAN does not know until ``publish`` swaps it in."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

from casa_pipelines.errors import PublishError, SpecError
from casa_pipelines.releases.archive import ensure_staged
from casa_pipelines.releases.record import Release, staged_columns
from casa_pipelines.releases.stage import STAGING, table_prefix
from casa_pipelines.search_text import SEARCH, searchable
from casa_pipelines.spec import DatasetSpec

PUBLIC = "public"  # CKAN's datastore tables live in the public schema
MAINTENANCE_WORK_MEM = "512MB"  # for each index build of a publication
INDEX_WORKERS = 3  # index builds at the same time


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
                       timings: dict[str, float] | None = None, archive_dir: Path | None = None) -> tuple[str, int]:
    """Build the public subset of ``release`` in a new table of the public
    schema, not yet known to CKAN; return its name and row count."""
    # Staged tables are UNLOGGED (no WAL for COPY: see releases/archive.py),
    # so a PostgreSQL crash empties them.
    # Such a table is filled again from the release's archive, or refused.
    ensure_staged(conn, release, archive_dir)
    staged = staged_columns(conn, release.staged_table)
    pub = spec.public
    missing = [c for c in [*pub.columns, *pub.filter, *(r.column for r in pub.redactions)] if c not in staged]
    if missing:
        raise SpecError(f"{spec.path} : `public` cite la colonne « {missing[0]} », absente de la version "
                        f"{release.number} (colonnes : {', '.join(c for c in staged if not c.startswith('_'))}).",
                        f"{spec.path}: `public` names column '{missing[0]}', which release {release.number} "
                        "does not have.")
    redact = {r.column: r.below for r in pub.redactions}
    key = primary_key(spec)
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
        elif column in key and staged[column] == "text":
            # Identifiers compare byte by byte: the key's unique index sorts with
            # memcmp and abbreviated keys instead of the locale's strcoll
            # (0.73 -> 0.47 s for a million keys), in the same order on a
            # UTF-8 database's C.UTF-8 collation.
            select.append(sql.SQL('{c} COLLATE "C" AS {c}').format(c=ident))
        else:
            select.append(ident)
    from casa_pipelines.validate import load_schema

    descriptor = load_schema(spec.schema_path)
    texts = searchable(spec, descriptor, [c for c, t in staged.items() if t == "text"])
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

    def timed(name: str, statement: sql.Composable) -> int:
        t0 = time.perf_counter()
        rowcount = conn.execute(statement).rowcount
        timings[name] = timings.get(name, 0.0) + time.perf_counter() - t0
        return rowcount

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
        rows = timed("table", statement)  # CREATE TABLE AS reports its row count
        info = _field_info(spec)
        for column in pub.columns:
            if column in info:
                comment = " " + json.dumps({"_info": info[column]}, ensure_ascii=False, separators=(",", ":"))
                conn.execute(sql.SQL("COMMENT ON COLUMN {}.{} IS {}").format(
                    ident, sql.Identifier(column), sql.Literal(comment)))
        conn.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(ident, sql.Literal(table_comment(spec, release))))
        # Committed under a name CKAN does not know, so that the indexes can
        # be built side by side on connections of their own.
        conn.commit()
        t0 = time.perf_counter()
        _build_indexes(conn, indexes, timings)
        timings["indexes"] = time.perf_counter() - t0
        conn.execute(sql.SQL("ALTER TABLE {} ADD PRIMARY KEY USING INDEX {}").format(
            ident, sql.Identifier(f"{build}_pkey")))
        timed("analyze", sql.SQL("ANALYZE {}").format(ident))
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


def table_comment(spec: DatasetSpec, release: Release) -> str:
    """``casa:<dataset>:<release>:<signature>``: whose public table this is,
    and a hash of what else shaped it (the ``public`` section and the Table
    Schema), so that a kept table is reused only while they are unchanged."""
    import dataclasses

    from casa_pipelines.validate import load_schema

    shape = {"public": dataclasses.asdict(spec.public), "schema": load_schema(spec.schema_path)}
    signature = hashlib.sha256(json.dumps(shape, sort_keys=True, default=str).encode()).hexdigest()[:16]
    return f"casa:{spec.slug}:{release.number}:{signature}"


def kept_table(slug: str) -> str:
    """Where the public table a publication replaces is kept (in the staging
    schema, out of the public's reach): rolling back to that release is then
    a rename, not a rebuild."""
    return f"{table_prefix(slug)}__kept"


def keep_replaced(conn: psycopg.Connection, slug: str, replaced: str) -> None:
    """In the swap's transaction: ``public.<replaced>`` becomes the dataset's
    kept table, in place of the one kept before."""
    kept = kept_table(slug)
    conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(STAGING, kept)))
    conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(sql.Identifier(PUBLIC, replaced), sql.Identifier(kept)))
    conn.execute(sql.SQL("ALTER TABLE {} SET SCHEMA {}").format(sql.Identifier(PUBLIC, kept), sql.Identifier(STAGING)))


def take_kept(conn: psycopg.Connection, spec: DatasetSpec, release: Release) -> tuple[str, int] | None:
    """The kept table, if it is ``release``'s public table built as the
    dataset is declared now: moved back to the public schema under a build
    name, in the caller's transaction (the swap's); else None."""
    kept = kept_table(spec.slug)
    comment = conn.execute("SELECT obj_description(to_regclass(%s), 'pg_class')",
                           (f'{STAGING}."{kept}"',)).fetchone()
    if not comment or comment[0] != table_comment(spec, release):
        return None
    build = f"{build_prefix(spec.slug)}{uuid.uuid4().hex[:8]}"
    conn.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(sql.Identifier(STAGING, kept), sql.Identifier(build)))
    conn.execute(sql.SQL("ALTER TABLE {} SET SCHEMA {}").format(sql.Identifier(STAGING, build), sql.Identifier(PUBLIC)))
    rows = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(PUBLIC, build))).fetchone()[0]  # type: ignore[index]
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
