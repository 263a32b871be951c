"""Opening a source file safely: regular files only, every read bounded by
the bytes actually read.

``st_size`` cannot be trusted as a bound: it is 0 for ``/dev/zero`` (a
symlink to it was once read until 11 GB), a FIFO or a socket, and a file may
grow while it is read. So the file is opened without blocking (a FIFO with
no writer would hang the open), checked with ``fstat`` on the descriptor
actually read (no window between a check on the path and the open), and
every reader counts what it got.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from casa_pipelines.errors import SourceError

MAX_FILE_BYTES = 2 << 30  # 2 GiB: the README's limit on a source file (and on a zip member, once inflated)

_KINDS = ((stat.S_ISDIR, "un dossier", "a directory"), (stat.S_ISCHR, "un périphérique", "a device"),
          (stat.S_ISBLK, "un périphérique", "a device"), (stat.S_ISFIFO, "un tube nommé (FIFO)", "a named pipe (FIFO)"),
          (stat.S_ISSOCK, "une socket", "a socket"))


def open_regular(path: Path, name: str | None = None) -> BinaryIO:
    """``path`` opened for reading, or ``SourceError`` if it is not a regular file."""
    name = name or str(path)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            fr, en = next(((fr, en) for test, fr, en in _KINDS if test(mode)), ("pas un fichier ordinaire",
                                                                                    "not a regular file"))
            raise SourceError(f"{name} est {fr}, pas un fichier ordinaire : donnez le chemin d'un fichier.",
                              f"{name} is {en}, not a regular file: give the path of a file.")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def too_big(name: str, limit: int = MAX_FILE_BYTES) -> SourceError:
    return SourceError(f"{name} : plus de {limit:,} octets lus, au-delà de la limite ; découpez le fichier."
                       .replace(f"{limit:,}", f"{limit:,}".replace(",", " ")),
                       f"{name}: more than {limit:,} bytes read, over the limit; split the file.")


def read_bounded(path: Path, name: str | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file, refused past ``limit`` bytes actually read."""
    with open_regular(path, name) as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise too_big(name or str(path), limit)
    return data
