"""Benchmark of the PostgreSQL search backend (``make bench-search``).

Loads 10,000 then 100,000 generated datasets (catalogue rows inserted in
bulk, then indexed through CKAN's own ``PackageSearchIndex.index_package``
and our connection, in batches) and measures ``package_search`` over HTTP
(gunicorn, 2 workers) with 4 concurrent clients. Prints p50/p99 per query
kind and writes them to ``bench/results/search.json``.

Each size is measured twice: with the result cache off (``uncached``: the
reference figures, every request computed in SQL) and then with it on
(``cached``: search/cache.py, after every query was asked twice), reported
apart. ``BENCH_SIZES``, ``BENCH_REQUESTS``, ``BENCH_MODES`` and
``BENCH_REUSE`` (measure what a previous run indexed) allow quicker runs.

This is a benchmark, not a test: it asserts nothing and prints figures.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
# BENCH_VOCAB=zipf: an additional scenario, reported apart (search-zipf.json).
# The default vocabulary (49 French and 40 Arabic words drawn uniformly)
# makes every word frequent: one French word is in about 14% of the
# datasets, "population" (also in a group's name) in 36%. With zipf, words
# come from 2,000-word vocabularies (the same words first, then generated
# ones) with Zipf's law (weight 1/rank), for the datasets and for the
# queries alike: most asked words are rare, the most common still very
# common.
VOCAB = os.environ.get("BENCH_VOCAB", "uniform")
RESULTS = ROOT / "bench" / "results" / ("search.json" if VOCAB == "uniform" else f"search-{VOCAB}.json")
SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "10000,100000").split(",")]
REQUESTS_PER_KIND = int(os.environ.get("BENCH_REQUESTS", "200"))
CLIENTS = 4
PORT = int(os.environ.get("BENCH_PORT", "5077"))
# BENCH_REUSE=1 keeps the datasets a previous run indexed (and loads only
# what is missing up to each size) instead of starting from an empty index.
REUSE = os.environ.get("BENCH_REUSE", "") not in ("", "0")
# Each size is measured with the result cache off (the reference figures),
# then on (search/cache.py; reported apart, as a cache's figures).
MODES = [m for m in os.environ.get("BENCH_MODES", "uncached,cached").split(",") if m]

FR_WORDS = ["population", "ménages", "école", "collège", "lycée", "santé", "hôpital", "transport", "tramway", "bus", "stationnement", "déchets", "collecte", "propreté", "éclairage", "voirie", "espaces", "verts", "parc", "jardin", "pollution", "qualité", "air", "eau", "assainissement", "culture", "théâtre", "bibliothèque", "musée", "tourisme", "hôtel", "sécurité", "marché", "commerce", "emploi", "activité", "logement", "habitat", "recensement", "arrondissement", "préfecture", "commune", "équipement", "sport", "stade", "piscine", "mosquée"]
AR_WORDS = ["السكان", "الأسر", "المدرسة", "الثانوية", "الصحة", "المستشفى", "النقل", "الترامواي", "الحافلة", "ركن", "النفايات", "النظافة", "الإنارة", "الطرق", "المساحات", "الخضراء", "الحديقة", "التلوث", "جودة", "الهواء", "الماء", "التطهير", "الثقافة", "المسرح", "المكتبة", "المتحف", "السياحة", "الفندق", "الأمن", "السوق", "التجارة", "الشغل", "السكن", "الإحصاء", "المقاطعة", "العمالة", "الجماعة", "التجهيزات", "الرياضة", "الملعب", "المسبح", "المسجد"]
PLACES = [
    "Anfa", "Maârif", "Sidi Belyout", "Aïn Chock", "Hay Hassani", "Sidi Bernoussi",
    "Ben M'Sick", "Moulay Rachid", "Al Fida", "Mers Sultan", "Aïn Sebaâ", "Hay Mohammadi",
    "Roches Noires", "Sidi Moumen", "Sbata", "Sidi Othmane",
]
FORMATS = ["CSV", "XLSX", "GeoJSON", "JSON", "Parquet", "PDF"]
LICENSES = ["cc-by", "odc-odbl", "cc-zero", "other-open"]
ORGS = [f"org-{i:02d}" for i in range(20)]
GROUPS = [
    "administration-participation", "interet-general", "mobilite",
    "services-urbains", "environnement", "territoire-population",
]


def _generated(letters: list[str], count: int, seed: int) -> list[str]:
    """``count`` distinct pseudo-words of 2 to 4 syllables."""
    rng = random.Random(seed)
    words: dict[str, None] = {}
    while len(words) < count:
        words["".join(rng.choice(letters) for _ in range(rng.randint(2, 4)))] = None
    return list(words)


_FR_SYLLABLES = [c + v for c in "bcdfglmnprstv" for v in ("a", "e", "i", "o", "u", "ou", "é")]
_AR_SYLLABLES = [c + v for c in "بتجدرسطعفقكلمنهو" for v in ("ا", "و", "ي", "")]
ZIPF = {
    "fr": FR_WORDS + [w for w in _generated(_FR_SYLLABLES, 2100, 1) if w not in FR_WORDS][: 2000 - len(FR_WORDS)],
    "ar": AR_WORDS + [w for w in _generated(_AR_SYLLABLES, 2100, 2) if w not in AR_WORDS][: 2000 - len(AR_WORDS)],
}
_ZIPF_WEIGHTS = {lang: [1 / rank for rank in range(1, len(v) + 1)] for lang, v in ZIPF.items()}


def words(rng: random.Random, lang: str, count: int) -> list[str]:
    """``count`` distinct words: uniform over the small vocabulary (the
    reference scenario) or by Zipf's law over the large one."""
    if VOCAB == "uniform":
        return rng.sample(FR_WORDS if lang == "fr" else AR_WORDS, count)
    chosen: dict[str, None] = {}
    while len(chosen) < count:
        chosen[rng.choices(ZIPF[lang], weights=_ZIPF_WEIGHTS[lang])[0]] = None
    return list(chosen)


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


def make_dataset(rng: random.Random, index: int, org_ids: dict[str, str]) -> dict:
    org = rng.choice(ORGS)
    place = rng.choice(PLACES)
    fr = words(rng, "fr", 4)
    ar = words(rng, "ar", 3)
    when = dt.datetime(2018, 1, 1) + dt.timedelta(minutes=rng.randrange(4_000_000))
    tags = [{"name": t} for t in words(rng, "fr", 3)]
    resources = [
        {"name": f"{fr[0]} {place} {year}", "description": " ".join(ar), "format": rng.choice(FORMATS),
         "url": f"https://data.example.invalid/{index}/{year}"}
        for year in rng.sample(range(2004, 2025), rng.randint(1, 3))
    ]
    pkg = {
        "id": str(uuid.UUID(int=rng.getrandbits(128))),
        "name": f"jeu-{index:06d}",
        "title": f"{fr[0].capitalize()} et {fr[1]} – {place} ({' '.join(ar[:2])})",
        "notes": f"{' '.join(fr)} {place}. {' '.join(ar)}.",
        "state": "active",
        "private": False,
        "type": "dataset",
        "owner_org": org_ids[org],
        "organization": {"name": org, "id": org_ids[org], "title": f"Organisation {org}"},
        "license_id": rng.choice(LICENSES),
        "metadata_created": when.isoformat(),
        "metadata_modified": (when + dt.timedelta(days=rng.randrange(300))).isoformat(),
        "tags": tags,
        "groups": [{"name": g} for g in rng.sample(GROUPS, rng.randint(1, 2))],
        "resources": resources,
        "extras": [],
        "num_resources": len(resources),
        "num_tags": len(tags),
    }
    return pkg


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


def _one(rng: random.Random, lang: str) -> str:
    if VOCAB == "uniform":  # as the reference scenario always drew it
        return rng.choice(FR_WORDS if lang == "fr" else AR_WORDS)
    return words(rng, lang, 1)[0]


def queries(rng: random.Random) -> dict[str, list[dict]]:
    facets = json.dumps(["organization", "groups", "tags", "res_format", "license_id"])
    return {
        "french_text": [{"q": " ".join(words(rng, "fr", 2)).replace("é", "e")} for _ in range(50)],
        "arabic_text": [{"q": _one(rng, "ar").replace("أ", "ا")} for _ in range(50)],
        "facets": [{"q": rng.choice(["", _one(rng, "fr")]), "facet.field": facets, "facet.limit": 50}
                   for _ in range(50)],
        "fq_organization": [{"fq": f"organization:{rng.choice(ORGS)}"} for _ in range(50)],
        "sort_modified": [{"sort": "metadata_modified desc", "start": rng.randrange(0, 200)} for _ in range(50)],
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
