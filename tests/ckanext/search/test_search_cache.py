"""The result cache (search/cache.py) and the index generation it is keyed on.

Every kind of write must make the next search miss: CKAN's actions, SQL by
hand, a write committed by another connection. A search inside a
transaction that wrote to the index sees that transaction's rows and is
neither served from nor stored in the cache; a rolled-back write changes
nothing.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories, helpers

from ckanext.casa.search import cache
from ckanext.casa.search.connection import PostgresConnection

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("clean_db"),
]


def _count(**params) -> int:
    return helpers.call_action("package_search", **params)["count"]


def _generation() -> int:
    return model.Session.execute(sa.text("SELECT value FROM casa_search_generation")).scalar_one()


def _counters() -> tuple[int, int]:
    return cache.current().hits, cache.current().misses


def test_the_cache_is_on_by_default_and_serves_a_repeated_search():
    factories.Dataset(name="one", title="Tramway de Casablanca")
    assert cache.current().size > 0
    hits, misses = _counters()
    assert _count(q="tramway") == 1
    assert _counters() == (hits, misses + 1)
    assert _count(q="tramway") == 1
    assert _counters() == (hits + 1, misses + 1)
    # Another question is another entry.
    assert _count(q="tramway", rows=0) == 1
    assert _counters() == (hits + 1, misses + 2)


def test_every_action_write_makes_the_next_search_miss():
    org = factories.Organization(name="org-a")
    factories.Dataset(name="one", title="Tramway", owner_org=org["id"])
    assert _count(q="tramway") == 1
    factories.Dataset(name="two", title="Tramway ligne 2", owner_org=org["id"])
    assert _count(q="tramway") == 2
    helpers.call_action("package_patch", id="two", title="Busway")
    assert _count(q="tramway") == 1
    helpers.call_action("package_patch", id="one", private=True)
    assert _count(q="tramway") == 0
    assert _count(q="tramway", include_private=True, context={"ignore_auth": True}) == 1
    helpers.call_action("package_patch", id="one", private=False)
    assert _count(q="tramway") == 1
    helpers.call_action("package_delete", id="one")
    assert _count(q="tramway") == 0
    assert _count(q="busway") == 1
    helpers.call_action("dataset_purge", id="two")
    assert _count(q="busway") == 0


def test_writes_by_sql_and_by_another_connection_change_the_generation():
    factories.Dataset(name="one", title="Tramway")
    assert _count(q="tramway") == 1
    before = _generation()
    model.Session.execute(sa.text("UPDATE casa_search_document SET title_sort = 'x'"))
    model.Session.commit()
    assert _generation() > before
    before = _generation()
    with model.meta.engine.begin() as other:
        other.execute(sa.text("DELETE FROM casa_search_document"))
    assert _generation() > before
    assert _count(q="tramway") == 0


def test_a_rolled_back_write_keeps_the_generation_and_its_answers():
    factories.Dataset(name="one", title="Tramway")
    assert _count(q="tramway") == 1
    before = _generation()
    model.Session.execute(sa.text("DELETE FROM casa_search_document"))
    model.Session.rollback()
    assert _generation() == before
    hits, _ = _counters()
    assert _count(q="tramway") == 1
    assert _counters()[0] == hits + 1


def test_a_search_in_a_writing_transaction_sees_its_writes_and_is_not_cached():
    factories.Dataset(name="one", title="Tramway")
    assert _count(q="tramway") == 1
    connection = PostgresConnection()
    # Uncommitted: this transaction alone sees the document gone.
    model.Session.execute(sa.text("DELETE FROM casa_search_document"))
    hits, misses = _counters()
    assert connection.search(q="tramway", defType="dismax").hits == 0
    assert _counters() == (hits, misses)
    model.Session.rollback()
    assert connection.search(q="tramway", defType="dismax").hits == 1
    # And an index write through the connection marks the transaction too.
    connection.add([{
        "id": "ghost", "site_id": "casa", "name": "ghost", "title": "Tramway fantome",
        "state": "active", "capacity": "public", "dataset_type": "dataset",
        "permission_labels": ["public"], "metadata_created": "2020-01-01T00:00:00Z",
        "metadata_modified": "2020-01-01T00:00:00Z",
    }])
    hits, misses = _counters()
    assert connection.search(q="tramway", defType="dismax").hits == 2
    assert _counters() == (hits, misses)
    model.Session.rollback()
    assert connection.search(q="tramway", defType="dismax").hits == 1


def test_cached_answers_are_copies():
    factories.Dataset(name="one", title="Tramway", tags=[{"name": "bus"}])
    connection = PostgresConnection()
    first = connection.search(q="tramway", defType="dismax", **{"facet.field": ["tags"]})
    first.docs[0]["name"] = "changed"
    first.facets["facet_fields"]["tags"].append("changed")
    again = connection.search(q="tramway", defType="dismax", **{"facet.field": ["tags"]})
    assert again.docs[0]["name"] == "one"
    assert again.facets["facet_fields"]["tags"] == ["bus", 1]


@pytest.mark.ckan_config("ckanext.casa.search.cache_size", "0")
def test_a_size_of_zero_turns_the_cache_off():
    factories.Dataset(name="one", title="Tramway")
    assert _count(q="tramway") == 1
    assert _count(q="tramway") == 1
    assert _counters() == (0, 0)


def test_the_cache_keeps_at_most_its_size():
    results = cache.ResultCache(2)
    for key in "abc":
        results.put(1, key, key)
    assert list(results.entries) == ["b", "c"]
    assert results.get(1, "a") is None and results.get(1, "c") == "c"
    # An answer computed under an older generation is not kept; a newer
    # generation empties the cache.
    results.put(0, "old", "x")
    assert results.get(1, "old") is None
    results.put(2, "d", "d")
    assert list(results.entries) == ["d"] and results.get(1, "d") is None
