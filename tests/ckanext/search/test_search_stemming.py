"""Light stemming in SQL (migration 0010): the forms people type of one
word meet in one stem, on the index and on the query side."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import sqlalchemy as sa
from casa_pipelines.normalize import fold

from ckan import model
from ckan.tests import factories, helpers

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa_search"),
    pytest.mark.ckan_config("ckan.auth.create_unowned_dataset", True),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]

MIGRATIONS = Path(__file__).resolve().parents[3] / "ckanext-casa/ckanext/casa/migration/casa_search/versions"


def stem(word: str) -> str:
    return model.Session.execute(sa.text("SELECT casa_stem_word(:w)"), {"w": fold(word)}).scalar_one()


SAME = [
    # French plurals and feminines (and English plurals with them)
    ("emplois", "emploi"), ("habitats", "habitat"), ("logements", "logement"), ("ménages", "ménage"),
    ("territoriaux", "territorial"), ("bureaux", "bureau"), ("municipale", "municipal"),
    ("légales", "légal"), ("actives", "actif"), ("activités", "activité"), ("données", "donnée"),
    ("households", "household"),
    # Arabic: article, attached prepositions and conjunctions, endings
    ("التعليم", "تعليم"), ("المؤسسات", "مؤسسات"), ("مؤسسات", "مؤسسة"), ("المؤسسة", "مؤسسة"),
    ("بالدار", "الدار"), ("بالدار", "دار"), ("البيضاء", "بيضاء"), ("والشغل", "الشغل"),
    ("الشغل", "شغل"), ("للسكان", "السكان"), ("السكان", "سكان"), ("وعمالاتها", "عمالة"),
    ("العمالة", "عمالة"), ("الوحدة", "وحدة"), ("الوزارة", "وزارة"), ("البلديون", "البلدية"),
    ("الترابية", "ترابية"), ("الأسر", "أسرة"),
]
DIFFERENT = [
    ("population", "populaire"), ("logement", "log"), ("bus", "bu"), ("السكان", "السكن"),
    ("مسكن", "سكن"), ("emploi", "employment"),
]


@pytest.mark.parametrize(("one", "other"), SAME)
def test_forms_of_one_word_share_a_stem(one, other):
    assert stem(one) == stem(other)


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_other_words_keep_their_stems(one, other):
    assert stem(one) != stem(other)


@pytest.mark.parametrize("word", ["bus", "2024", "rgph2024", "a", "ال", "x1y2", "06"])
def test_short_words_and_codes_are_kept(word):
    assert stem(word) == fold(word)


def test_a_bare_preposition_is_looked_for_both_ways():
    variants = model.Session.execute(
        sa.text("SELECT casa_stem_variants(:w)"), {"w": fold("لسكان")}
    ).scalar_one()
    assert stem("سكان") in variants and len(variants) == 2
    # With the article, the preposition is certain: one stem.
    assert model.Session.execute(sa.text("SELECT casa_stem_variants(:w)"), {"w": fold("بالدار")}).scalar_one() == [
        stem("دار")
    ]


def test_the_migration_stems_vectors_indexed_before_it_as_indexing_does():
    path = MIGRATIONS / "0010_light_stemming.py"
    spec = importlib.util.spec_from_file_location("light_stemming", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    model.Session.execute(sa.text(migration.RESTEM))
    for text in ["Taux de chômage des ménages, l'emploi (RGPH 2024)", "السكان بالدار البيضاء والشغل 2014",
                 "Logements urbains : habitats, bidonvilles…", ""]:
        folded = fold(text)
        old, new = model.Session.execute(
            sa.text(
                "SELECT pg_temp.casa_restem(setweight(to_tsvector('simple', :t), 'B')),"
                " setweight(to_tsvector('casa', casa_stem_text(:t)), 'B')"
            ),
            {"t": folded},
        ).one()
        assert old == new


def names(**data_dict) -> list[str]:
    return sorted(d["name"] for d in helpers.call_action("package_search", **data_dict)["results"])


@pytest.fixture
def catalogue():
    factories.Dataset(name="emploi", title="Activité, emploi et chômage", notes="Taux de chômage par commune.")
    factories.Dataset(name="logements", title="Parc de logements", notes="Type d'habitat, bidonvilles.")
    factories.Dataset(name="population", title="Population légale", notes="Ménages et population.")
    factories.Dataset(name="taalim", title="التمدرس والأمية", notes="التعليم في جهة الدار البيضاء سطات")
    factories.Dataset(name="muassasat", title="المؤسسات الاقتصادية", notes="مناصب الشغل القارة")


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("emplois", ["emploi"]),
        ("habitats", ["logements"]),
        ("logement", ["logements"]),
        ("ménage", ["population"]),
        ("la population", ["population"]),
        ("taux du chômage", ["emploi"]),
        ("l'emploi", ["emploi"]),
        ("تعليم", ["taalim"]),
        ("مؤسسات", ["muassasat"]),
        ("مؤسسة", ["muassasat"]),
        ("بالدار البيضاء", ["taalim"]),
        ("لجهة الدار البيضاء", ["taalim"]),
        ("شغل", ["muassasat"]),
        ("title:emplois", ["emploi"]),
        ("notes:المؤسسات", []),
    ],
)
def test_the_forms_people_type_find_the_datasets(catalogue, q, found):
    assert names(q=q) == found
