"""Each release's staged rows, kept as a file outside PostgreSQL.

Staged tables are UNLOGGED: COPY into them writes no WAL (a logged table
writes every row twice, to the WAL and to the table), but PostgreSQL empties them after any crash, an out-of-memory kill of
one backend included. Without a copy elsewhere, a crash would lose every
release that is not the published one: no rollback to it, no diff. So
ingest keeps the very bytes it stages, the binary COPY stream whose sha256
is the release's identity, zstd-compressed, in
``<root>/<dataset>/<sha256>.pgcopy.zst``, written as the stream goes to
COPY (a few MB of memory, about 0.5 s of compression a million rows).
Releases staged before binary staging kept their canonical CSV, in
``<sha256>.csv.zst``: those are still read. A staged table found emptied is filled
again from that file before it is used, and only if the bytes read back
hash to the release's sha256.

The files hold the whole release, non-public columns included: ``root`` must
not be served (it defaults to ``<ckan.storage_path>/releases``; the portal
serves only the downloads folder).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pyarrow as pa
from psycopg import sql

from casa_pipelines.errors import PublishError
from casa_pipelines.releases.record import Release, log_event
from casa_pipelines.releases.stage import BINARY, COPY_CHUNK, CSV, STAGING, copy_bytes

SUFFIX = ".pgcopy.zst"
SUFFIXES = {SUFFIX: BINARY, ".csv.zst": CSV}  # the older CSV archives are read too


def archive_path(root: Path, slug: str, sha256: str) -> Path:
    """Where a release's archive is: the binary one, or else an older CSV one
    if only that exists."""
    for suffix in SUFFIXES:
        path = root / slug / f"{sha256}{suffix}"
        if path.is_file():
            return path
    return root / slug / f"{sha256}{SUFFIX}"


class ArchiveWriter:
    """The bytes of one load, compressed into a temporary file; ``keep``
    gives it its content-addressed name once the load is known to be good."""

    def __init__(self, root: Path, slug: str) -> None:
        self.root, self.slug = root, slug
        (root / slug).mkdir(parents=True, exist_ok=True)
        self.tmp = root / slug / f".load-{uuid.uuid4().hex[:12]}{SUFFIX}"
        self.stream: pa.NativeFile | None = pa.CompressedOutputStream(str(self.tmp), "zstd")

    def write(self, data: bytes) -> None:
        self.stream.write(data)  # type: ignore[union-attr]

    def keep(self, sha256: str) -> Path:
        self._close()
        final = self.root / self.slug / f"{sha256}{SUFFIX}"
        with open(self.tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(self.tmp, final)  # the same content, loaded again, gives the same file
        return final

    def discard(self) -> None:
        self._close()
        self.tmp.unlink(missing_ok=True)

    def _close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


def drop_partial(root: Path | None, slug: str) -> None:
    """Temporary files of loads killed half way."""
    if root is not None and (root / slug).is_dir():
        for tmp in (root / slug).glob(".load-*.zst"):
            tmp.unlink(missing_ok=True)


def ensure_staged(conn: psycopg.Connection, release: Release, root: Path | None) -> None:
    """Check that ``release``'s staged table holds its rows; if a crash
    emptied it, fill it again from the release's archive, in the
    caller's transaction, and commit. Refuse when neither is possible."""
    table = sql.Identifier(STAGING, release.staged_table)
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                          (f'{STAGING}."{release.staged_table}"',)).fetchone()[0]  # type: ignore[index]
    if not exists:
        raise PublishError(f"Table de préparation de la version {release.number} introuvable "
                           f"({STAGING}.{release.staged_table}).",
                           f"Staged table of release {release.number} not found.")
    # Staged tables are never changed after their load, and crash recovery
    # empties an UNLOGGED table whole: one row tells that it is intact, where
    # counting a million took a tenth of a second of each publication.
    if release.rows == 0 or conn.execute(sql.SQL("SELECT EXISTS (SELECT FROM {})").format(table)).fetchone()[0]:
        return
    rows = 0
    path = archive_path(root, release.dataset, release.sha256) if root is not None else None
    if path is None or not path.is_file():
        conn.rollback()
        raise PublishError(
            f"La table de préparation de la version {release.number} a {rows} lignes au lieu de "
            f"{release.rows} (vidée par un arrêt brutal de PostgreSQL ?) et son archive est introuvable"
            f"{f' ({path})' if path else ''} : rechargez son fichier avec `casa ingest`, rien de public n'a changé.",
            f"The staged table of release {release.number} has {rows} rows instead of {release.rows} "
            f"(emptied by a PostgreSQL crash?) and its archive is missing{f' ({path})' if path else ''}: "
            "load its file again with `casa ingest`; nothing public changed.")
    conn.execute(sql.SQL("TRUNCATE {}").format(table))
    sha256 = hashlib.sha256()

    def chunks() -> Iterator[bytes]:
        with pa.CompressedInputStream(pa.OSFile(str(path)), "zstd") as f:
            while chunk := f.read(COPY_CHUNK):
                sha256.update(chunk)
                yield chunk

    try:
        fmt = next(f for suffix, f in SUFFIXES.items() if path.name.endswith(suffix))
        restored = copy_bytes(conn, table, chunks(), fmt)
    except (OSError, pa.ArrowException) as exc:
        conn.rollback()
        raise PublishError(f"Archive {path} illisible : {exc}", f"Archive {path} unreadable: {exc}") from None
    digest = sha256.hexdigest()
    if (digest, restored) != (release.sha256, release.rows):
        conn.rollback()
        raise PublishError(
            f"L'archive {path} ne redonne pas la version {release.number} (empreinte ou nombre de lignes "
            "différents) : rechargez son fichier avec `casa ingest`, rien de public n'a changé.",
            f"The archive {path} does not give release {release.number} back (different hash or row count): "
            "load its file again with `casa ingest`; nothing public changed.")
    log_event(conn, release.dataset, release.number, "restore", {"rows": restored, "from": path.name})
    conn.commit()
