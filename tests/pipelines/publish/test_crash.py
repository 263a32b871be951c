"""Staged tables are UNLOGGED: a PostgreSQL crash empties them. A release
whose staged table was emptied is refused, or filled again from its
archive (archive.py), byte for byte; `casa status` says which."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from casa_pipelines.errors import PublishError
from casa_pipelines.publish.swap import publish
from casa_pipelines.releases.diff import diff_releases
from casa_pipelines.releases.ingest import ingest
from casa_pipelines.releases.status import collect
from casa_pipelines.spec import DatasetSpec
from publish_helpers import EXAMPLES, edited, public_rows, statuses


def test_a_staged_table_emptied_by_a_crash_is_never_published(spec: DatasetSpec, url: str,
                                                              tmp_path: Path) -> None:
    """Staged tables are UNLOGGED: after a PostgreSQL crash they come back
    empty. Rolling back to such a release (not the one whose table was
    kept: three releases) must refuse, not publish nothing."""
    first = ingest(spec, EXAMPLES / "valid.csv", url).release
    publish(spec, url)
    for n, total in ((2, "3218009"), (3, "3218010")):
        ingest(spec, edited(tmp_path, f"v{n}.csv", ("Casablanca,total,3218036", f"Casablanca,total,{total}")), url)
        publish(spec, url)
    before = public_rows(url, spec.slug)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'TRUNCATE casa_staging."{first.staged_table}"')  # what crash recovery does
    with pytest.raises(PublishError, match="au lieu de 30.*archive est introuvable"):
        publish(spec, url, number=1, rollback=True)
    assert public_rows(url, spec.slug) == before
    assert statuses(url, spec.slug) == {1: "withdrawn", 2: "withdrawn", 3: "published"}


def test_a_release_emptied_by_a_crash_comes_back_from_its_archive(spec: DatasetSpec, url: str,
                                                                  tmp_path: Path) -> None:
    """With an archive folder, ingest keeps the staged bytes, compressed: after
    a crash, rollback and diff fill the emptied table again, byte for byte
    (same content hash), and a tampered archive is refused."""
    archive = tmp_path / "releases"
    first = ingest(spec, EXAMPLES / "valid.csv", url, archive_dir=archive).release
    publish(spec, url, archive_dir=archive)
    published_first = public_rows(url, spec.slug)
    for n, total in ((2, "3218009"), (3, "3218010")):  # release 1's public table is not the kept one
        ingest(spec, edited(tmp_path, f"v{n}.csv", ("Casablanca,total,3218036", f"Casablanca,total,{total}")), url,
               archive_dir=archive)
        publish(spec, url, archive_dir=archive)
    kept = sorted(p.name for p in (archive / spec.slug).iterdir())
    assert len(kept) == 3 and f"{first.sha256}.pgcopy.zst" in kept  # no temporary file left
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'TRUNCATE casa_staging."{first.staged_table}"')  # what crash recovery does
    with psycopg.connect(url) as conn:  # casa status says so, and that the archive will serve
        todo = next(r for r in collect(conn, spec.path.parent, archive) if r["dataset"] == spec.slug)["todo_fr"]
        assert any("version(s) 1 vidée(s)" in t and "restaurées" in t for t in todo), todo
        todo = next(r for r in collect(conn, spec.path.parent, None) if r["dataset"] == spec.slug)["todo_fr"]
        assert any("sans archive, à recharger : 1" in t for t in todo), todo
    with psycopg.connect(url) as conn:
        changed = diff_releases(conn, spec.slug, 1, 2, ["code", "milieu"], archive)
    assert changed.changed == 1 and changed.added == changed.removed == 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'TRUNCATE casa_staging."{first.staged_table}"')
        # A damaged archive (here: one of another release's content) is refused.
        good = (archive / spec.slug / f"{first.sha256}.pgcopy.zst").read_bytes()
        (archive / spec.slug / f"{first.sha256}.pgcopy.zst").write_bytes(
            (archive / spec.slug / next(k for k in kept if not k.startswith(first.sha256))).read_bytes())
    with pytest.raises(PublishError, match="ne redonne pas la version 1"):
        publish(spec, url, number=1, rollback=True, archive_dir=archive)
    (archive / spec.slug / f"{first.sha256}.pgcopy.zst").write_bytes(good[: len(good) // 2])  # cut short
    with pytest.raises(PublishError, match="illisible|ne redonne pas"):
        publish(spec, url, number=1, rollback=True, archive_dir=archive)
    assert statuses(url, spec.slug) == {1: "withdrawn", 2: "withdrawn", 3: "published"}
    (archive / spec.slug / f"{first.sha256}.pgcopy.zst").write_bytes(good)
    publish(spec, url, number=1, rollback=True, archive_dir=archive)
    assert public_rows(url, spec.slug) == published_first
    with psycopg.connect(url) as conn:
        actions = [r[0] for r in conn.execute("SELECT action FROM casa_staging.event WHERE dataset = %s "
                                              "AND number = 1 ORDER BY id", (spec.slug,))]
    assert actions.count("restore") == 2


def test_a_release_archived_as_csv_before_binary_staging_still_comes_back(spec: DatasetSpec, url: str,
                                                                          tmp_path: Path) -> None:
    """Releases staged before binary staging were hashed and archived as CSV
    (``<sha256>.csv.zst``): an emptied one is still filled again from it."""
    import hashlib

    import pyarrow as pa

    archive = tmp_path / "releases"
    first = ingest(spec, EXAMPLES / "valid.csv", url, archive_dir=archive).release
    ingest(spec, edited(tmp_path, "v2.csv", ("Casablanca,total,3218036", "Casablanca,total,3218009")), url,
           archive_dir=archive)
    with psycopg.connect(url, autocommit=True) as conn:
        # Release 1 as the older code left it: its CSV, that CSV's hash as its identity.
        with conn.cursor().copy(f'COPY casa_staging."{first.staged_table}" TO STDOUT (FORMAT csv, HEADER)') as out:
            data = b"".join(bytes(block) for block in out)
        legacy = hashlib.sha256(data).hexdigest()
        (archive / spec.slug / f"{first.sha256}.pgcopy.zst").unlink()
        with pa.CompressedOutputStream(str(archive / spec.slug / f"{legacy}.csv.zst"), "zstd") as f:
            f.write(data)
        conn.execute("UPDATE casa_staging.release SET sha256 = %s WHERE dataset = %s AND number = 1",
                     (legacy, spec.slug))
        conn.execute(f'TRUNCATE casa_staging."{first.staged_table}"')
    with psycopg.connect(url) as conn:
        changed = diff_releases(conn, spec.slug, 1, 2, ["code", "milieu"], archive)
    assert changed.changed == 1 and changed.added == changed.removed == 0
    with psycopg.connect(url) as conn:
        restored = conn.execute("SELECT detail->>'from' FROM casa_staging.event WHERE dataset = %s AND number = 1 "
                                "AND action = 'restore'", (spec.slug,)).fetchall()
        rows = conn.execute(f'SELECT count(*) FROM casa_staging."{first.staged_table}"').fetchone()[0]
    assert restored == [(f"{legacy}.csv.zst",)] and rows == first.rows
