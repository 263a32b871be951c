"""Three releases of one dataset with their downloads built from a real
public table: 1 withdrawn (was public), 2 published, 3 built but never
published (validated, as a release under embargo is until its date)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from casa_pipelines.downloads.build import build_downloads
from casa_pipelines.releases import record as releases
from casa_pipelines.spec import load_spec
from psycopg import sql

SCHEMA_YAML = """\
fields:
  - {name: id, type: string, constraints: {required: true}}
  - {name: nom, type: string}
  - {name: montant, type: number}
primaryKey: [id]
"""
DATASET_YAML = """\
slug: {slug}
schema: schema.yaml
public:
  columns: [id, nom, montant]
ckan:
  title: {{fr: Téléchargements de test, ar: تحميلات للاختبار}}
  description: {{fr: Un jeu de test., ar: مجموعة اختبار.}}
  organization: ville-de-casablanca
  theme: services-urbains
  license: cc-by-4.0
  frequency: annual
  tags: {{fr: [test], ar: [اختبار]}}
"""
STATUSES = {1: "withdrawn", 2: "published", 3: "validated"}


@pytest.fixture()
def published(tmp_path: Path, ckan_config: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    url = ckan_config["ckan.datastore.write_url"]
    root = tmp_path / "downloads"
    monkeypatch.setitem(ckan_config, "ckanext.casa.downloads_path", str(root))
    slug = f"test-route-{uuid.uuid4().hex[:6]}"
    repo = tmp_path / "repo"
    (repo / "datasets").mkdir(parents=True)
    (repo / "schema.yaml").write_text(SCHEMA_YAML, encoding="utf-8")
    (repo / "datasets" / f"{slug}.yaml").write_text(DATASET_YAML.format(slug=slug), encoding="utf-8")
    spec = load_spec(repo / "datasets" / f"{slug}.yaml", root=repo)
    # Not in ``public``, where CKAN's datastore keeps its own tables.
    table = ("casa_dl_test", f"route_{uuid.uuid4().hex[:8]}")
    ident = sql.Identifier(*table)
    with psycopg.connect(url) as conn:
        releases.ensure_tables(conn)
        conn.execute("CREATE SCHEMA IF NOT EXISTS casa_dl_test")
        conn.execute(sql.SQL("CREATE TABLE {} (_id bigint GENERATED ALWAYS AS IDENTITY, id text, nom text, "
                             "montant double precision)").format(ident))
        conn.execute(sql.SQL("INSERT INTO {} (id, nom, montant) VALUES ('A', 'الدار البيضاء', -1.5), "
                             "('B', '=1+1', 2)").format(ident))
        for number, status in STATUSES.items():
            conn.execute(
                "INSERT INTO casa_staging.release (dataset, number, sha256, rows, status, staged_table, source, "
                "report) VALUES (%s, %s, %s, 2, %s, 'none', 'test', '{}')",
                (slug, number, uuid.uuid4().hex, status))
    manifests = {n: build_downloads(url, table, spec, n, root / slug / str(n)) for n in STATUSES}
    try:
        yield {"slug": slug, "root": root, "manifests": manifests}
    finally:
        with psycopg.connect(url) as conn:
            conn.execute("DELETE FROM casa_staging.release WHERE dataset = %s", (slug,))
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(ident))


def datapackage(root: Path, slug: str, number: int) -> dict[str, Any]:
    return json.loads((root / slug / str(number) / "datapackage.json").read_text(encoding="utf-8"))
