"""Real clients against a served portal (gunicorn, the test configuration,
the dataset the real pipeline published): ckanapi (``action`` and
``dump``), ``frictionless validate`` by URL, and an rdflib harvest of
``/catalog.ttl`` that finds every public dataset and no private one."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from ckan.tests import factories

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
DCAT = Namespace("http://www.w3.org/ns/dcat#")

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets dcat"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.ckan_config("ckanext.dcat.rdf.profiles", "casa_dcat_ap_3"),
    pytest.mark.usefixtures("clean_db", "with_plugins"),
]


@pytest.fixture()
def downloads_root(ckan_config: Any) -> Iterator[Path]:
    """The served portal reads the ini: the downloads go where it says."""
    root = Path(ckan_config["ckanext.casa.downloads_path"])
    before = set(root.iterdir()) if root.exists() else set()
    yield root
    for made in set(root.iterdir()) - before if root.exists() else ():
        shutil.rmtree(made, ignore_errors=True)


@pytest.fixture()
def served(portal: dict[str, Any], gunicorn_portal: Any) -> dict[str, Any]:
    bare = factories.Dataset(owner_org=portal["org"]["id"], title="Sans version")
    return {**portal, "base": gunicorn_portal(), "bare": bare["name"]}


def run(*command: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # ckanapi dump starts its workers as `ckanapi` from the PATH, as installed.
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run(list(command), capture_output=True, text=True, timeout=300, check=False, cwd=cwd,
                          env=env)


def test_real_clients_read_the_served_portal(served: dict[str, Any], tmp_path: Path) -> None:
    base, slug = served["base"], served["slug"]
    public = {slug, served["bare"]}

    # ckanapi action
    done = run(str(BIN / "ckanapi"), "action", "package_show", f"id={slug}", "-r", base)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["name"] == slug and shown["title_ar"] == served["spec"].ckan.title["ar"]

    # ckanapi dump: every public dataset, not the private one
    out = tmp_path / "dump.jsonl"
    done = run(str(BIN / "ckanapi"), "dump", "datasets", "--all", "-q", "-O", str(out), "-r", base)
    assert done.returncode == 0, done.stderr
    dumped = {json.loads(line)["name"] for line in out.read_text(encoding="utf-8").splitlines() if line}
    assert dumped == public

    # frictionless validate, by URL
    done = run(str(BIN / "frictionless"), "validate", "--json", f"{base}/donnees/{slug}/2/datapackage.json",
               cwd=tmp_path)
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["valid"], [t["errors"] for t in report["tasks"] if not t["valid"]]
    assert len(report["tasks"]) == 4  # csv (table), xlsx, json, parquet (files)

    # an rdflib harvest of the catalogue
    graph = Graph().parse(f"{base}/catalog.ttl", format="turtle")
    harvested = {str(graph.value(s, DCAT.landingPage)).rsplit("/", 1)[-1]
                 for s in graph.subjects(RDF.type, DCAT.DatasetSeries)}
    assert harvested == public
    assert served["private"] not in graph.serialize(format="turtle")

