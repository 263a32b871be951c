"""`ckan casa bootstrap` creates the data office, the organizations and the
themes with their Arabic title and description, brings older ones up to
date without touching what it does not own, and changes nothing on a
second run."""

from __future__ import annotations

from pathlib import Path

import pytest

from ckan.tests import factories, helpers

from ckanext.casa.cli import bootstrap
from ckanext.casa.themes import ORGANIZATIONS, THEMES

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]


def extras(group: dict) -> dict:
    return {e["key"]: e["value"] for e in group.get("extras") or []}


def run(tmp_path: Path, capsys: pytest.CaptureFixture) -> str:
    # The command's body, in the test's CKAN (its plugins, its database).
    bootstrap.callback(sysadmin="casa-admin", email="donnees@casa.invalid", token_file=str(tmp_path / "token"))
    return capsys.readouterr().out


def test_bootstrap_creates_updates_and_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    # An organization from an earlier version: French title only, an extra of its own.
    factories.Organization(name="observatoire-urbain", title="Ancien titre",
                           extras=[{"key": "contact", "value": "observatoire@casa.invalid"}])
    first = run(tmp_path, capsys)
    assert "organization observatoire-urbain: updated" in first
    assert "group territoire-population: created" in first
    org = helpers.call_action("organization_show", id="observatoire-urbain")
    wanted = next(o for o in ORGANIZATIONS if o["name"] == "observatoire-urbain")
    assert org["title"] == wanted["title"]
    assert extras(org) == {"contact": "observatoire@casa.invalid", "title_ar": wanted["title_ar"],
                           "description_ar": wanted["description_ar"], "title_en": wanted["title_en"],
                           "description_en": wanted["description_en"]}
    theme = helpers.call_action("group_show", id="territoire-population")
    declared = next(t for t in THEMES if t["name"] == "territoire-population")
    assert extras(theme)["title_ar"] == declared["title_ar"] and extras(theme)["title_en"] == declared["title_en"]
    again = run(tmp_path, capsys)
    assert "created" not in again and "updated" not in again
