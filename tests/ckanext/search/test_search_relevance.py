"""The relevance set (relevance.yaml): every query finds the datasets it
must find in its first 10 results, on the catalogue ``make demo`` publishes;
the queries marked as gaps still miss (so that the mark goes when they no
longer do). ``make bench-search`` prints the same recall@10."""

from __future__ import annotations

import pytest
from search_relevance import create_catalogue, evaluate, load_set, recall_at_10, summary

pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "casa casa_search scheming_datasets"),
    pytest.mark.ckan_config("scheming.dataset_schemas", "ckanext.casa:schemas/dataset.yaml"),
    pytest.mark.usefixtures("clean_db", "clean_index"),
]


def test_the_set_is_large_and_in_three_languages():
    queries = load_set()
    assert len(queries) >= 60
    assert {q.lang for q in queries} == {"fr", "ar", "en"}
    assert all(q.find for q in queries)


def test_every_query_finds_what_it_must():
    create_catalogue()
    outcomes = evaluate()
    report = summary(outcomes)
    print(report)
    missed = [o for o in outcomes if o.missed and not o.query.gap]
    assert not missed, report
    answered_gaps = [o.query.q for o in outcomes if o.query.gap and not o.missed]
    assert not answered_gaps, f"answered now, remove their gap mark: {answered_gaps}"
    assert recall_at_10(outcomes) >= 0.95
