"""What Casa Urban Data expects of search beyond CKAN's own tests: French
and Arabic text folding, Solr syntax in ``q`` and ``fq``, facets that follow
writes, sorting and paging."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from ckan import model
from ckan.lib import search as search_lib
from ckan.tests import factories, helpers

from ckanext.casa.search import dates

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]


def search(**data_dict) -> dict:
    return helpers.call_action("package_search", **data_dict)


def names(**data_dict) -> list[str]:
    return [d["name"] for d in search(**data_dict)["results"]]


def found(**data_dict) -> set[str]:
    return set(names(rows=1000, **data_dict))


class TestFrenchText:
    @pytest.fixture
    def catalogue(self):
        factories.Dataset(name="ecoles", title="Écoles primaires publiques")
        factories.Dataset(name="ain-chock", title="Équipements d'Aïn-Chock")
        factories.Dataset(name="hopitaux", title="Hôpitaux et centres de santé")
        factories.Dataset(name="oeuvres", title="Œuvres d'art dans l'espace public")

    @pytest.mark.parametrize("q", ["ecoles", "ÉCOLES", "écoles", "Ecoles primaires"])
    def test_accents_and_case_do_not_matter(self, catalogue, q):
        assert names(q=q) == ["ecoles"]

    @pytest.mark.parametrize("q", ["ain chock", "Aïn-Chock", "AIN-CHOCK", "aïn chock"])
    def test_hyphens_and_diaereses_do_not_matter(self, catalogue, q):
        assert names(q=q) == ["ain-chock"]

    def test_ligature_and_elision(self, catalogue):
        assert names(q="oeuvres") == ["oeuvres"]
        assert names(q="espace") == ["oeuvres"]  # "l'espace"

    def test_document_without_accents_is_found_by_accented_query(self):
        factories.Dataset(name="plain", title="Hopital regional")
        assert names(q="hôpital régional") == ["plain"]

    def test_notes_and_tags_are_searched_too(self):
        # Titles and notes given: the factory's are random English words,
        # "education" among them now and then.
        factories.Dataset(name="by-notes", title="Recensement",
                          notes="Recensement de la population, édition 2024")
        factories.Dataset(name="by-tag", title="Écoles", notes="Liste", tags=[{"name": "Éducation"}])
        factories.Dataset(name="neither", title="Autre", notes="Autre chose")
        assert names(q="edition") == ["by-notes"]
        assert names(q="education") == ["by-tag"]


class TestArabicText:
    @pytest.fixture
    def catalogue(self):
        factories.Dataset(name="anfa", title="مقاطعة أنفا")
        factories.Dataset(name="madina", title="المدينة القديمة")
        factories.Dataset(name="other", title="سيدي بليوط")

    @pytest.mark.parametrize("q", ["أنفا", "انفا", "إنفا", "آنفا"])
    def test_hamza_and_alef_forms_are_one(self, catalogue, q):
        assert names(q=q) == ["anfa"]

    @pytest.mark.parametrize("q", ["المدينة", "المدينه", "المـديـنة", "المَدِينَة"])
    def test_taa_marbuta_tatweel_and_diacritics(self, catalogue, q):
        assert names(q=q) == ["madina"]

    def test_folded_document_is_found_by_full_query(self):
        factories.Dataset(name="plain", title="مدينه")
        assert names(q="مدينة") == ["plain"]

    def test_bilingual_title(self):
        factories.Dataset(name="bi", title="Préfecture Anfa - عمالة أنفا")
        assert names(q="عمالة") == ["bi"]
        assert names(q="prefecture") == ["bi"]


class TestQuerySyntax:
    @pytest.fixture
    def catalogue(self):
        factories.Dataset(name="parc-urbain", title="Parc urbain de la Ligue arabe", tags=[{"name": "espaces-verts"}])
        factories.Dataset(name="urbain-parc", title="Mobilier urbain près du parc", tags=[{"name": "mobilier"}])
        factories.Dataset(name="parking", title="Parkings publics", notes="Parc de stationnement")

    def test_phrase(self, catalogue):
        assert names(q='"parc urbain"') == ["parc-urbain"]

    def test_all_words_are_required(self, catalogue):
        assert found(q="parc urbain") == {"parc-urbain", "urbain-parc"}

    def test_minus_excludes(self, catalogue):
        assert found(q="parc -urbain") == {"parking"}
        assert found(q="parc -mobilier") == {"parc-urbain", "parking"}

    def test_fielded_title(self, catalogue):
        assert found(q="title:parc") == {"parc-urbain", "urbain-parc"}

    def test_fielded_tags_are_exact(self, catalogue):
        assert names(q="tags:mobilier") == ["urbain-parc"]
        assert names(q="tags:mobil") == []

    def test_name_prefix(self, catalogue):
        assert found(q="name:par*") == {"parc-urbain", "parking"}

    def test_boolean_operators(self, catalogue):
        assert found(q="title:parkings OR tags:mobilier") == {"parking", "urbain-parc"}
        assert found(q="title:parc AND NOT tags:mobilier") == {"parc-urbain"}

    def test_text_field_folds_like_free_text(self, catalogue):
        assert names(q="title:LIGUE") == ["parc-urbain"]


class TestFilters:
    @pytest.fixture
    def catalogue(self):
        org = factories.Organization(name="dsi")
        other_org = factories.Organization(name="urbanisme")
        group = factories.Group(name="mobilite")
        factories.Dataset(
            name="bus",
            owner_org=org["id"],
            groups=[{"name": group["name"]}],
            tags=[{"name": "transport"}],
            license_id="cc-by",
            resources=[{"url": "http://example.com/bus.csv", "format": "CSV"}],
            extras=[{"key": "commune_code", "value": "141.01.05"}],
        )
        factories.Dataset(
            name="tram",
            owner_org=other_org["id"],
            groups=[{"name": group["name"]}],
            tags=[{"name": "transport"}, {"name": "tram"}],
            license_id="odc-odbl",
            resources=[{"url": "http://example.com/tram.geojson", "format": "GeoJSON"}],
            extras=[{"key": "commune_code", "value": "141.01.06"}],
        )
        factories.Dataset(name="communes", type="referentiel", owner_org=org["id"])

    @pytest.mark.parametrize(
        ("fq", "expected"),
        [
            ("organization:dsi", {"bus", "communes"}),
            ("groups:mobilite", {"bus", "tram"}),
            ("tags:tram", {"tram"}),
            ("tags:transport", {"bus", "tram"}),
            ("res_format:CSV", {"bus"}),
            ('res_format:"GeoJSON"', {"tram"}),
            ("license_id:cc-by", {"bus"}),
            ("dataset_type:referentiel", {"communes"}),
            ("-dataset_type:referentiel", {"bus", "tram"}),
            ('commune_code:"141.01.05"', {"bus"}),
            ("extras_commune_code:141.01.06", {"tram"}),
            ("commune_code:141.01.*", {"bus", "tram"}),
            ("organization:dsi AND tags:transport", {"bus"}),
            ("organization:(dsi OR urbanisme)", {"bus", "tram", "communes"}),
            ("+organization:dsi -tags:transport", {"communes"}),
        ],
    )
    def test_fq(self, catalogue, fq, expected):
        assert found(fq=fq) == expected

    def test_fq_list(self, catalogue):
        assert found(fq_list=["groups:mobilite", "license_id:odc-odbl"]) == {"tram"}

    def test_fq_state_for_a_sysadmin(self, catalogue):
        draft = factories.Dataset(name="draft-one", state="draft")
        sysadmin = factories.Sysadmin()
        result = helpers.call_action(
            "package_search", context={"user": sysadmin["name"]}, fq="+state:draft"
        )
        assert [d["name"] for d in result["results"]] == [draft["name"]]

    def test_extras_come_back_as_extras(self, catalogue):
        result = search(fq="name:bus", fl=["name", "commune_code"])
        assert result["results"] == [{"name": "bus", "commune_code": "141.01.05"}]


def _set_modified(name: str, when: dt.datetime) -> None:
    """Age a dataset's search document (the catalogue row is irrelevant to
    search), as if it had been indexed ``when``."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    model.Session.execute(
        sa.text(
            "UPDATE casa_search_document SET metadata_modified = :s WHERE name = :n"
        ),
        {"s": stamp, "n": name},
    )
    # The JSONB copy lives in casa_search_content (migration 0002).
    model.Session.execute(
        sa.text(
            "UPDATE casa_search_content c"
            " SET doc = jsonb_set(c.doc, '{metadata_modified}', to_jsonb(CAST(:s AS text)))"
            " FROM casa_search_document d WHERE d.id = c.id AND d.name = :n"
        ),
        {"s": stamp, "n": name},
    )
    model.Session.commit()


class TestDateRanges:
    @pytest.fixture
    def catalogue(self):
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        for name, age in (("fresh", 0), ("last-week", 7), ("old", 400)):
            factories.Dataset(name=name)
            _set_modified(name, now - dt.timedelta(days=age, hours=1))

    @pytest.mark.parametrize(
        ("fq", "expected"),
        [
            ("metadata_modified:[NOW-1DAY TO NOW]", {"fresh"}),
            ("metadata_modified:[NOW-30DAYS TO *]", {"fresh", "last-week"}),
            ("metadata_modified:[* TO NOW-1YEAR]", {"old"}),
            ("metadata_modified:{NOW-1YEAR TO NOW-1DAY}", {"last-week"}),
            ("metadata_modified:[2000-01-01T00:00:00Z TO NOW]", {"fresh", "last-week", "old"}),
            ("metadata_modified:[NOW/DAY-30DAYS TO NOW]", {"fresh", "last-week"}),
        ],
    )
    def test_ranges(self, catalogue, fq, expected):
        assert found(fq=fq) == expected

    def test_whole_second_matches_bounds_written_with_a_fraction(self):
        # CKAN writes "2024-01-01T00:00:00Z" (isoformat drops a zero
        # fraction); as text that sorts after "2024-01-01T00:00:00.000Z".
        dataset = factories.Dataset(name="new-year")
        factories.Dataset(name="other")
        package = model.Package.get(dataset["id"])
        package.metadata_modified = dt.datetime(2024, 1, 1)
        model.Session.commit()
        search_lib.rebuild(dataset["id"])
        same = "2024-01-01T00:00:00.000Z"
        assert names(fq=f"metadata_modified:[{same} TO {same}]") == ["new-year"]
        assert names(fq="metadata_modified:[* TO 2024-01-01T00:00:00Z]") == ["new-year"]
        assert names(fq="metadata_modified:{2024-01-01T00:00:00Z TO *]") == ["other"]

    def test_rounding_and_calendar_units(self):
        now = dt.datetime(2024, 3, 31, 15, 30, 12, 500)
        assert dates.evaluate("NOW/DAY", now) == dt.datetime(2024, 3, 31)
        assert dates.evaluate("NOW-1MONTH/MONTH", now) == dt.datetime(2024, 2, 1)
        assert dates.evaluate("NOW+2HOURS/HOUR", now) == dt.datetime(2024, 3, 31, 17)
        assert dates.evaluate("2024-02-29T00:00:00Z+1YEAR", now) == dt.datetime(2025, 2, 28)
        with pytest.raises(dates.DateSyntaxError):
            dates.evaluate("NOW-3FORTNIGHTS", now)

    def test_sort_metadata_modified_desc(self, catalogue):
        assert names(sort="metadata_modified desc") == ["fresh", "last-week", "old"]


class TestFacetsFollowWrites:
    def test_update_and_delete(self):
        factories.Organization(name="org-a")
        factories.Organization(name="org-b")
        first = factories.Dataset(owner_org="org-a", tags=[{"name": "eau"}])
        second = factories.Dataset(owner_org="org-a", tags=[{"name": "eau"}, {"name": "air"}])

        def facets() -> dict:
            result = search(**{"facet.field": ["organization", "tags"]})
            return {field: result["facets"][field] for field in ("organization", "tags")}

        assert facets() == {"organization": {"org-a": 2}, "tags": {"eau": 2, "air": 1}}
        helpers.call_action("package_patch", id=second["id"], owner_org="org-b", tags=[{"name": "air"}])
        assert facets() == {"organization": {"org-a": 1, "org-b": 1}, "tags": {"eau": 1, "air": 1}}
        helpers.call_action("package_delete", id=first["id"])
        assert facets() == {"organization": {"org-b": 1}, "tags": {"air": 1}}

    def test_facets_are_ordered_by_count_then_name(self):
        for tags in (["bb", "aa"], ["bb", "cc"], ["bb"], ["cc"]):
            factories.Dataset(tags=[{"name": t} for t in tags])
        result = search(**{"facet.field": ["tags"]})
        items = result["search_facets"]["tags"]["items"]
        # package_search re-sorts items itself; the raw facet keeps our order.
        assert list(result["facets"]["tags"].items()) == [("bb", 3), ("cc", 2), ("aa", 1)]
        assert {i["name"]: i["count"] for i in items} == {"bb": 3, "cc": 2, "aa": 1}

    def test_facet_mincount(self):
        for tags in (["bb", "aa"], ["bb"]):
            factories.Dataset(tags=[{"name": t} for t in tags])
        result = search(**{"facet.field": ["tags"], "facet.mincount": 2})
        assert result["facets"]["tags"] == {"bb": 2}

    def test_facet_on_an_extra(self):
        factories.Dataset(extras=[{"key": "theme", "value": "mobilite"}])
        factories.Dataset(extras=[{"key": "theme", "value": "mobilite"}])
        factories.Dataset(extras=[{"key": "theme", "value": "environnement"}])
        result = search(**{"facet.field": ["theme"]})
        assert result["facets"]["theme"] == {"mobilite": 2, "environnement": 1}


class TestSortAndPaging:
    def test_relevance_puts_title_matches_first(self):
        factories.Dataset(name="in-notes", title="Voirie", notes="Plan de circulation des bus")
        factories.Dataset(name="in-title", title="Lignes de bus")
        factories.Dataset(name="elsewhere", title="Sans rapport")
        assert names(q="bus", sort="score desc, metadata_modified desc") == ["in-title", "in-notes"]
        assert names(q="bus") == ["in-title", "in-notes"]  # CKAN's default sort

    def test_title_string_sorts_without_case_or_accents(self):
        for name, title in (("zz", "Zones industrielles"), ("e2", "École"), ("e1", "Eau potable"), ("aa", "abattoirs")):
            factories.Dataset(name=name, title=title)
        assert names(sort="title_string asc") == ["aa", "e1", "e2", "zz"]
        assert names(sort="title_string desc") == ["zz", "e2", "e1", "aa"]

    def test_name_asc_and_multiple_keys(self):
        for name in ("b-set", "c-set", "a-set"):
            factories.Dataset(name=name, license_id="cc-by" if name != "c-set" else "odc-odbl")
        assert names(sort="name asc") == ["a-set", "b-set", "c-set"]
        assert names(sort="license_id desc, name desc") == ["c-set", "b-set", "a-set"]

    def test_rows_and_start_page_through_everything_once(self):
        for i in range(7):
            factories.Dataset(name=f"set-{i}")
        pages = [names(sort="name asc", rows=3, start=start) for start in (0, 3, 6, 9)]
        assert pages == [["set-0", "set-1", "set-2"], ["set-3", "set-4", "set-5"], ["set-6"], []]
        assert search(rows=3, start=6)["count"] == 7

    def test_rows_zero_gives_count_and_facets_only(self):
        factories.Dataset(tags=[{"name": "xx"}])
        result = search(rows=0, **{"facet.field": ["tags"]})
        assert (result["count"], result["results"], result["facets"]["tags"]) == (1, [], {"xx": 1})
