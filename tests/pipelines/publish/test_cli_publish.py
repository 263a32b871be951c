"""The steward's commands end to end, as separate processes: `casa ingest`,
`casa publish` (with the real CKAN catalogue of the test profile), `casa
releases`, `casa diff`, `casa rollback`, `casa status`. Every failure is one
message and a documented exit code, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from casa_pipelines.publish.swap import table_resource_id

REPO = Path(__file__).resolve().parents[3]
EXAMPLES = REPO / "validation" / "population-2024"
BIN = Path(sys.executable).parent


def run(*args: str, env: dict[str, str], check: int | None = 0) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(BIN / "casa"), *args], capture_output=True, text=True, env=env, cwd=REPO,
                          check=False, timeout=600)
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    if check is not None:
        assert done.returncode == check, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


def ckan_action(action: str, **params: str) -> Any:
    args = [f"{k}={v}" for k, v in params.items()]
    done = subprocess.run([str(BIN / "ckan"), "-c", os.environ["CKAN_INI"], "api", "action", action, *args],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def bootstrapped() -> None:
    """The organizations and themes the dataset definitions name, in a
    catalogue brought back to every plugin's migrations: the CKAN suite,
    which runs first, leaves it as its last test's plugins made it."""
    for command in (("db", "upgrade"), ("casa", "bootstrap")):
        done = subprocess.run([str(BIN / "ckan"), "-c", os.environ["CKAN_INI"], *command],
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture()
def env(tmp_path: Path, url: str, bootstrapped: None, throwaway_slug: Any, dataset_file: Any) -> dict[str, str]:
    slug = throwaway_slug(url, "test-cli")
    folder = dataset_file(tmp_path, slug).parent
    # The spec's relative paths resolve against the folder above datasets/.
    (tmp_path / "validation").symlink_to(REPO / "validation")
    return dict(os.environ, CASA_DATASETS_DIR=str(folder), CASA_DOWNLOADS_DIR=str(tmp_path / "downloads"),
                CASA_RELEASES_DIR=str(tmp_path / "releases"), SLUG=slug, CASA_ACTOR="test-steward")


@pytest.fixture()
def catalogued(env: dict[str, str]) -> Iterator[dict[str, str]]:
    """`env`, and the CKAN dataset purged afterwards."""
    yield env
    try:
        ckan_action("dataset_purge", id=env["SLUG"])
    except AssertionError:
        pass  # not created by a failing test


def test_ingest_publish_diff_rollback_with_the_catalogue(catalogued: dict[str, str], tmp_path: Path) -> None:
    env = catalogued
    slug = env["SLUG"]
    out = run("ingest", slug, str(EXAMPLES / "valid.csv"), "--no-referentials", env=env).stdout
    assert "Version 1" in out and "30 lignes" in out
    # The release's rows are also kept (compressed CSV), where the settings say (archive.py).
    assert len(list((tmp_path / "releases" / slug).glob("*.pgcopy.zst"))) == 1
    out = run("publish", slug, env=env).stdout
    assert "Version 1" in out and "publiée" in out

    dataset = ckan_action("package_show", id=slug)
    assert dataset["title_ar"].startswith("السكان") and dataset["version"] == "1"
    assert dataset["organization"]["name"] == "observatoire-urbain"
    assert [g["name"] for g in dataset["groups"]] == ["territoire-population"]
    table, *files = dataset["resources"]
    assert table["id"] == table_resource_id(slug) and table["datastore_active"] is True
    assert {r["format"] for r in files} == {"CSV", "XLSX", "JSON", "Parquet", "Data Package", "HTML"}
    csv = next(r for r in files if r["format"] == "CSV")
    assert csv["url"].endswith(f"/donnees/{slug}/1/{slug}.csv") and csv["hash"].startswith("sha256:")
    on_disk = Path(env["CASA_DOWNLOADS_DIR"]) / slug / "1" / f"{slug}.csv"
    assert csv["size"] == on_disk.stat().st_size
    # The public table answers CKAN's datastore API, folded text search included.
    for q in ("maarif", "MAÂRIF", "Maârif"):
        found = ckan_action("datastore_search", resource_id=table["id"], q=q, limit="5")
        assert {r["nom_fr"] for r in found["records"]} == {"Maârif"}, q

    v2 = tmp_path / "v2.csv"
    v2.write_text((EXAMPLES / "valid.csv").read_text(encoding="utf-8").replace(
        "Casablanca,total,3218036", "Casablanca,total,3218040"), encoding="utf-8")
    run("ingest", slug, str(v2), "--no-referentials", env=env)
    run("publish", slug, env=env)
    diff = json.loads(run("diff", slug, "1", "2", "--format", "json", env=env).stdout)
    assert (diff["added"], diff["removed"], diff["changed"]) == (0, 0, 1)
    assert diff["columns_changed"] == {"population_legale": 1}

    dataset = ckan_action("package_show", id=slug)
    assert dataset["version"] == "2"
    urls = [r["url"] for r in dataset["resources"]]
    # The older release stays downloadable at its own, unchanged address.
    assert any(u.endswith(f"/{slug}/1/{slug}.csv") for u in urls)
    assert any(u.endswith(f"/{slug}/2/{slug}.csv") for u in urls)
    ids_before = {r["url"]: r["id"] for r in dataset["resources"]}

    out = run("rollback", slug, "--to", "1", env=env).stdout
    assert "retour arrière" in out
    dataset = ckan_action("package_show", id=slug)
    assert dataset["version"] == "1"
    assert {r["url"]: r["id"] for r in dataset["resources"]} == ids_before  # links kept

    status = json.loads(run("status", "--format", "json", env=env).stdout)
    mine = next(s for s in status if s["dataset"] == slug)
    assert (mine["published"], mine["latest"], mine["todo_fr"]) == (1, 2, [])
    table = run("releases", slug, env=env).stdout
    assert "publiée" in table and "retirée" in table


@pytest.mark.parametrize(("args", "code", "message"), [
    (("publish", "{slug}"), 5, "aucune version"),
    (("publish", "{slug}", "--release", "9"), 5, "pas de version 9"),
    (("publish", "{slug}", "--embargo", "31/12/2030"), 2, "AAAA-MM-JJ"),
    (("rollback", "{slug}", "--to", "3"), 5, "pas de version 3"),
    (("diff", "{slug}", "1", "2"), 5, "pas de version 1"),
    (("publish", "no-such-dataset"), 4, "Jeu de données inconnu"),
    (("publish",), 2, "DATASET"),
])
def test_bad_requests_get_one_clear_message(env: dict[str, str], args: tuple[str, ...], code: int,
                                            message: str) -> None:
    done = run(*(a.format(slug=env["SLUG"]) for a in args), env=env, check=code)
    assert message in done.stderr


def test_waiver_from_the_command_line(env: dict[str, str]) -> None:
    slug = env["SLUG"]
    done = run("ingest", slug, str(EXAMPLES / "invalid-suite.csv"), "--no-referentials", env=env, check=1)
    assert "NON VALIDE" in done.stdout and "--waive suite:" in done.stdout
    rules = [w for w in done.stdout.split() if w.startswith("suite:")]
    refused = run("publish", slug, env=env, check=1)
    assert "sans dérogation" in refused.stderr
    flags = [x for rule in dict.fromkeys(rules) for x in ("--waive", rule)]
    run("publish", slug, *flags, "--reason", "Écart documenté par le HCP", "--no-catalogue", env=env)
    listing = run("releases", slug, env=env).stdout
    assert "suite:" in listing
