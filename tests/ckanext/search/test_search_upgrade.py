"""Migrations 0010 (stemming) and 0011 (territory facet) on an index that
already holds documents, as a running portal's does: both run in one
transaction, the second altering the table the first rewrote."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]


def test_an_index_with_documents_goes_down_and_up_again(migrate_db_for):
    org = factories.Organization(name="observatoire-urbain")
    factories.Dataset(name="emploi", title="Emplois et chômage", owner_org=org["id"], spatial_coverage="06")
    factories.Dataset(name="sukkan", title="السكان والأسر", owner_org=org["id"], spatial_coverage="06")
    model.Session.commit()

    migrate_db_for("casa_search", "0009_facet_bitsets", forward=False)
    model.Session.commit()
    columns = sa.inspect(model.Session.bind).get_columns("casa_search_document")
    assert "spatial_coverage" not in {c["name"] for c in columns}

    migrate_db_for("casa_search")
    model.Session.commit()
    found = helpers.call_action("package_search", q="emploi", **{"facet.field": '["spatial_coverage"]'})
    assert [d["name"] for d in found["results"]] == ["emploi"]
    assert [d["name"] for d in helpers.call_action("package_search", q="سكان")["results"]] == ["sukkan"]
    counts = helpers.call_action("package_search", **{"facet.field": '["spatial_coverage"]'})["facets"]
    assert counts == {"spatial_coverage": {"06": 2}}
