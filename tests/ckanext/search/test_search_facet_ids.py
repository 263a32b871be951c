"""Facet counts from ``facet_ids`` (migration 0005) against counts of the
typed columns, computed here in plain SQL, for text queries and filters,
through creates, updates, deletes and writes made by hand in SQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories, helpers

from ckanext.casa.search.connection import PostgresConnection

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("clean_db"),
]
FACETS = ["organization", "groups", "tags", "res_format", "license_id", "state", "capacity"]
VISIBLE = ['+capacity:public +state:(active)', '+site_id:"casa"', '+permission_labels:("public")']


def _reference(ids: list[str]) -> dict[str, dict[str, int]]:
    """Counts of the typed columns of the documents ``ids``, in plain SQL."""
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        values = f"unnest({name})" if name in ("groups", "tags", "res_format") else name
        rows = model.Session.execute(
            sa.text(
                f"SELECT v, count(DISTINCT id) FROM (SELECT id, {values} AS v FROM casa_search_document"
                " WHERE id = ANY(:ids)) x WHERE coalesce(v, '') <> '' GROUP BY v"
            ),
            {"ids": ids},
        ).all()
        counts[name] = {v: n for v, n in rows}
    return counts


def _check(q: str, fq: list[str] = VISIBLE, **params) -> dict[str, dict[str, int]]:
    """Both query paths (ranked single pass, and rows=0) against the reference."""
    connection = PostgresConnection(use_stats=False)
    matches = connection.search(q=q, fq=fq, rows=1000, fl="id", facet="false", defType="dismax")
    reference = _reference([d["id"] for d in matches.docs])
    for rows in (10, 0):
        result = connection.search(
            q=q, fq=fq, rows=rows, defType="dismax",
            **{"facet.field": FACETS, "facet.limit": -1}, **params,
        )
        assert result.hits == matches.hits
        got = {
            name: dict(zip(values[::2], values[1::2]))
            for name, values in result.facets["facet_fields"].items()
        }
        assert got == reference
    return reference


def _catalogue():
    org_a = factories.Organization(name="org-a")
    org_b = factories.Organization(name="org-b")
    factories.Group(name="mobilite")
    factories.Group(name="environnement")
    factories.Dataset(
        name="one", title="Tramway", owner_org=org_a["id"], license_id="cc-by",
        groups=[{"name": "mobilite"}], tags=[{"name": "bus"}, {"name": "tram"}],
        resources=[{"url": "http://x/1.csv", "format": "CSV"}, {"url": "http://x/2.csv", "format": "CSV"}],
    )
    factories.Dataset(
        name="two", title="Tramway et bus", owner_org=org_b["id"], license_id="odc-odbl",
        groups=[{"name": "mobilite"}, {"name": "environnement"}], tags=[{"name": "bus"}],
        resources=[{"url": "http://x/3.json", "format": "JSON"}],
    )
    factories.Dataset(name="three", title="Bus", owner_org=org_a["id"], tags=[{"name": "velo"}])
    factories.Dataset(name="secret", title="Tramway", owner_org=org_a["id"], private=True,
                      tags=[{"name": "cache"}])


def test_text_query_facets_equal_column_counts():
    _catalogue()
    reference = _check("tramway")
    assert reference["tags"] == {"bus": 2, "tram": 1}
    assert reference["res_format"] == {"CSV": 1, "JSON": 1}
    assert reference["groups"] == {"mobilite": 2, "environnement": 1}
    _check("bus")
    _check("*:*")
    _check("tramway", VISIBLE + ["organization:org-a"])
    # Private documents are counted for those who see them.
    _check("tramway", ['+site_id:"casa"'])


def test_facet_ids_follow_updates_deletes_and_sql_writes():
    _catalogue()
    helpers.call_action("package_patch", id="one", tags=[{"name": "nouveau"}], license_id="cc-zero")
    assert _check("tramway")["tags"] == {"bus": 1, "nouveau": 1}
    helpers.call_action("package_delete", id="two")
    assert _check("tramway")["tags"] == {"nouveau": 1}
    # By hand: the trigger recomputes the ids from the typed columns.
    model.Session.execute(sa.text(
        "UPDATE casa_search_document SET tags = ARRAY['main', 'levee'], organization = 'org-z'"
        " WHERE name = 'one'"
    ))
    model.Session.commit()
    reference = _check("tramway")
    assert reference["tags"] == {"main": 1, "levee": 1}
    assert reference["organization"] == {"org-z": 1}
    ids = model.Session.execute(sa.text(
        "SELECT v.field, v.value FROM casa_search_document d"
        " JOIN casa_search_facet_value v ON v.id = ANY(d.facet_ids) WHERE d.name = 'one'"
    )).all()
    assert {tuple(r) for r in ids} == {
        ("tags", "main"), ("tags", "levee"), ("organization", "org-z"),
        ("license_id", "cc-zero"), ("groups", "mobilite"), ("res_format", "CSV"),
    }


def test_limit_keeps_the_largest_and_cuts_ties_in_code_point_order():
    org = factories.Organization(name="org-a")
    for name, tags in (("aa", ["zebre", "Ecole", "ecole"]), ("bb", ["zebre", "ecole"]), ("cc", ["zebre"])):
        factories.Dataset(name=name, title="Tramway", owner_org=org["id"],
                          tags=[{"name": t} for t in tags])
    connection = PostgresConnection(use_stats=False)
    for rows in (10, 0):
        result = connection.search(q="tramway", fq=VISIBLE, rows=rows, defType="dismax",
                                   **{"facet.field": ["tags"], "facet.limit": 2})
        assert result.facets["facet_fields"]["tags"] == ["zebre", 3, "ecole", 2]
        result = connection.search(q="tramway", fq=VISIBLE, rows=rows, defType="dismax",
                                   **{"facet.field": ["tags"], "facet.limit": 3, "facet.mincount": 2})
        assert result.facets["facet_fields"]["tags"] == ["zebre", 3, "ecole", 2]
        result = connection.search(q="tramway", fq=VISIBLE, rows=rows, defType="dismax",
                                   **{"facet.field": ["tags"], "facet.limit": 3})
        assert result.facets["facet_fields"]["tags"] == ["zebre", 3, "ecole", 2, "Ecole", 1]
