"""Each release's staged rows, kept as a Parquet file outside PostgreSQL.

Staged tables are UNLOGGED (DESIGN.md, decision 5): COPY into them writes no
WAL, but PostgreSQL empties them after any crash, an out-of-memory kill of
one backend included. Without a copy elsewhere, a crash would lose every
release that is not the published one: no rollback to it, no diff. So
ingest writes the rows it stages to ``<root>/<dataset>/<sha256>.parquet``
(zstd) as they stream past, and a staged table found emptied is filled again
from that file before it is used; the content hash of what is restored must
be the release's, or nothing happens.

The files hold the whole release, non-public columns included: ``root`` must
not be served (it defaults to ``<ckan.storage_path>/releases``; the portal
serves only the downloads folder).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pyarrow as pa
import pyarrow.parquet as pq
from psycopg import sql

from casa_pipelines.errors import PublishError
from casa_pipelines.release import Release, log_event
from casa_pipelines.stage import STAGING, copy_into


def archive_path(root: Path, slug: str, sha256: str) -> Path:
    return root / slug / f"{sha256}.parquet"


class ArchiveWriter:
    """Writes the batches of one load to a temporary file; ``keep`` gives it
    its content-addressed name once the load is known to be good."""

    def __init__(self, root: Path, slug: str, schema: pa.Schema) -> None:
        self.root, self.slug = root, slug
        (root / slug).mkdir(parents=True, exist_ok=True)
        self.tmp = root / slug / f".load-{uuid.uuid4().hex[:12]}.parquet"
        self.writer: pq.ParquetWriter | None = pq.ParquetWriter(self.tmp, schema, compression="zstd")

    def tee(self, batches: pa.RecordBatchReader | pa.Table) -> pa.RecordBatchReader | pa.Table:
        """The same rows, written here as they pass."""
        if isinstance(batches, pa.Table):
            self.writer.write_table(batches)  # type: ignore[union-attr]
            return batches

        def passing() -> Iterator[pa.RecordBatch]:
            for batch in batches:
                self.writer.write_batch(batch)  # type: ignore[union-attr]
                yield batch

        return pa.RecordBatchReader.from_batches(batches.schema, passing())

    def keep(self, sha256: str) -> Path:
        self._close()
        final = archive_path(self.root, self.slug, sha256)
        with open(self.tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(self.tmp, final)  # the same content, loaded again, gives the same file
        return final

    def discard(self) -> None:
        self._close()
        self.tmp.unlink(missing_ok=True)

    def _close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def drop_partial(root: Path | None, slug: str) -> None:
    """Temporary files of loads killed half way."""
    if root is not None and (root / slug).is_dir():
        for tmp in (root / slug).glob(".load-*.parquet"):
            tmp.unlink(missing_ok=True)


def ensure_staged(conn: psycopg.Connection, release: Release, root: Path | None) -> None:
    """Check that ``release``'s staged table holds its rows; if a crash
    emptied it, fill it again from the release's Parquet file, in the
    caller's transaction, and commit. Refuse when neither is possible."""
    table = sql.Identifier(STAGING, release.staged_table)
    exists = conn.execute("SELECT to_regclass(%s) IS NOT NULL",
                          (f'{STAGING}."{release.staged_table}"',)).fetchone()[0]  # type: ignore[index]
    if not exists:
        raise PublishError(f"Table de préparation de la version {release.number} introuvable "
                           f"({STAGING}.{release.staged_table}).",
                           f"Staged table of release {release.number} not found.")
    rows = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(table)).fetchone()[0]  # type: ignore[index]
    if rows == release.rows:
        return
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
    source = pq.ParquetFile(path)
    reader = pa.RecordBatchReader.from_batches(source.schema_arrow, source.iter_batches())
    digest, restored = copy_into(conn, table, reader)
    if (digest, restored) != (release.sha256, release.rows):
        conn.rollback()
        raise PublishError(
            f"L'archive {path} ne redonne pas la version {release.number} (empreinte ou nombre de lignes "
            "différents) : rechargez son fichier avec `casa ingest`, rien de public n'a changé.",
            f"The archive {path} does not give release {release.number} back (different hash or row count): "
            "load its file again with `casa ingest`; nothing public changed.")
    log_event(conn, release.dataset, release.number, "restore", {"rows": restored, "from": path.name})
    conn.commit()
