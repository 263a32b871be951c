"""The maintained counts (search/stats.py) against counts computed in SQL.

Every scenario writes through CKAN's actions, then asks the same questions
of the connection with and without the maintained counts: totals and facets
must be identical, and the landing-page query must really use them.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories, helpers

from ckanext.casa.search import stats
from ckanext.casa.search.connection import PostgresConnection

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("clean_db"),
]
FACETS = ["organization", "groups", "tags", "res_format", "license_id"]
LANDING = ['+capacity:public +dataset_type:dataset +state:(active)', '+site_id:"casa"',
           '+permission_labels:("public")']


def _ask(use_stats: bool, fq: list[str]) -> tuple[int, dict]:
    result = PostgresConnection(use_stats=use_stats).search(
        q="*:*", fq=fq, rows=0, **{"facet.field": FACETS, "facet.limit": -1}
    )
    return result.hits, result.facets["facet_fields"]


def _assert_same(fq: list[str] = LANDING) -> dict:
    with_stats, computed = _ask(True, fq), _ask(False, fq)
    assert with_stats == computed
    return with_stats[1]


def _catalogue():
    org_a = factories.Organization(name="org-a")
    org_b = factories.Organization(name="org-b")
    group = factories.Group(name="mobilite")
    one = factories.Dataset(
        name="one", owner_org=org_a["id"], license_id="cc-by", groups=[{"name": group["name"]}],
        tags=[{"name": "bus"}, {"name": "tram"}],
        resources=[{"url": "http://x/1.csv", "format": "CSV"}, {"url": "http://x/2.csv", "format": "CSV"}],
    )
    factories.Dataset(name="two", owner_org=org_b["id"], license_id="odc-odbl", tags=[{"name": "bus"}])
    factories.Dataset(name="secret", owner_org=org_a["id"], private=True, tags=[{"name": "bus"}])
    factories.Dataset(name="draft", owner_org=org_b["id"], state="draft", tags=[{"name": "tram"}])
    return one


def test_landing_query_of_ckan_uses_the_counts():
    base = stats.base_query("*:*", LANDING)
    assert base == stats.BaseQuery(site_id="casa", dataset_type="dataset")
    assert stats.base_query("bus", LANDING) is None
    assert stats.base_query("*:*", LANDING + ["tags:bus"]) == stats.BaseQuery(
        site_id="casa", dataset_type="dataset", field_filter=("tags", "bus")
    )
    assert stats.base_query("*:*", LANDING + ["tags:bus tags:tram"]) is None
    assert stats.base_query("*:*", LANDING + ["tags:bus organization:org-a"]) is None
    assert stats.base_query("*:*", LANDING + ["tags:bu*"]) is None
    assert stats.base_query("*:*", ['+capacity:public +state:(active OR draft)', '+site_id:"casa"']) is None


def test_counts_match_after_creates():
    _catalogue()
    facets = _assert_same()
    assert facets["tags"] == ["bus", 2, "tram", 1]
    assert facets["res_format"] == ["CSV", 1]  # counted once per dataset
    assert facets["organization"] == ["org-a", 1, "org-b", 1]


def test_counts_match_after_updates_privacy_and_deletes():
    one = _catalogue()
    helpers.call_action("package_patch", id="one", tags=[{"name": "velo"}], license_id="cc-zero")
    _assert_same()
    helpers.call_action("package_patch", id="two", private=True)
    _assert_same()
    helpers.call_action("package_patch", id="secret", private=False)
    helpers.call_action("package_patch", id="draft", state="active")
    _assert_same()
    for extra in ("organization:org-a", "tags:bus", 'tags:"velo"', "license_id:cc-zero"):
        _assert_same(LANDING + [extra])
    helpers.call_action("package_delete", id=one["id"])
    facets = _assert_same()
    assert "velo" not in facets["tags"]
    helpers.call_action("dataset_purge", id="two")
    _assert_same()
    hits, _ = _ask(True, LANDING)
    assert hits == helpers.call_action("package_search")["count"] == 2


def test_counts_match_through_package_search_for_visitors_and_sysadmins(app):
    _catalogue()
    sysadmin = factories.SysadminWithToken()
    for headers in ({}, {"Authorization": sysadmin["token"]}):
        response = app.get(
            "/api/3/action/package_search",
            query_string={"facet.field": '["tags","organization"]'},
            headers=headers,
        ).json["result"]
        assert response["count"] == 2
        tags = {i["name"]: i["count"] for i in response["search_facets"]["tags"]["items"]}
        assert tags == {"bus": 2, "tram": 1}


def test_a_rolled_back_write_changes_no_count():
    _catalogue()
    before = _assert_same()
    factories.Dataset(name="three", tags=[{"name": "bus"}])
    model.Session.execute(sa.text("SELECT 1"))
    assert _assert_same() != before
    # Index a document in an open transaction, then roll it back.
    PostgresConnection().add([{
        "id": "ghost", "site_id": "casa", "name": "ghost", "state": "active",
        "capacity": "public", "dataset_type": "dataset", "permission_labels": ["public"],
        "tags": ["fantome"], "metadata_created": "2020-01-01T00:00:00Z",
        "metadata_modified": "2020-01-01T00:00:00Z",
    }])
    assert "fantome" in _ask(True, LANDING)[1]["tags"]
    model.Session.rollback()
    assert "fantome" not in _assert_same()["tags"]


def test_public_datasets_without_the_public_label_switch_the_counts_off():
    _catalogue()
    PostgresConnection().add([{
        "id": "odd", "site_id": "casa", "name": "odd", "state": "active", "capacity": "public",
        "dataset_type": "dataset", "permission_labels": ["member-x"], "tags": ["bus"],
        "metadata_created": "2020-01-01T00:00:00Z", "metadata_modified": "2020-01-01T00:00:00Z",
    }])
    base = stats.base_query("*:*", LANDING)
    assert base is not None and not stats.usable(model.Session, base)
    _assert_same()
