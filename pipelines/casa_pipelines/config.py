"""One typed configuration object for the pipelines, read from the
environment (``var/<profile>/env.sh`` sets it) and the CKAN ini."""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path


class ConfigError(RuntimeError):
    """The environment does not say where the databases are."""


@dataclass(frozen=True)
class Settings:
    datastore_url: str
    ckan_ini: Path | None
    catalogue_url: str | None
    # Root of the release downloads (<slug>/<release>/...); None when neither
    # CASA_DOWNLOADS_DIR nor the CKAN ini says where.
    downloads_dir: Path | None = None
    # The portal's address, for the download links written in the catalogue.
    site_url: str = "http://127.0.0.1:5000"
    # Where each release's staged rows are kept, compressed (archive.py): the
    # whole release, never served; CASA_RELEASES_DIR, else beside the uploads.
    releases_dir: Path | None = None

    @classmethod
    def from_env(cls) -> Settings:
        ini = os.environ.get("CKAN_INI")
        ckan_ini = Path(ini) if ini else None
        catalogue_url = None
        datastore_url = os.environ.get("CASA_DATASTORE_URL")
        downloads = os.environ.get("CASA_DOWNLOADS_DIR")
        releases = os.environ.get("CASA_RELEASES_DIR")
        site_url = "http://127.0.0.1:5000"
        if ckan_ini and ckan_ini.exists():
            parser = configparser.RawConfigParser(strict=False)
            parser.read(ckan_ini)
            section = parser["app:main"]
            catalogue_url = section.get("sqlalchemy.url")
            datastore_url = datastore_url or section.get("ckan.datastore.write_url")
            storage = section.get("ckan.storage_path")
            site_url = section.get("ckan.site_url") or site_url
            downloads = (downloads or section.get("ckanext.casa.downloads_path")
                         or (str(Path(storage) / "downloads") if storage else None))
            releases = releases or (str(Path(storage) / "releases") if storage else None)
        if not datastore_url:
            raise ConfigError(
                "No datastore database configured: source var/<profile>/env.sh "
                "(written by `make demo` or `make test`) or set CASA_DATASTORE_URL."
            )
        return cls(datastore_url=datastore_url, ckan_ini=ckan_ini, catalogue_url=catalogue_url,
                   downloads_dir=Path(downloads) if downloads else None, site_url=site_url.rstrip("/"),
                   releases_dir=Path(releases) if releases else None)


def datasets_dir() -> Path:
    """Where ``datasets/<slug>.yaml`` live: ``CASA_DATASETS_DIR``, else the
    ``datasets/`` folder of the current directory."""
    return Path(os.environ.get("CASA_DATASETS_DIR") or Path.cwd() / "datasets")


def debug() -> bool:
    """``CASA_DEBUG=1`` lets unexpected exceptions show their traceback."""
    return os.environ.get("CASA_DEBUG", "") not in ("", "0")
