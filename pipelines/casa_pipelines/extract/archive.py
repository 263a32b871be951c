"""Safe reading of zip archives: the one data member is streamed out to a
private temporary file, never held whole in memory (a 467 MB CSV in a zip
once peaked at 5.4 GB), and then read like any file (a CSV in place).

Suspicious archives are refused: a member path with ``..`` or an absolute
path is the sign of a crafted file, and sizes are measured as the bytes come
out (the sizes declared in the zip directory are written by whoever made the
file and cannot be trusted): the decompressed size against a cap, and the
ratio of bytes out to compressed bytes actually read, so a bomb stops after
a few megabytes, not a gigabyte.
"""

from __future__ import annotations

import posixpath
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from casa_pipelines.errors import SourceError
from casa_pipelines.extract.files import MAX_FILE_BYTES, open_regular

DATA_SUFFIXES = (".csv", ".txt", ".xlsx", ".geojson", ".json")


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 1000
    max_member_bytes: int = MAX_FILE_BYTES  # once decompressed
    max_ratio: int = 200  # bytes out / compressed bytes read, per member
    ratio_after: int = 1 << 20  # the ratio is enforced past this many bytes out (small files compress well)


class _Counting:
    """The archive file, counting the compressed bytes zipfile reads from it."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.count = 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.count += len(data)
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def seekable(self) -> bool:
        return True


def _check_member(info: zipfile.ZipInfo, archive: str) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
        raise SourceError(
            f"{archive} : l'archive contient un chemin dangereux « {name} » (chemin absolu ou « .. ») ; "
            "archive refusée, recréez-la avec des chemins relatifs.",
            f"{archive}: the archive holds an unsafe path '{name}' (absolute or with '..'); "
            "archive refused, create it again with relative paths.",
        )
    if stat.S_ISLNK(info.external_attr >> 16):
        raise SourceError(f"{archive} : le membre « {name} » est un lien symbolique ; archive refusée.",
                          f"{archive}: member '{name}' is a symbolic link; archive refused.")


def spool_member(path: Path, archive: str, member: str | None, limits: ArchiveLimits) -> tuple[str, Path]:
    """Stream the one data member of the zip at ``path`` to a new private
    folder; return (member name, its file). The caller removes the folder
    (``remove_spool``) once done with the file."""
    with open_regular(path, archive) as raw:
        counted = _Counting(raw)
        try:
            zf = zipfile.ZipFile(counted)  # type: ignore[arg-type]
            infos = zf.infolist()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise SourceError(f"{archive} : archive zip illisible ({exc}).",
                              f"{archive}: unreadable zip archive ({exc}).") from None
        info = _choose(infos, archive, member, limits)
        folder = Path(tempfile.mkdtemp(prefix="casa-zip-"))  # mode 0700: no one else reads the member
        target = folder / ("member" + Path(posixpath.basename(info.filename)).suffix.lower())
        try:
            with zf, target.open("wb") as out:
                _copy_bounded(zf, info, counted, out, archive, limits)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    return info.filename, target


def remove_spool(target: Path) -> None:
    shutil.rmtree(target.parent, ignore_errors=True)


def _choose(infos: list[zipfile.ZipInfo], archive: str, member: str | None, limits: ArchiveLimits) -> zipfile.ZipInfo:
    if len(infos) > limits.max_members:
        raise SourceError(f"{archive} : {len(infos)} fichiers dans l'archive (limite {limits.max_members}).",
                          f"{archive}: {len(infos)} files in the archive (limit {limits.max_members}).")
    for info in infos:
        _check_member(info, archive)
    files = [i for i in infos if not i.is_dir() and not posixpath.basename(i.filename).startswith((".", "__MACOSX"))
             and "__MACOSX/" not in i.filename]
    if member:
        chosen = [i for i in files if i.filename == member]
        if not chosen:
            raise SourceError(f"{archive} : le fichier « {member} » n'est pas dans l'archive "
                              f"(contenu : {', '.join(i.filename for i in files) or 'rien'}).",
                              f"{archive}: '{member}' is not in the archive "
                              f"(contents: {', '.join(i.filename for i in files) or 'nothing'}).")
    else:
        chosen = [i for i in files if i.filename.lower().endswith(DATA_SUFFIXES)]
        if len(chosen) != 1:
            listing = ", ".join(i.filename for i in files) or "rien"
            raise SourceError(
                f"{archive} : l'archive doit contenir exactement un fichier de données, elle en a "
                f"{len(chosen)} ({listing}) ; indiquez lequel avec source.member.",
                f"{archive}: the archive must hold exactly one data file, it has {len(chosen)} "
                f"({listing}); say which one with source.member.",
            )
    return chosen[0]


# Small reads: zipfile reads about as many compressed bytes as asked for, so the ratio is
# measured within a few kilobytes of what came out.
CHUNK = 1 << 13


def _fr(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def _copy_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, counted: _Counting, out: BinaryIO, archive: str,
                  limits: ArchiveLimits) -> None:
    written = 0
    try:
        with zf.open(info) as stream:
            start = counted.count  # compressed bytes read before the member's data (headers)
            while chunk := stream.read(CHUNK):
                written += len(chunk)
                compressed = max(counted.count - start, 1)
                if written > limits.max_member_bytes or (
                        written > limits.ratio_after and written > compressed * limits.max_ratio):
                    ratio = written // compressed
                    raise SourceError(
                        f"{archive} : « {info.filename} » se décompresse au-delà de {_fr(written)} octets "
                        f"(taux {ratio}:1, limites {_fr(limits.max_member_bytes)} octets et {limits.max_ratio}:1) ; "
                        "bombe de décompression probable, archive refusée.",
                        f"{archive}: '{info.filename}' decompresses past {written:,} bytes (ratio {ratio}:1, "
                        f"limits {limits.max_member_bytes:,} bytes and {limits.max_ratio}:1); likely a "
                        "decompression bomb, archive refused.",
                    )
                out.write(chunk)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise SourceError(f"{archive} : membre « {info.filename} » corrompu ou illisible ({exc}).",
                          f"{archive}: member '{info.filename}' is corrupt or unreadable ({exc}).") from None
