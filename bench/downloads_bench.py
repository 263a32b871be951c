"""Time build_downloads on a generated public table (default 1,000,000 rows:
text with French and Arabic, formula-like cells, numbers, dates, booleans and
a PostGIS point), per format, and write bench/results/downloads.json.

BENCH_ROWS=100000 for a quick run. Needs CASA_DATASTORE_URL (var/test/env.sh).
"""

from __future__ import annotations

import json
import logging
import os
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "pipelines"))

from casa_pipelines.downloads.build import build_downloads
from casa_pipelines.spec import load_spec

SCHEMA = "casa_bench"
TABLE = "downloads_public"


class Timings(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.phases: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        for name, seconds in re.findall(r"(\w+) ([\d.]+) s", record.getMessage()):
            self.phases[name] = float(seconds)


def make_table(url: str, rows: int) -> float:
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(SCHEMA)))
        ident = sql.Identifier(SCHEMA, TABLE)
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(ident))
        conn.execute(sql.SQL(
            "CREATE TABLE {} AS SELECT g::integer AS _id, 'EQ-' || lpad(g::text, 7, '0') AS id, "
            "'Équipement ' || g AS nom_fr, 'مرفق عمومي ' || g AS nom_ar, "
            "(ARRAY['enseignement','sante','sport','culture','espace-vert'])[1 + g %% 5] AS categorie, "
            "CASE WHEN g %% 1000 = 0 THEN '=HYPERLINK(\"x\")' WHEN g %% 997 = 0 THEN '-' || g END AS remarque, "
            "'06.141.01.' || (10 + g %% 16) AS arrondissement_code, DATE '1990-01-01' + (g %% 12000) AS date_ouverture, "
            "(g %% 2000) - 100 AS capacite, round((g %% 100000) * 0.37, 2)::double precision AS surface, "
            "g %% 3 = 0 AS accessible, "
            "ST_SetSRID(ST_MakePoint(-7.7 + (g %% 5000) * 4e-5, 33.5 + (g %% 4999) * 3e-5), 4326) AS _geom, "
            "NULL::tsvector AS _full_text FROM generate_series(1, %s) g").format(ident), (rows,))
        conn.execute(sql.SQL("ALTER TABLE {} ADD PRIMARY KEY (_id)").format(ident))
        conn.execute(sql.SQL("ANALYZE {}").format(ident))
    return time.perf_counter() - started


def main() -> None:
    url = os.environ.get("CASA_DATASTORE_URL")
    if not url:
        sys.exit("CASA_DATASTORE_URL is not set: source var/test/env.sh")
    rows = int(os.environ.get("BENCH_ROWS", "1000000"))
    spec = load_spec(ROOT / "datasets" / "equipements-publics.yaml", root=ROOT)
    handler = Timings()
    logging.getLogger("casa_pipelines.downloads").addHandler(handler)
    logging.getLogger("casa_pipelines.downloads").setLevel(logging.INFO)
    print(f"[bench-downloads] generating {rows} rows", flush=True)
    generate = make_table(url, rows)
    out_root = Path(tempfile.mkdtemp(prefix="casa-bench-downloads-"))
    try:
        out = out_root / spec.slug / "1"
        started = time.perf_counter()
        manifest = build_downloads(url, (SCHEMA, TABLE), spec, 1, out, geometry_column="_geom")
        total = time.perf_counter() - started
        sizes = {f.format: f.bytes for f in manifest.files}
    finally:
        shutil.rmtree(out_root, ignore_errors=True)
        with psycopg.connect(url) as conn:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(SCHEMA, TABLE)))
    result = {
        "rows": rows,
        "generate_table_s": round(generate, 2),
        "build_downloads_s": round(total, 2),
        "phases_s": handler.phases,
        "bytes": sizes,
        "notes": [n.code for n in manifest.notes],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(result, indent=2))
    target = ROOT / "bench" / "results" / "downloads.json"
    target.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
