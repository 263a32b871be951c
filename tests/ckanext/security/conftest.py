"""A small public datastore table, created through CKAN's own actions."""

from __future__ import annotations

from typing import Any

import pytest

from ckan.tests import factories, helpers

ROWS = [
    {"n": 1, "nom": "Anfa", "note": "=HYPERLINK(\"http://x\")"},
    {"n": -2, "nom": "Maarif", "note": "+cmd|' /C calc'!A0"},
    {"n": 3, "nom": "Sidi Belyout", "note": "-2+3+cmd|' /C calc'!A0"},
    {"n": 4, "nom": "Ain Chock", "note": "@SUM(1,1)"},
    {"n": 5, "nom": "Hay Hassani", "note": "\t=1+1"},
    {"n": 6, "nom": "Ben Msick", "note": "\r=1+1"},
    {"n": 7, "nom": "Moulay Rachid", "note": "sans formule"},
]


@pytest.fixture
def table() -> dict[str, Any]:
    admin = factories.Sysadmin()
    org = factories.Organization()
    ds = factories.Dataset(owner_org=org["id"])
    created = helpers.call_action(
        "datastore_create", {"user": admin["name"]},
        resource={"package_id": ds["id"], "name": "t"},
        fields=[{"id": "n", "type": "int"}, {"id": "nom", "type": "text"}, {"id": "note", "type": "text"}],
        records=ROWS, force=True)
    return {"resource_id": created["resource_id"], "admin": admin}
