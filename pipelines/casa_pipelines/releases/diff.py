"""``casa diff``: what changed between two releases of a dataset, by primary
key, computed in PostgreSQL on the staged tables (releases are immutable, so
the answer never changes).

Rows are matched on the Table Schema's primary key: added, removed, changed
(with a count per column) and unchanged, plus a few example keys of each.
Without a primary key, rows are compared whole (``EXCEPT ALL``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from casa_pipelines.errors import PublishError
from casa_pipelines.releases.archive import ensure_staged
from casa_pipelines.releases.record import Release, get, staged_columns
from casa_pipelines.releases.stage import STAGING

SAMPLE = 5


@dataclass
class ReleaseDiff:
    dataset: str
    old: int
    new: int
    key: list[str]
    added: int
    removed: int
    changed: int
    unchanged: int
    columns_changed: dict[str, int] = field(default_factory=dict)  # column -> rows where it changed
    columns_added: list[str] = field(default_factory=list)
    columns_removed: list[str] = field(default_factory=list)
    examples: dict[str, list[list[Any]]] = field(default_factory=dict)  # kind -> example keys

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _columns(conn: psycopg.Connection, table: str) -> list[str]:
    return [c for c in staged_columns(conn, table) if not c.startswith("_")]


def _release(conn: psycopg.Connection, slug: str, number: int) -> Release:
    release = get(conn, slug, number)
    if release is None:
        raise PublishError(f"« {slug} » n'a pas de version {number} (voir `casa releases {slug}`).",
                           f"'{slug}' has no release {number} (see `casa releases {slug}`).")
    return release


def diff_releases(conn: psycopg.Connection, slug: str, old: int, new: int, key: list[str],
                  archive_dir: Path | None = None) -> ReleaseDiff:
    a, b = _release(conn, slug, old), _release(conn, slug, new)
    for release in (a, b):  # a staged table emptied by a crash is filled again, or refused
        ensure_staged(conn, release, archive_dir)
    cols_a, cols_b = _columns(conn, a.staged_table), _columns(conn, b.staged_table)
    common = [c for c in cols_b if c in cols_a]
    ta, tb = sql.Identifier(STAGING, a.staged_table), sql.Identifier(STAGING, b.staged_table)
    out = ReleaseDiff(slug, old, new, [k for k in key if k in common], 0, 0, 0, 0,
                      columns_added=[c for c in cols_b if c not in cols_a],
                      columns_removed=[c for c in cols_a if c not in cols_b])
    if not out.key:
        return _whole_rows(conn, out, ta, tb, common)
    keys = [sql.Identifier(k) for k in out.key]
    values = [c for c in common if c not in out.key]

    def side(alias: str, names: list[str]) -> sql.Composable:
        return sql.SQL(", ").join(sql.SQL("{}.{}").format(sql.Identifier(alias), sql.Identifier(n)) for n in names)

    differs = (sql.SQL("ROW({}) IS DISTINCT FROM ROW({})").format(side("a", values), side("b", values))
               if values else sql.SQL("false"))
    join = sql.SQL("{} a FULL JOIN {} b ON {}").format(ta, tb, sql.SQL(" AND ").join(
        sql.SQL("a.{k} = b.{k}").format(k=k) for k in keys))
    a_missing = sql.SQL("a.{} IS NULL").format(keys[0])
    b_missing = sql.SQL("b.{} IS NULL").format(keys[0])
    per_column = [sql.SQL("count(*) FILTER (WHERE {} IS NOT NULL AND {} IS NOT NULL AND a.{c} IS DISTINCT FROM b.{c})")
                  .format(sql.SQL("a.{}").format(keys[0]), sql.SQL("b.{}").format(keys[0]), c=sql.Identifier(c))
                  for c in values]
    query = sql.SQL("SELECT count(*) FILTER (WHERE {am}), count(*) FILTER (WHERE {bm}), "
                    "count(*) FILTER (WHERE NOT {am} AND NOT {bm} AND {d}), "
                    "count(*) FILTER (WHERE NOT {am} AND NOT {bm} AND NOT {d}){more} FROM {j}").format(
        am=a_missing, bm=b_missing, d=differs, j=join,
        more=sql.SQL(", ") + sql.SQL(", ").join(per_column) if per_column else sql.SQL(""))
    try:
        row = conn.execute(query).fetchone()
        assert row is not None
        out.added, out.removed, out.changed, out.unchanged = row[:4]
        out.columns_changed = {c: n for c, n in zip(values, row[4:]) if n}
        for kind, where, alias in (("added", a_missing, "b"), ("removed", b_missing, "a"),
                                   ("changed", sql.SQL("NOT {} AND NOT {} AND {}").format(a_missing, b_missing,
                                                                                          differs), "b")):
            sample = conn.execute(sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY 1 LIMIT {}").format(
                side(alias, out.key), join, where, sql.Literal(SAMPLE))).fetchall()
            if sample:
                out.examples[kind] = [list(map(str, r)) for r in sample]
    except psycopg.Error as exc:
        raise PublishError(f"Comparaison impossible : {exc.diag.message_primary or exc}",
                           f"Cannot compare: {exc.diag.message_primary or exc}") from None
    finally:
        conn.rollback()
    return out


def _whole_rows(conn: psycopg.Connection, out: ReleaseDiff, ta: sql.Composable, tb: sql.Composable,
                common: list[str]) -> ReleaseDiff:
    cols = sql.SQL(", ").join(sql.Identifier(c) for c in common)
    try:
        added = conn.execute(sql.SQL("SELECT count(*) FROM (SELECT {c} FROM {b} EXCEPT ALL SELECT {c} FROM {a}) x")
                             .format(c=cols, a=ta, b=tb)).fetchone()[0]  # type: ignore[index]
        removed = conn.execute(sql.SQL("SELECT count(*) FROM (SELECT {c} FROM {a} EXCEPT ALL SELECT {c} FROM {b}) x")
                               .format(c=cols, a=ta, b=tb)).fetchone()[0]  # type: ignore[index]
        total = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(tb)).fetchone()[0]  # type: ignore[index]
    finally:
        conn.rollback()
    out.added, out.removed, out.unchanged = added, removed, total - added
    return out


def render(d: ReleaseDiff, lang: str = "fr") -> str:
    if lang == "en":
        lines = [f"{d.dataset}: release {d.old} -> {d.new}" + (f" (key: {', '.join(d.key)})" if d.key else
                                                                " (no primary key: whole rows compared)"),
                 f"  added {d.added}, removed {d.removed}, changed {d.changed}, unchanged {d.unchanged}"]
    else:
        lines = [f"{d.dataset} : version {d.old} -> {d.new}" + (f" (clé : {', '.join(d.key)})" if d.key else
                                                                 " (pas de clé primaire : lignes comparées entières)"),
                 f"  ajoutées {d.added}, supprimées {d.removed}, modifiées {d.changed}, inchangées {d.unchanged}"]
    if d.columns_changed:
        label = "changed columns" if lang == "en" else "colonnes modifiées"
        lines.append(f"  {label} : " + ", ".join(f"{c} ({n})" for c, n in d.columns_changed.items()))
    for attr, fr, en in (("columns_added", "colonnes ajoutées", "columns added"),
                         ("columns_removed", "colonnes retirées", "columns removed")):
        if getattr(d, attr):
            lines.append(f"  {en if lang == 'en' else fr} : {', '.join(getattr(d, attr))}")
    names = {"added": ("ex. ajoutées", "e.g. added"), "removed": ("ex. supprimées", "e.g. removed"),
             "changed": ("ex. modifiées", "e.g. changed")}
    for kind, keys in d.examples.items():
        label = names[kind][1 if lang == "en" else 0]
        lines.append(f"  {label} : " + "; ".join("/".join(k) for k in keys))
    return "\n".join(lines) + "\n"
