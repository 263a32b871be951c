"""``casa status``: one line per dataset, declared or loaded, with what a
steward has to do next."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import psycopg

from casa_pipelines.releases.stage import STAGING


def collect(conn: psycopg.Connection, datasets_dir: Path, releases_dir: Path | None = None) -> list[dict[str, Any]]:
    declared = sorted(p.stem for p in Path(datasets_dir).glob("*.yaml"))
    rows = conn.execute(f"""
        SELECT d.dataset,
               (SELECT number FROM {STAGING}.release r WHERE r.dataset = d.dataset AND status = 'published'),
               (SELECT to_char(published_at, 'YYYY-MM-DD HH24:MI') FROM {STAGING}.release r
                 WHERE r.dataset = d.dataset AND status = 'published'),
               l.number, l.status, l.embargo_until,
               p.downloads_built, p.catalogue_synced
        FROM (SELECT unnest(%s::text[]) AS dataset UNION SELECT dataset FROM {STAGING}.release) d
        LEFT JOIN LATERAL (SELECT number, status, embargo_until FROM {STAGING}.release r
                           WHERE r.dataset = d.dataset ORDER BY number DESC LIMIT 1) l ON true
        LEFT JOIN {STAGING}.publication p ON p.dataset = d.dataset
        ORDER BY d.dataset""", (declared,)).fetchall()
    scheduled = dict(conn.execute(
        f"SELECT dataset, string_agg(number || ' (' || embargo_until || ')', ', ' ORDER BY number) "
        f"FROM {STAGING}.release WHERE status = 'scheduled' GROUP BY dataset").fetchall())
    # Staged tables a PostgreSQL crash emptied (UNLOGGED): an empty file on
    # disk, whatever the table's size; archive.py fills them again when used.
    emptied: dict[str, list[tuple[int, str]]] = {}
    for slug, number, sha256 in conn.execute(f"""
            SELECT dataset, number, sha256 FROM {STAGING}.release
            WHERE rows > 0 AND coalesce(pg_relation_size(to_regclass('{STAGING}.' || quote_ident(staged_table))), 0) = 0
            ORDER BY dataset, number""").fetchall():
        emptied.setdefault(slug, []).append((number, sha256))
    conn.rollback()
    out = []
    for slug, published, published_at, latest, status, _embargo, downloads, synced in rows:
        fr: list[str] = []
        en: list[str] = []
        if slug not in declared:
            fr.append("définition datasets/<slug>.yaml absente")
            en.append("no datasets/<slug>.yaml definition")
        if latest is None:
            fr.append(f"aucune version : casa ingest {slug} <fichier>")
            en.append(f"no release: casa ingest {slug} <file>")
        elif status == "failed":
            fr.append(f"version {latest} non valide : corriger le fichier ou publier avec dérogation")
            en.append(f"release {latest} not valid: fix the file or publish with a waiver")
        elif status == "validated":
            fr.append(f"version {latest} prête : casa publish {slug}")
            en.append(f"release {latest} ready: casa publish {slug}")
        if slug in scheduled:
            fr.append(f"sous embargo : {scheduled[slug]}")
            en.append(f"embargoed: {scheduled[slug]}")
        if published is not None and not (downloads and synced):
            missing_fr = [w for w, done in (("fichiers", downloads), ("catalogue", synced)) if not done]
            missing_en = [w for w, done in (("downloads", downloads), ("catalogue", synced)) if not done]
            fr.append(f"publication incomplète ({', '.join(missing_fr)}) : relancer casa publish {slug}")
            en.append(f"publication incomplete ({', '.join(missing_en)}): run casa publish {slug} again")
        if slug in emptied:
            from casa_pipelines.releases.archive import archive_path

            lost = [n for n, sha in emptied[slug]
                    if releases_dir is None or not archive_path(releases_dir, slug, sha).is_file()]
            numbers = ", ".join(str(n) for n, _ in emptied[slug])
            fr.append(f"version(s) {numbers} vidée(s) par un arrêt de PostgreSQL"
                      + (f" ; sans archive, à recharger : {', '.join(map(str, lost))}" if lost
                         else " : restaurées de leur archive à la prochaine utilisation"))
            en.append(f"release(s) {numbers} emptied by a PostgreSQL stop"
                      + (f"; no archive, load again: {', '.join(map(str, lost))}" if lost
                         else ": restored from their archive when next used"))
        out.append({"dataset": slug, "declared": slug in declared, "published": published,
                    "published_at": published_at, "latest": latest, "latest_status": status,
                    "todo_fr": fr, "todo_en": en})
    return out
