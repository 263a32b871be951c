"""Safe reading of zip archives, entirely in memory.

Nothing is written to disk, yet suspicious archives are still refused: a
member path with ``..`` or an absolute path is the sign of a crafted file,
and sizes are counted while decompressing (the sizes declared in the zip
directory are written by whoever made the file and cannot be trusted).
"""

from __future__ import annotations

import io
import posixpath
import stat
import zipfile
from dataclasses import dataclass

from casa_pipelines.errors import SourceError

DATA_SUFFIXES = (".csv", ".txt", ".xlsx", ".geojson", ".json")


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 1000
    max_member_bytes: int = 2 << 30  # 2 GiB once decompressed
    max_ratio: int = 200  # decompressed / compressed, per member


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


def read_member(data: bytes, archive: str, member: str | None, limits: ArchiveLimits) -> tuple[str, bytes]:
    """Return (member name, member bytes) of the one data file in the archive."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise SourceError(f"{archive} : archive zip illisible ({exc}).", f"{archive}: unreadable zip archive ({exc}).") from None
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
    info = chosen[0]
    return info.filename, _bounded_read(zf, info, archive, limits)


def _bounded_read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, archive: str, limits: ArchiveLimits) -> bytes:
    cap = min(limits.max_member_bytes, max(info.compress_size, 1) * limits.max_ratio)
    out = bytearray()
    try:
        with zf.open(info) as stream:
            while chunk := stream.read(1 << 20):
                out += chunk
                if len(out) > cap:
                    raise SourceError(
                        f"{archive} : « {info.filename} » se décompresse au-delà de {cap:,} octets "
                        f"(taux > {limits.max_ratio}:1) ; bombe de décompression probable, archive refusée.",
                        f"{archive}: '{info.filename}' decompresses past {cap:,} bytes (ratio > "
                        f"{limits.max_ratio}:1); likely a decompression bomb, archive refused.",
                    )
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SourceError(f"{archive} : membre « {info.filename} » corrompu ({exc}).",
                          f"{archive}: member '{info.filename}' is corrupt ({exc}).") from None
    return bytes(out)
