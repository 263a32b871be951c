"""Free text as Solr reads it: prefixes (``pop*``), the boolean operators
``AND``, ``OR``, ``NOT`` and parentheses (edismax), phrases; and boolean
syntax that does not parse is read as words, never an error."""

from __future__ import annotations

import pytest

from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]
API = "/api/3/action/package_search"


@pytest.fixture
def catalogue():
    factories.Dataset(name="population", title="Population légale", notes="Population par commune, 2024.")
    factories.Dataset(name="emploi", title="Emploi et chômage", notes="Taux de chômage, 2024.")
    factories.Dataset(name="menages", title="Ménages", notes="Population et ménages, 2014.")
    factories.Dataset(name="sukkan", title="السكان والأسر", notes="الشغل والبطالة")


def names(q: str) -> list[str]:
    return sorted(d["name"] for d in helpers.call_action("package_search", q=q)["results"])


@pytest.mark.parametrize(
    ("q", "found"),
    [
        # prefixes
        ("pop*", ["menages", "population"]),
        ("Pop*", ["menages", "population"]),
        ("chôm*", ["emploi"]),
        ("السك*", ["sukkan"]),
        ("title:pop*", ["population"]),
        ("pop* 2014", ["menages"]),
        # boolean operators
        ("population OR emploi", ["emploi", "menages", "population"]),
        ("population || emploi", ["emploi", "menages", "population"]),
        ("population AND 2014", ["menages"]),
        ("population && 2014", ["menages"]),
        ("population NOT 2014", ["population"]),
        ("population AND NOT ménages", ["population"]),
        ("-ménages population", ["population"]),
        ("emploi AND (chômage OR bidonville)", ["emploi"]),
        ("(population OR emploi) AND 2024", ["emploi", "population"]),
        ("السكان OR emploi", ["emploi", "sukkan"]),
        ("title:ménages OR emploi", ["emploi", "menages"]),
        ("la OR emploi", ["emploi"]),
        # phrases
        ('"population légale"', ["population"]),
        ('"chômage emploi"', []),
        ('"population légale" OR "taux de chômage"', ["emploi", "population"]),
        ('"taux du chômage"', ["emploi"]),
        # lower-case words are words, not operators
        ("population or emploi", []),
    ],
)
def test_queries_as_solr_reads_them(catalogue, q, found):
    assert names(q) == found


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("population OR", ["menages", "population"]),
        ("OR population", ["menages", "population"]),
        ("AND", []),
        ("NOT", []),
        ("(emploi", ["emploi"]),
        ("emploi)", ["emploi"]),
        ("emploi AND (chômage OR", ["emploi"]),
        ("((((emploi", ["emploi"]),
    ],
)
def test_boolean_syntax_that_does_not_parse_is_read_as_words(catalogue, q, found):
    assert names(q) == found


@pytest.mark.parametrize(
    "q",
    [
        "population OR " * 1500 + "emploi",
        "(" * 600 + "emploi" + ")" * 600,
        "(" * 300 + "emploi OR " * 300 + ")" * 300,
        "NOT " * 400 + "emploi",
        "pop* OR " * 200 + "x*",
    ],
)
def test_huge_or_deep_queries_answer_over_http(app, catalogue, q):
    response = app.get(API, query_string={"q": q})
    assert response.status_code == 200, response.body[:500]
    assert response.json["success"] is True


def test_a_long_boolean_query_is_read_as_words(catalogue):
    assert names("population OR " * 400 + "emploi") == []
