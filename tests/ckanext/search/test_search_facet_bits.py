"""Facet counts from the facet bitsets (migration 0009, search/facet_bits.py).

Small catalogues count from facet ids; these tests make every query read
the bitsets, and check after every kind of write that the bitsets hold
exactly the documents' facet ids and that counts equal plain SQL counts.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories, helpers

from ckanext.casa.search import facet_bits
from ckanext.casa.search.connection import PostgresConnection

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("clean_db"),
]
FACETS = ["organization", "groups", "tags", "res_format", "license_id"]
VISIBLE = ['+capacity:public +state:(active)', '+site_id:"casa"', '+permission_labels:("public")']


@pytest.fixture
def bitsets_always(monkeypatch):
    monkeypatch.setattr(facet_bits, "BITSET_COST", 0)
    facet_bits.forget()
    yield
    facet_bits.forget()


def _rows(sql: str, **params) -> list:
    return model.Session.execute(sa.text(sql), params).all()


def _assert_bitsets_hold_the_ids() -> None:
    """Every (value, ordinal) pair of the bitsets is a document's facet id,
    and every facet id is in the bitsets."""
    from_ids = _rows(
        "SELECT f, ordinal FROM casa_search_document, unnest(facet_ids) f ORDER BY 1, 2"
    )
    from_bits = _rows(
        "SELECT b.value_id, b.chunk * 1024 + i FROM casa_search_facet_bits b,"
        " generate_series(0, 1023) i WHERE get_bit(b.bits, i) = 1 ORDER BY 1, 2"
    )
    assert [tuple(r) for r in from_bits] == [tuple(r) for r in from_ids]


def _reference(ids: list[str]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for name in FACETS:
        values = f"unnest({name})" if name in ("groups", "tags", "res_format") else name
        rows = _rows(
            f"SELECT v, count(DISTINCT id) FROM (SELECT id, {values} AS v FROM casa_search_document"
            " WHERE id = ANY(:ids)) x WHERE coalesce(v, '') <> '' GROUP BY v",
            ids=ids,
        )
        counts[name] = {v: n for v, n in rows}
    return counts


def _check(q: str, fq: list[str] = VISIBLE) -> dict[str, dict[str, int]]:
    connection = PostgresConnection(use_stats=False)
    matches = connection.search(q=q, fq=fq, rows=1000, fl="id", facet="false", defType="dismax")
    reference = _reference([d["id"] for d in matches.docs])
    for rows in (10, 0):  # the ranked single pass, and the count-only query
        result = connection.search(
            q=q, fq=fq, rows=rows, defType="dismax", **{"facet.field": FACETS, "facet.limit": -1}
        )
        got = {
            name: dict(zip(values[::2], values[1::2]))
            for name, values in result.facets["facet_fields"].items()
        }
        assert got == reference
    _assert_bitsets_hold_the_ids()
    return reference


def _dataset(name: str, org: dict, tags: list[str], **extra) -> dict:
    return factories.Dataset(
        name=name, title=f"Tramway {name}", owner_org=org["id"],
        tags=[{"name": t} for t in tags], **extra,
    )


@pytest.mark.usefixtures("bitsets_always")
def test_counts_across_chunks_through_creates_updates_and_deletes():
    # Ordinals 1022 to 1025: two chunks of 1,024 documents.
    _rows("SELECT setval('casa_search_document_ordinal_seq', 1022, false)")
    org_a = factories.Organization(name="org-a")
    org_b = factories.Organization(name="org-b")
    _dataset("one", org_a, ["bus", "tram"], license_id="cc-by",
             resources=[{"url": "http://x/1.csv", "format": "CSV"}])
    _dataset("two", org_b, ["bus"], license_id="odc-odbl")
    _dataset("three", org_a, ["velo"])
    _dataset("secret", org_a, ["cache"], private=True)
    assert {r.ordinal // 1024 for r in _rows("SELECT ordinal FROM casa_search_document")} == {0, 1}
    assert _check("tramway")["tags"] == {"bus": 2, "tram": 1, "velo": 1}

    ordinal = _rows("SELECT ordinal FROM casa_search_document WHERE name = 'one'")[0].ordinal
    helpers.call_action("package_patch", id="one", tags=[{"name": "nouveau"}], owner_org=org_b["id"])
    # An update keeps the document's ordinal.
    assert _rows("SELECT ordinal FROM casa_search_document WHERE name = 'one'")[0].ordinal == ordinal
    reference = _check("tramway")
    assert reference["tags"] == {"bus": 1, "nouveau": 1, "velo": 1}
    assert reference["organization"] == {"org-a": 1, "org-b": 2}

    helpers.call_action("package_delete", id="two")
    assert _check("tramway")["tags"] == {"nouveau": 1, "velo": 1}
    # Private documents, for those who see them.
    assert _check("tramway", ['+site_id:"casa"'])["tags"] == {"nouveau": 1, "velo": 1, "cache": 1}


@pytest.mark.usefixtures("bitsets_always")
def test_writes_by_hand_in_sql_and_in_one_statement():
    org = factories.Organization(name="org-a")
    for name in ("one", "two", "three"):
        _dataset(name, org, ["bus"])
    # One statement changing several documents, one of them not at all.
    model.Session.execute(sa.text(
        "UPDATE casa_search_document SET tags = CASE name WHEN 'one' THEN ARRAY['main']"
        " WHEN 'two' THEN ARRAY['bus', 'levee'] ELSE tags END"
    ))
    model.Session.commit()
    assert _check("tramway")["tags"] == {"bus": 2, "main": 1, "levee": 1}
    model.Session.execute(sa.text("DELETE FROM casa_search_document WHERE name IN ('one', 'three')"))
    model.Session.commit()
    assert _check("tramway")["tags"] == {"bus": 1, "levee": 1}
    model.Session.execute(sa.text("TRUNCATE casa_search_document CASCADE"))
    model.Session.commit()
    assert _rows("SELECT count(*) FROM casa_search_facet_bits")[0][0] == 0


@pytest.mark.usefixtures("bitsets_always")
def test_an_upsert_of_a_known_document_spends_no_ordinal():
    org = factories.Organization(name="org-a")
    dataset = _dataset("one", org, ["bus"])
    before = _rows("SELECT last_value FROM casa_search_document_ordinal_seq")[0][0]
    for title in ("Un", "Deux", "Trois"):
        helpers.call_action("package_patch", id=dataset["id"], title=title)
    assert _rows("SELECT last_value FROM casa_search_document_ordinal_seq")[0][0] == before
    _check("*:*")


def test_small_matches_count_from_ids_and_agree():
    """Without forcing: a catalogue this small reads no bitsets, and the
    counts are the same either way."""
    org = factories.Organization(name="org-a")
    for i in range(5):
        _dataset(f"d{i}", org, ["bus", f"t{i % 2}"])
    facet_bits.forget()
    # At least three bitsets of tags (one chunk; bitsets emptied by earlier
    # deletes stay): more than five matches needed.
    assert facet_bits.thresholds(model.Session)["tags"] >= int(facet_bits.BITSET_COST * 3) > 5
    reference = _check("tramway")
    assert reference["tags"] == {"bus": 5, "t0": 3, "t1": 2}
