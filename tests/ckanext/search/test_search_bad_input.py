"""Bad search input gives CKAN's own errors (or an empty or clipped
result), never a server error, and never leaves the session unusable."""

from __future__ import annotations

import pytest

from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.logic import ValidationError
from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]

API = "/api/3/action/package_search"


@pytest.fixture
def catalogue():
    factories.Dataset(name="rivers", title="Rivers of Casablanca", tags=[{"name": "eau"}])
    factories.Dataset(name="lakes", title="Lakes")


def search(**data_dict) -> dict:
    return helpers.call_action("package_search", **data_dict)


# Input that is not a valid query but that Solr's dismax parser forgives:
# CKAN users get results, not an error.
FORGIVEN_Q = [
    '"unbalanced',
    "rivers (",
    "rivers )",
    "title:(rivers",
    'title:"rivers',
    "title:",
    ":",
    "a:b:c",
    "title:[a TO",
    "AND",
    "OR rivers",
    "NOT",
    "\\",
    "rivers\\",
    "*",
    "?",
    "~",
    "^2",
    "'; DROP TABLE package; --",
    "title:foo~2",
    "title:rivers^3",
    "ri?ers",
    "<script>alert(1)</script>",
    "rivers" * 2000,
    "x " * 500,
    "إ" * 50,
    "\u0000rivers",
    "rivers\u0000",
    "metadata_modified:[NOW-1DAY TO garbage]",
    "num_resources:[1 TO *]",
    "\U0001f30a rivers",
]


class TestQ:
    @pytest.mark.parametrize("q", FORGIVEN_Q)
    def test_forgiven_q_gives_a_result(self, catalogue, q):
        result = search(q=q)
        assert result["count"] == len(result["results"]) <= 2

    def test_unbalanced_quote_still_finds_the_words(self, catalogue):
        assert [d["name"] for d in search(q='"rivers')["results"]] == ["rivers"]
        assert [d["name"] for d in search(q="title:(rivers")["results"]] == ["rivers"]

    @pytest.mark.parametrize("q", ["riv\u00aders", "\u200friv\u200cers\u200e"])
    def test_invisible_format_characters_do_not_split_words(self, catalogue, q):
        assert [d["name"] for d in search(q=q)["results"]] == ["rivers"]

    @pytest.mark.parametrize("key", ["q", "fq"])
    def test_nul_in_a_field_value_is_dropped(self, catalogue, key):
        result = search(**{key: "name:riv\u0000ers"})
        assert [d["name"] for d in result["results"]] == ["rivers"]

    @pytest.mark.parametrize(
        "q",
        ["{!lucene}rivers", "rivers {!lucene}", '{!child of="content_type:parentDoc"}', "_val_:1", "_query_:rivers"],
    )
    def test_local_params_and_magic_fields_are_refused(self, catalogue, q):
        with pytest.raises(SearchError) as error:
            search(q=q)
        assert "not supported" in str(error.value) or "must be defined" in str(error.value)

    def test_session_is_usable_after_an_error(self, catalogue):
        with pytest.raises(SearchQueryError):
            search(fq="tags:(eau")
        assert search(q="rivers")["count"] == 1


class TestFq:
    @pytest.mark.parametrize(
        "fq",
        [
            'tags:"eau',
            "(tags:eau",
            "tags:eau)",
            "tags:[a TO",
            "metadata_modified:[garbage TO NOW]",
            "metadata_modified:[NOW-3FORTNIGHTS TO NOW]",
            'metadata_modified:"yesterday"',
            "fo%o:bar",
            "title:",
        ],
    )
    def test_unparsable_fq_is_a_search_query_error(self, catalogue, fq):
        with pytest.raises(SearchQueryError):
            search(fq=fq)

    @pytest.mark.parametrize("fq", ["unknown_field:foo", "unknown_field:*", "unknown_field:[1 TO 2]"])
    def test_unknown_field_matches_nothing(self, catalogue, fq):
        assert search(fq=fq)["count"] == 0

    @pytest.mark.parametrize("fq", ["{!frange l=1}rivers", "_val_:1"])
    def test_local_params_in_fq_are_refused(self, catalogue, fq):
        with pytest.raises(SearchError):
            search(fq=fq)

    def test_fq_list_is_checked_too(self, catalogue):
        with pytest.raises(SearchQueryError):
            search(fq_list=["tags:(eau"])


class TestPaging:
    @pytest.mark.ckan_config("ckan.search.rows_max", "1")
    def test_rows_over_the_maximum_are_clipped(self, catalogue):
        result = search(rows=1000)
        assert (result["count"], len(result["results"])) == (2, 1)

    @pytest.mark.parametrize("field", ["rows", "start"])
    @pytest.mark.parametrize("value", [-1, "abc", "1.5"])
    def test_negative_or_non_numbers_are_validation_errors(self, catalogue, field, value):
        with pytest.raises(ValidationError) as error:
            search(**{field: value})
        assert field in error.value.error_dict

    def test_start_beyond_the_end_is_empty(self, catalogue):
        result = search(start=10**6)
        assert (result["count"], result["results"]) == (2, [])

    def test_start_beyond_64_bits_is_empty(self, catalogue):
        result = search(start=10**30)
        assert (result["count"], result["results"]) == (2, [])


class TestSort:
    @pytest.mark.parametrize(
        "sort",
        ["metadata_modified", "name sideways", "name asc desc", "name asc;drop table package", "na'me asc", "(name) asc"],
    )
    def test_malformed_sort_is_an_error(self, catalogue, sort):
        with pytest.raises(SearchQueryError) as error:
            search(sort=sort)
        assert "sort" in str(error.value).lower()

    def test_sort_on_an_unknown_field_keeps_every_result(self, catalogue):
        assert search(sort="unknown_field asc")["count"] == 2


class TestFacets:
    @pytest.mark.parametrize("name", ["tags'; --", "a b", "tags)", "data_dict(", "{!ex=x}tags"])
    def test_weird_facet_field_is_refused(self, catalogue, name):
        with pytest.raises(SearchError):
            search(**{"facet.field": [name]})

    @pytest.mark.parametrize("name", ["no_such_field", "data_dict", "search_vector", "doc"])
    def test_unknown_facet_field_is_empty(self, catalogue, name):
        assert search(**{"facet.field": [name]})["facets"] == {name: {}}

    def test_facet_field_that_is_not_json_is_a_validation_error(self, catalogue):
        with pytest.raises(ValidationError) as error:
            search(**{"facet.field": '["tags"'})
        assert "facet.field" in error.value.error_dict

    @pytest.mark.parametrize(("key", "value"), [("facet.limit", "many"), ("facet.mincount", -2)])
    def test_bad_facet_numbers_are_validation_errors(self, catalogue, key, value):
        with pytest.raises(ValidationError) as error:
            search(**{key: value, "facet.field": ["tags"]})
        assert key in error.value.error_dict


class TestHttp:
    """The same through the API: CKAN answers 400 or 409 with its JSON error,
    and never 500."""

    @pytest.mark.parametrize(
        ("params", "status", "error_type"),
        [
            ({"fq": 'tags:"eau'}, 400, "Search Query Error"),
            ({"fq": "metadata_modified:[garbage TO NOW]"}, 400, "Search Query Error"),
            ({"sort": "metadata_modified"}, 400, "Search Query Error"),
            ({"sort": "name asc;drop"}, 400, "Search Query Error"),
            ({"q": "{!lucene}rivers"}, 409, "Search Error"),
            ({"fq": "{!frange l=1}x"}, 409, "Search Error"),
            ({"rows": "-1"}, 409, "Validation Error"),
            ({"start": "-5"}, 409, "Validation Error"),
            ({"rows": "many"}, 409, "Validation Error"),
            ({"facet.field": '["tags"'}, 409, "Validation Error"),
            ({"facet.field": '["bad name"]'}, 400, "Search Query Error"),
            ({"weird_param": "1"}, 400, "Search Query Error"),
            ({"fq": "name:riv\u0000ers"}, 200, None),
        ],
    )
    def test_errors(self, app, catalogue, params, status, error_type):
        response = app.get(API, query_string=params, status=status)
        body = response.json
        assert body["success"] is (error_type is None)
        if error_type:
            assert body["error"]["__type"] == error_type

    @pytest.mark.parametrize("q", FORGIVEN_Q[:20] + ["riv\u0000ers"])
    def test_forgiven_q(self, app, catalogue, q):
        response = app.get(API, query_string={"q": q}, status=200)
        assert response.json["success"] is True

    def test_rows_max_over_http(self, app, catalogue):
        with helpers.changed_config("ckan.search.rows_max", 1):
            body = app.get(API, query_string={"rows": 50}, status=200).json
        assert (body["result"]["count"], len(body["result"]["results"])) == (2, 1)

    def test_repeated_q(self, app, catalogue):
        response = app.get(f"{API}?q=rivers&q=lakes")
        assert response.status_code in (200, 400, 409)
