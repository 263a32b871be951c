"""Every publication and rollback shows in the dataset's activity stream:
who, when, which release, the release it withdrew, links to its report and
files; recorded once, and by `ckan casa views` for earlier publications."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from casa_pipelines.catalogue import sync as catalogue
from casa_pipelines.publish.swap import publish, table_resource_id
from casa_pipelines.releases.ingest import ingest
from casa_pipelines.spec import load_spec

from ckan.cli.cli import ckan
from ckan.tests import factories, helpers

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "validation" / "population-2024"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets datatables_view activity"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "with_activity", "clean_index"),
]


def _ours(slug: str) -> list[dict[str, Any]]:
    return [a for a in helpers.call_action("package_activity_list", id=slug)
            if a["activity_type"].startswith("casa release")]


def test_publications_and_rollbacks_in_the_activity_stream(app: Any, cli: Any, tmp_path: Path,
                                                           throwaway_slug: Any, dataset_file: Any) -> None:
    factories.Sysadmin(name="casa-admin")
    url = os.environ["CASA_DATASTORE_URL"]
    slug = throwaway_slug(url, "test-history")
    spec = load_spec(dataset_file(tmp_path, slug), root=REPO)
    factories.Organization(name=spec.ckan.organization)
    factories.Group(name=spec.ckan.theme)

    def sync(spec: Any, conn: Any, release: Any, table: Any) -> bool:
        return catalogue.sync(spec, conn, release, table_resource_id(spec.slug), None, "http://test.ckan.net") \
            is not None

    ingest(spec, EXAMPLES / "valid.csv", url)
    publish(spec, url, catalogue=sync)
    second = tmp_path / "v2.csv"
    second.write_text((EXAMPLES / "valid.csv").read_text(encoding="utf-8").replace(",3218036,", ",3218037,"),
                      encoding="utf-8")
    ingest(spec, second, url)
    publish(spec, url, catalogue=sync)
    publish(spec, url, number=1, rollback=True, catalogue=sync)

    found = _ours(slug)
    assert [(a["activity_type"], a["data"]["release"], a["data"]["previous"]) for a in found] == [
        ("casa release rolled back", 1, 2), ("casa release published", 2, 1), ("casa release published", 1, None)]
    # Anyone sees them, in each language: who, which release, what it withdrew, report and files.
    french = app.get(f"/fr/dataset/activity/{slug}", status=200).body
    assert re.search(r"/user/casa-admin\">[^<]+</a>\s*</span>\s*a publié <a [^>]+>[^<]+</a> la version 2|/user/casa-admin\">[^<]+</a>\s*</span>\s*a publié la version 2 de", french) and "version 1 retirée" in french
    assert "a ramené" in french and f"/donnees/{slug}/2/rapport-validation.html" in french
    assert f'href="/fr/donnees/{slug}/2/"' in french or f'href="/donnees/{slug}/2/"' in french
    arabic = app.get(f"/ar/dataset/activity/{slug}", status=200).body
    assert "نشر" in arabic and "سُحب الإصدار 1" in arabic
    english = app.get(f"/en/dataset/activity/{slug}", status=200).body
    assert "published release 2 of" in english and "rolled" in english

    # Recorded once: writing the dataset again adds nothing.
    helpers.call_action("package_patch", context={"user": "casa-admin"}, id=slug, notes="Même contenu.")
    assert len(_ours(slug)) == 3


def test_the_command_records_earlier_publications(cli: Any, tmp_path: Path, throwaway_slug: Any,
                                                  dataset_file: Any) -> None:
    url = os.environ["CASA_DATASTORE_URL"]
    slug = throwaway_slug(url, "test-history-cli")
    spec = load_spec(dataset_file(tmp_path, slug), root=REPO)
    factories.Organization(name=spec.ckan.organization)
    factories.Group(name=spec.ckan.theme)
    ingest(spec, EXAMPLES / "valid.csv", url)
    # Published before the steward's account existed: nothing could be recorded.
    publish(spec, url, catalogue=lambda spec, conn, release, table: catalogue.sync(
        spec, conn, release, table_resource_id(spec.slug), None, "http://test.ckan.net"))
    assert _ours(slug) == []
    factories.Sysadmin(name="casa-admin")
    result = cli.invoke(ckan, ["casa", "views", slug])
    assert result.exit_code == 0, result.output
    assert "1 publication(s) added" in result.output
    assert [a["data"]["release"] for a in _ours(slug)] == [1]
    assert "0 publication(s) added" in cli.invoke(ckan, ["casa", "views", slug]).output
