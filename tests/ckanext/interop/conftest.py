"""A dataset published by the real pipeline (ingest, publish with
downloads and catalogue) on real census rows: release 1 replaced
(withdrawn) by release 2, the current one; and a private dataset that no
public output may show."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from casa_pipelines.catalogue import sync as catalogue
from casa_pipelines.publish.swap import publish, release_downloads, table_resource_id
from casa_pipelines.releases.ingest import ingest
from casa_pipelines.spec import load_spec

from ckan.tests import factories

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "validation" / "population-2024"
SHAPES = Path(__file__).resolve().parent / "shacl" / "dcat-ap-3.0.1-SHACL.ttl"


@pytest.fixture()
def downloads_root(tmp_path: Path) -> Path:
    return tmp_path / "downloads"


@pytest.fixture()
def portal(tmp_path: Path, ckan_config: Any, monkeypatch: pytest.MonkeyPatch, throwaway_slug: Any,
           dataset_file: Any, downloads_root: Path) -> dict[str, Any]:
    url = os.environ["CASA_DATASTORE_URL"]
    root = downloads_root
    monkeypatch.setitem(ckan_config, "ckanext.casa.downloads_path", str(root))
    slug = throwaway_slug(url, "test-dcat")
    spec = load_spec(dataset_file(tmp_path, slug), root=REPO)
    org = factories.Organization(name=spec.ckan.organization, title="Ville de Casablanca",
                                 extras=[{"key": "title_ar", "value": "مدينة الدار البيضاء"}])
    factories.Group(name=spec.ckan.theme)
    site = ckan_config["ckan.site_url"]

    def downloads(spec: Any, conn: Any, release: Any, table: Any) -> bool:
        release_downloads(url, root, spec, conn, release, table)
        return True

    def sync(spec: Any, conn: Any, release: Any, table: Any) -> bool:
        catalogue.sync(spec, conn, release, table_resource_id(spec.slug), root, site)
        return True

    ingest(spec, EXAMPLES / "valid.csv", url)
    publish(spec, url, downloads=downloads, catalogue=sync)
    second = tmp_path / "v2.csv"
    second.write_text((EXAMPLES / "valid.csv").read_text(encoding="utf-8").replace(",3218036,", ",3218037,"),
                      encoding="utf-8")
    ingest(spec, second, url)
    publish(spec, url, downloads=downloads, catalogue=sync)
    hidden = factories.Dataset(owner_org=org["id"], private=True, title="Jeu privé")
    return {"slug": slug, "spec": spec, "root": root, "site": site.rstrip("/"), "private": hidden["name"],
            "org": org}
