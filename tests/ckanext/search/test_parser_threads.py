"""CKAN serves requests from several threads; query parsing must not mix
their filters (luqum's PLY parser keeps module-level state)."""

from __future__ import annotations

import threading

from ckanext.casa.search.compiler import parse_lucene

FILTERS = [
    '+site_id:"casa"',
    '+capacity:public +dataset_type:dataset +state:(active)',
    '+permission_labels:("public" OR "member-0f3a")',
    'organization:org-07 AND tags:"espaces verts"',
    'metadata_modified:[2020-01-01T00:00:00Z TO NOW]',
]


def test_parallel_parses_give_the_same_trees():
    expected = {text: repr(parse_lucene(text)) for text in FILTERS}
    failures: list[str] = []

    def work(offset: int) -> None:
        for i in range(300):
            text = FILTERS[(i + offset) % len(FILTERS)]
            try:
                if repr(parse_lucene(text)) != expected[text]:
                    failures.append(f"wrong tree for {text}")
            except Exception as error:  # noqa: BLE001 - any failure is the finding
                failures.append(f"{text}: {error}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
