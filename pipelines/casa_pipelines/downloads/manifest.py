"""What a release's download directory holds, read from its
``datapackage.json``: the portal reads it to serve the files, the catalogue
to list them, ``build`` to know a directory is complete."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

DATAPACKAGE = "datapackage.json"
MEDIATYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "geojson": "application/geo+json",
    "parquet": "application/vnd.apache.parquet",
    "datapackage": "application/json",
}


@dataclass(frozen=True)
class DownloadFile:
    name: str  # file name inside the release directory
    format: str  # csv, xlsx, json, geojson, parquet, datapackage
    mediatype: str
    bytes: int
    sha256: str  # hex digest


@dataclass(frozen=True)
class Note:
    """Why a format is missing or altered, for the portal and the steward."""

    format: str
    code: str  # e.g. "xlsx-too-many-rows"
    fr: str
    ar: str
    en: str


@dataclass(frozen=True)
class Manifest:
    slug: str
    release: int
    rows: int
    files: tuple[DownloadFile, ...]
    notes: tuple[Note, ...] = field(default_factory=tuple)

    def get(self, name: str) -> DownloadFile | None:
        return next((f for f in self.files if f.name == name), None)

    def formats(self) -> list[str]:
        return [f.format for f in self.files]


def read_manifest(out_dir: Path) -> Manifest | None:
    """The manifest of a complete release directory, from its
    ``datapackage.json``; ``None`` if the directory is missing or incomplete."""
    path = Path(out_dir) / DATAPACKAGE
    try:
        raw = path.read_bytes()
        package = json.loads(raw)
    except (OSError, ValueError):
        return None
    if not isinstance(package, dict):
        return None
    try:
        extra = package.get("casa") or {}
        files = [
            DownloadFile(name=str(r["path"]), format=str(r["format"]), mediatype=str(r["mediatype"]),
                         bytes=int(r["bytes"]), sha256=str(r["hash"]).removeprefix("sha256:"))
            for r in package.get("resources", [])
        ]
        files.append(DownloadFile(DATAPACKAGE, "datapackage", MEDIATYPES["datapackage"], len(raw),
                                  hashlib.sha256(raw).hexdigest()))
        return Manifest(
            slug=str(extra.get("slug") or package.get("name")),
            release=int(package.get("version", extra.get("release", 0))),
            rows=int(extra.get("rows", 0)),
            files=tuple(files),
            notes=tuple(Note(**n) for n in extra.get("notes", [])),
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        return None  # not a datapackage.json written by build_downloads


def downloads_dir_for(root: Path, slug: str, release: int) -> Path:
    """``<root>/<slug>/<release>``: where a release's downloads live."""
    return Path(root) / slug / str(int(release))
