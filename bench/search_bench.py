"""Benchmark of the PostgreSQL search backend (``make bench-search``).

Loads 10,000 then 100,000 generated datasets (catalogue rows inserted in
bulk, then indexed through CKAN's own ``PackageSearchIndex.index_package``
and our connection, in batches) and measures ``package_search`` over HTTP
(gunicorn, 2 workers) with 4 concurrent clients. Prints p50/p99 per query
kind and writes them to ``bench/results/search.json``.

Before any generated dataset is loaded, the relevance set
(tests/ckanext/search/relevance.yaml) is asked of the catalogue that ``make
demo`` publishes, and its recall@10 printed (``BENCH_SIZES=`` empty: only
that). Each size is measured twice: with the result cache off (``uncached``: the
reference figures, every request computed in SQL) and then with it on
(``cached``: search/cache.py, after every query was asked twice), reported
apart. ``BENCH_SIZES``, ``BENCH_REQUESTS``, ``BENCH_MODES`` and
``BENCH_REUSE`` (measure what a previous run indexed) allow quicker runs.

This is a benchmark, not a test: it asserts nothing and prints figures.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from search_data import GROUPS, ORGS, VOCAB, make_dataset, one_word, words

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / ("search.json" if VOCAB == "uniform" else f"search-{VOCAB}.json")
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",") if s]
REQUESTS_PER_KIND = int(os.environ.get("BENCH_REQUESTS", "200"))
CLIENTS = 4
PORT = int(os.environ.get("BENCH_PORT", "5077"))
# BENCH_REUSE=1 keeps the datasets a previous run indexed (and loads only
# what is missing up to each size) instead of starting from an empty index.
REUSE = os.environ.get("BENCH_REUSE", "") not in ("", "0")
# Each size is measured with the result cache off (the reference figures),
# then on (search/cache.py; reported apart, as a cache's figures).
MODES = [m for m in os.environ.get("BENCH_MODES", "uncached,cached").split(",") if m]

def log(message: str) -> None:
    print(f"[bench-search] {message}", flush=True)


def load_ckan(ini: str):
    from ckan.cli import CKANConfigLoader
    from ckan.config.middleware import make_app

    return make_app(CKANConfigLoader(ini).get_config())


def ensure_orgs_and_groups() -> dict[str, str]:
    import ckan.plugins.toolkit as tk

    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"user": site["name"], "ignore_auth": True}
    ids = {}
    for name in ORGS:
        try:
            ids[name] = tk.get_action("organization_show")(dict(context), {"id": name})["id"]
        except tk.ObjectNotFound:
            ids[name] = tk.get_action("organization_create")(
                dict(context), {"name": name, "title": f"Organisation {name}"}
            )["id"]
    for name in GROUPS:
        try:
            tk.get_action("group_show")(dict(context), {"id": name})
        except tk.ObjectNotFound:
            tk.get_action("group_create")(dict(context), {"name": name, "title": name})
    return ids


class BufferedConnection:
    """Collects the documents CKAN's indexer sends and writes them through
    the backend's connection in batches (one statement per batch)."""

    def __init__(self) -> None:
        from ckanext.casa.search.connection import PostgresConnection

        self.inner = PostgresConnection()
        self.buffer: list[dict] = []

    def add(self, docs, commit=None, **_):
        self.buffer.extend(docs)

    def flush(self) -> None:
        if self.buffer:
            self.inner.add(self.buffer)
            self.buffer = []


def bulk_load(count: int, start: int, org_ids: dict[str, str]) -> float:
    import sqlalchemy as sa

    from ckan import model
    from ckan.lib.search import index as search_index

    rng = random.Random(20261122 + start)
    buffered = BufferedConnection()
    original = search_index.make_connection
    search_index.make_connection = lambda *a, **k: buffered
    indexer = search_index.PackageSearchIndex()
    began = time.perf_counter()
    try:
        for offset in range(0, count, 2000):
            batch = [make_dataset(rng, start + offset + i, org_ids) for i in range(min(2000, count - offset))]
            model.Session.execute(
                sa.text(
                    "INSERT INTO package (id, name, title, notes, state, type, owner_org, private,"
                    " license_id, metadata_created, metadata_modified)"
                    " VALUES (:id, :name, :title, :notes, :state, :type, :owner_org, :private,"
                    " :license_id, :metadata_created, :metadata_modified)"
                ),
                [{k: p[k] for k in ("id", "name", "title", "notes", "state", "type", "owner_org",
                                    "private", "license_id", "metadata_created", "metadata_modified")}
                 for p in batch],
            )
            model.Session.flush()
            for pkg in batch:
                indexer.index_package(dict(pkg, with_custom_schema=pkg))
            buffered.flush()
            model.Session.commit()
            log(f"  indexed {start + offset + len(batch):,} datasets")
    finally:
        search_index.make_connection = original
    # What autovacuum would do after a bulk load (it may be off on a bench
    # machine): statistics for every search table the queries read.
    for table in ("casa_search_document", "casa_search_content", "casa_search_payload",
                  "casa_search_facet_value", "casa_search_facet_bits"):
        model.Session.execute(sa.text(f"ANALYZE {table}"))
    model.Session.commit()
    return time.perf_counter() - began


def queries(rng: random.Random) -> dict[str, list[dict]]:
    facets = json.dumps(["organization", "groups", "tags", "res_format", "license_id"])
    # What the search page asks since it has a territory facet.
    page_facets = json.dumps(["organization", "groups", "tags", "res_format", "license_id", "spatial_coverage"])
    return {
        "french_text": [{"q": " ".join(words(rng, "fr", 2)).replace("é", "e")} for _ in range(50)],
        "arabic_text": [{"q": one_word(rng, "ar").replace("أ", "ا")} for _ in range(50)],
        "facets": [{"q": rng.choice(["", one_word(rng, "fr")]), "facet.field": facets, "facet.limit": 50}
                   for _ in range(50)],
        "fq_organization": [{"fq": f"organization:{rng.choice(ORGS)}"} for _ in range(50)],
        "sort_modified": [{"sort": "metadata_modified desc", "start": rng.randrange(0, 200)} for _ in range(50)],
        # Kinds added with stemming, boolean operators and the territory facet
        # (not in runs before them).
        "page_facets": [{"q": rng.choice(["", one_word(rng, "fr")]), "facet.field": page_facets, "facet.limit": 50}
                        for _ in range(50)],
        "boolean_prefix": [{"q": rng.choice([f"{one_word(rng, 'fr')} OR {one_word(rng, 'fr')}",
                                             f"{one_word(rng, 'fr')[:3]}*",
                                             f"{one_word(rng, 'ar')} NOT {one_word(rng, 'fr')}"])}
                           for _ in range(50)],
    }


def measure(base: str, kind: str, params_list: list[dict]) -> dict:
    latencies: list[float] = []
    lock = threading.Lock()
    todo = list(range(REQUESTS_PER_KIND))
    errors = []

    def client(seed: int) -> None:
        session = requests.Session()
        rng = random.Random(seed)
        while True:
            with lock:
                if not todo:
                    return
                todo.pop()
            params = rng.choice(params_list)
            began = time.perf_counter()
            response = session.get(f"{base}/api/3/action/package_search", params=params, timeout=60)
            elapsed = (time.perf_counter() - began) * 1000
            with lock:
                if response.status_code != 200:
                    errors.append(f"{response.status_code} {params} {response.text[:300]}")
                latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    for error in errors[:3]:
        log(f"  error: {error}")
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "p50_ms": round(statistics.median(latencies), 1),
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)], 1),
    }


def ini_for(ini: str, mode: str) -> str:
    """The ini to serve with: the result cache off ("uncached", the figures
    the targets are judged on) or as configured ("cached")."""
    if mode == "cached":
        return ini
    text = Path(ini).read_text()
    path = Path(ini).with_name("bench-uncached.ini")
    path.write_text(text.replace("[app:main]\n", "[app:main]\nckanext.casa.search.cache_size = 0\n", 1))
    return str(path)


def serve(ini: str) -> subprocess.Popen:
    env = dict(os.environ, CKAN_INI=ini)
    process = subprocess.Popen(
        [sys.prefix + "/bin/gunicorn", "--bind", f"127.0.0.1:{PORT}", "--workers", "2",
         "--threads", "2", "--chdir", str(ROOT / "docker"), "--log-level", "warning", "wsgi:application"],
        env=env,
    )
    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{PORT}/api/3/action/status_show", timeout=2).ok:
                return process
        except requests.RequestException:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("gunicorn did not start")


def relevance() -> dict:
    """recall@10 of the relevance set on the demo's catalogue, alone in the
    index (then removed)."""
    import ckan.plugins.toolkit as tk

    sys.path.insert(0, str(ROOT / "tests" / "ckanext" / "search"))
    import search_relevance

    names = search_relevance.create_catalogue()
    try:
        outcomes = search_relevance.evaluate()
    finally:
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})
        for name in names:
            tk.get_action("dataset_purge")({"user": site["name"], "ignore_auth": True}, {"id": name})
    for line in search_relevance.summary(outcomes).splitlines():
        log(line)
    by_lang = {lang: round(search_relevance.recall_at_10([o for o in outcomes if o.query.lang == lang]), 3)
               for lang in ("fr", "ar", "en")}
    return {"queries": len(outcomes), "recall_at_10": round(search_relevance.recall_at_10(outcomes), 3),
            "by_language": by_lang, "missed": [o.query.q for o in outcomes if o.missed]}


def main() -> None:
    ini = os.environ["CKAN_INI"]
    app = load_ckan(ini)
    results: dict = {"clients": CLIENTS, "requests_per_kind": REQUESTS_PER_KIND, "vocabulary": VOCAB,
                     "sizes": {}}
    with app._wsgi_app.test_request_context():
        import sqlalchemy as sa

        from ckan import model

        loaded = 0
        if REUSE:
            # Measure the catalogue a previous run left (quick iterations).
            loaded = model.Session.execute(
                sa.text("SELECT count(*) FROM casa_search_document WHERE name LIKE 'jeu-%'")
            ).scalar_one()
            log(f"reusing the {loaded:,} datasets already indexed")
        else:
            model.Session.execute(sa.text("TRUNCATE casa_search_document CASCADE"))
            model.Session.execute(sa.text("DELETE FROM package WHERE name LIKE 'jeu-%'"))
            model.Session.commit()
        if not loaded:
            results["relevance"] = relevance()
        org_ids = ensure_orgs_and_groups()
        for size in SIZES:
            if size < loaded:
                raise SystemExit(f"{loaded:,} datasets already indexed, more than {size:,}")
            seconds = 0.0
            if size > loaded:
                log(f"loading {size - loaded:,} datasets (total {size:,})")
                seconds = bulk_load(size - loaded, loaded, org_ids)
                loaded = size
            # The machine is shared: the load average says how quiet it was.
            figures: dict = {"load_seconds": round(seconds, 1),
                             "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
            for mode in MODES:
                server = serve(ini_for(ini, mode))
                try:
                    base = f"http://127.0.0.1:{PORT}"
                    target = figures if mode == "uncached" else figures.setdefault(mode, {})
                    for kind, params in queries(random.Random(7)).items():
                        measure(base, kind, params[:5])  # warm-up
                        if mode == "cached":
                            # Every query asked twice first, so that both
                            # workers hold most answers (each has its cache).
                            with requests.Session() as session:
                                for one in params + params:
                                    session.get(f"{base}/api/3/action/package_search", params=one, timeout=60)
                        target[kind] = measure(base, kind, params)
                        log(f"{size:>7,} {mode:<8} {kind:<16} p50 {target[kind]['p50_ms']:>7} ms"
                            f"  p99 {target[kind]['p99_ms']:>7} ms  errors {target[kind]['errors']}")
                finally:
                    server.terminate()
                    server.wait(timeout=30)
            figures["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
            log(f"{size:>7,} load average before {figures['loadavg_before']}"
                f" after {figures['loadavg_after']}")
            results["sizes"][str(size)] = figures
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2))
    log(f"written {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
