"""Real clients against a served portal (gunicorn, the test configuration,
the dataset the real pipeline published): ckanapi (``action`` and
``dump``), ``frictionless validate`` by URL, and an rdflib harvest of
``/catalog.ttl`` that finds every public dataset and no private one."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def served(portal: dict[str, Any], ckan_config: Any) -> Iterator[dict[str, Any]]:
    bare = factories.Dataset(owner_org=portal["org"]["id"], title="Sans version")
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--chdir", str(ROOT / "docker"), "wsgi:application"],
        env=dict(os.environ, CKAN_INI=ckan_config["__file__"]),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if requests.get(f"{base}/api/3/action/status_show", timeout=2).ok:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        else:
            pytest.fail("the portal did not start: " + server.stderr.read1().decode()[-2000:])
        yield {**portal, "base": base, "bare": bare["name"]}
    finally:
        server.terminate()
        server.wait(timeout=30)


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

