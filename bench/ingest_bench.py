"""`make bench-ingest`: the ingest path against plain COPY (C) and
frictionless-py on the same seeded file (issue 4). Prints the ratios and
writes bench/results/ingest.json. Figures, not a timed test.

Each measured step runs in its own process so its peak memory (VmHWM)
is its own. Environment: CASA_DATASTORE_URL (source var/test/env.sh),
BENCH_ROWS (default 1,000,000), BENCH_SKIP_FRICTIONLESS=1 to skip the slowest part.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from ingest_data import generate

SLUG = "bench-equipements"

STEP = r"""
import json, os, sys, time, uuid
from pathlib import Path
import yaml
step, path, url = sys.argv[1], Path(sys.argv[2]), sys.argv[3]


def vmhwm():
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so a child would
    # report its parent's peak (the generator's, on a first run).
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:")) / 1024


def busy_cpu():
    # CPU-seconds spent by the whole machine (user, nice, system, irq, softirq):
    # this process, PostgreSQL's backends and parallel workers alike.
    fields = open("/proc/stat").readline().split()[1:8]
    return sum(int(v) for i, v in enumerate(fields) if i not in (3, 4)) / os.sysconf("SC_CLK_TCK")


schema_path = Path(sys.argv[4])
out = {}
if step in ("validate", "ingest"):
    import casa_pipelines.extract, casa_pipelines.validate, casa_pipelines.releases.ingest, frictionless  # noqa
if step == "frictionless":
    import frictionless  # noqa
t0 = time.perf_counter()
if step == "copy":
    import psycopg
    name = "bench_copy_" + uuid.uuid4().hex[:6]
    with psycopg.connect(url, autocommit=True) as conn:
        cols = ", ".join(f"c{i} text" for i in range(11))
        conn.execute(f"CREATE UNLOGGED TABLE casa_staging.{name} ({cols})")
        t0 = time.perf_counter()
        with conn.cursor().copy(f"COPY casa_staging.{name} FROM STDIN (FORMAT csv, HEADER true)") as copy, \
                path.open("rb") as f:
            while chunk := f.read(1 << 20):
                copy.write(chunk)
        out["seconds"] = time.perf_counter() - t0
        conn.execute(f"DROP TABLE casa_staging.{name}")
elif step == "validate":
    from casa_pipelines.extract import extract
    from casa_pipelines.validate.engine import compile_schema, validate_table
    schema = compile_schema(yaml.safe_load(schema_path.read_text(encoding="utf-8")))
    issues = validate_table(extract(path), schema)
    out["seconds"] = time.perf_counter() - t0
    out["triples"] = sorted([[i.row or 0, i.field_number or 0, i.type] for i in issues])
elif step == "frictionless":
    # The reference run lives with the tests that compare against it.
    sys.path.insert(0, str(Path(schema_path).resolve().parents[1] / "tests" / "pipelines"))
    from frictionless_reference import frictionless_triples
    triples = frictionless_triples(path, yaml.safe_load(schema_path.read_text(encoding="utf-8")),
                                   encoding="utf-8", delimiter=",")
    out["seconds"] = time.perf_counter() - t0
    out["triples"] = sorted([[r or 0, f or 0, t] for r, f, t in triples])
elif step == "ingest":
    from casa_pipelines.releases.ingest import ingest
    from casa_pipelines.spec import load_spec
    result = ingest(load_spec(Path(sys.argv[5]), root=Path(sys.argv[6])), path, url, archive_dir=Path(sys.argv[7]))
    out["seconds"] = time.perf_counter() - t0
    out["release"] = result.release.number
elif step == "publish":
    # casa ingest + casa publish to a queryable public table (indexes, geometry, search column);
    # downloads are built afterwards, timed on their own, as a background job would.
    import psycopg
    from casa_pipelines.releases.ingest import ingest
    from casa_pipelines.publish.swap import PUBLIC, publish, release_downloads, table_resource_id
    from casa_pipelines.spec import load_spec
    spec = load_spec(Path(sys.argv[5]), root=Path(sys.argv[6]))
    marks = [("imports", time.perf_counter(), busy_cpu())]
    # As `casa ingest` does: the staged bytes also kept, compressed (archive.py).
    result = ingest(spec, path, url, archive_dir=Path(sys.argv[8]),
                    progress=lambda name: marks.append((name, time.perf_counter(), busy_cpu())))
    marks.append(("publish", time.perf_counter(), busy_cpu()))
    published = publish(spec, url, number=result.release.number, archive_dir=Path(sys.argv[8]))
    out["seconds"] = time.perf_counter() - t0
    marks.append(("end", t0 + out["seconds"], busy_cpu()))
    # Where the time went: each step until the next one starts (the imports since t0),
    # and the CPU-seconds the machine spent meanwhile (from the end of the imports).
    out["steps"] = {"imports": round(marks[0][1] - t0, 3),
                    **{m[0]: round(n[1] - m[1], 3) for m, n in zip(marks, marks[1:]) if m[0] != "imports"}}
    out["steps_cpu"] = {m[0]: round(n[2] - m[2], 2) for m, n in zip(marks, marks[1:]) if m[0] != "imports"}
    out["cpu_s"] = marks[-1][2] - marks[0][2]
    out["cores"] = os.cpu_count()
    out["publish_timings"] = {k: round(v, 3) for k, v in published.timings.items()}
    out["peak_mb_before_downloads"] = vmhwm()
    t1 = time.perf_counter()
    with psycopg.connect(url) as conn:
        release_downloads(url, Path(sys.argv[7]), spec, conn, published.release, (PUBLIC, table_resource_id(spec.slug)))
    out["downloads_seconds"] = time.perf_counter() - t1
out["peak_mb"] = vmhwm()
print(json.dumps(out))
"""


def run(step: str, path: Path, url: str, *extra: str) -> dict:
    done = subprocess.run([sys.executable, "-c", STEP, step, str(path), url, str(HERE / "ingest_schema.yaml"), *extra],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"bench step {step} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def bench_spec(directory: Path) -> Path:
    spec = directory / "datasets" / "bench-equipements.yaml"
    spec.parent.mkdir(parents=True, exist_ok=True)
    spec.write_text(f"""slug: bench-equipements
source: {{format: csv, encoding: utf-8, delimiter: ","}}
schema: {HERE / 'ingest_schema.yaml'}
public: {{columns: [id, nom_fr, nom_ar, categorie, arrondissement_code, date_ouverture, capacite, lon, lat]}}
ckan:
  title: {{fr: Banc d'essai, ar: اختبار}}
  description: {{fr: Banc d'essai, ar: اختبار}}
  organization: bench
  theme: services-urbains
  license: cc-by-4.0
  frequency: irregular
  tags: {{fr: [bench], ar: [اختبار]}}
""", encoding="utf-8")
    return spec


def forget(url: str) -> None:
    """Leave no trace of the bench dataset: staged and public tables, releases and their bookkeeping."""
    import psycopg
    from casa_pipelines.publish.swap import table_resource_id
    from casa_pipelines.releases.stage import table_prefix

    with psycopg.connect(url, autocommit=True) as conn:
        for (name,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'casa_staging' "
                                    "AND tablename LIKE %s", (table_prefix(SLUG) + "%",)).fetchall():
            conn.execute(f'DROP TABLE casa_staging."{name}"')
        conn.execute(f'DROP TABLE IF EXISTS public."{table_resource_id(SLUG)}"')
        for table in ("publication", "waiver", "event", "release"):
            if conn.execute("SELECT to_regclass(%s)", (f"casa_staging.{table}",)).fetchone() != (None,):
                conn.execute(f"DELETE FROM casa_staging.{table} WHERE dataset = %s", (SLUG,))


def main() -> None:
    url = os.environ.get("CASA_DATASTORE_URL") or sys.exit("CASA_DATASTORE_URL is not set")
    n = int(os.environ.get("BENCH_ROWS", "1000000"))
    directory = Path(os.environ.get("CASA_VAR", REPO / "var")) / "bench" / "ingest"
    print(f"generating {n:,} rows in {directory} (seeded, kept between runs)…", flush=True)
    clean, broken = generate(directory, n)
    size_mb = clean.stat().st_size / 1e6
    copy = min((run("copy", clean, url) for _ in range(3)), key=lambda r: r["seconds"])
    print(f"plain COPY (C): {copy['seconds']:.2f} s for {size_mb:.0f} MB", flush=True)
    clean_run = run("validate", clean, url)
    print(f"casa validation, clean file: {clean_run['seconds']:.2f} s, "
          f"peak {clean_run['peak_mb']:.0f} MB", flush=True)
    ours = run("validate", broken, url)
    print(f"casa validation, injected copy: {ours['seconds']:.2f} s, peak {ours['peak_mb']:.0f} MB, "
          f"{len(ours['triples'])} errors", flush=True)
    result: dict = {"rows": n, "file_mb": round(size_mb, 1), "copy_s": round(copy["seconds"], 3),
                    "validate_s": round(ours["seconds"], 3), "validate_vs_copy": round(ours["seconds"] / copy["seconds"], 2),
                    "validate_peak_mb": round(ours["peak_mb"]), "validate_peak_vs_file": round(ours["peak_mb"] / size_mb, 2),
                    "errors": len(ours["triples"]),
                    # Both files are read in place by DuckDB (the injected copy's short row included).
                    "validate_clean_s": round(clean_run["seconds"], 3),
                    "validate_clean_vs_copy": round(clean_run["seconds"] / copy["seconds"], 2),
                    "validate_clean_peak_mb": round(clean_run["peak_mb"])}
    if os.environ.get("BENCH_SKIP_FRICTIONLESS") != "1":
        ref = run("frictionless", broken, url)
        result |= {"frictionless_s": round(ref["seconds"], 3),
                   "frictionless_vs_validate": round(ref["seconds"] / ours["seconds"], 2),
                   "same_triples": ref["triples"] == ours["triples"]}
        print(f"frictionless: {ref['seconds']:.2f} s; same triples: {result['same_triples']}", flush=True)
    spec = bench_spec(directory)
    forget(url)
    archive = directory / "releases"
    shutil.rmtree(archive, ignore_errors=True)
    ingest = run("ingest", clean, url, str(spec), str(REPO), str(archive))
    result |= {"ingest_s": round(ingest["seconds"], 3), "ingest_vs_copy": round(ingest["seconds"] / copy["seconds"], 2),
               "ingest_peak_mb": round(ingest["peak_mb"]), "ingest_peak_vs_file": round(ingest["peak_mb"] / size_mb, 2)}
    print(f"casa ingest: {ingest['seconds']:.2f} s, peak {ingest['peak_mb']:.0f} MB", flush=True)
    forget(url)
    downloads = directory / "downloads"
    shutil.rmtree(downloads, ignore_errors=True)
    shutil.rmtree(archive, ignore_errors=True)
    both = run("publish", clean, url, str(spec), str(REPO), str(downloads), str(archive))
    forget(url)
    shutil.rmtree(downloads, ignore_errors=True)
    shutil.rmtree(archive, ignore_errors=True)
    result |= {"ingest_publish_s": round(both["seconds"], 3),
               "ingest_publish_vs_copy": round(both["seconds"] / copy["seconds"], 2),
               "ingest_publish_steps": both["steps"],
               # Machine-wide CPU-seconds from the end of the imports to the swap, and the shortest
               # wall time that work could take on this machine's cores, all busy all the time.
               "ingest_publish_steps_cpu": both["steps_cpu"],
               "ingest_publish_cpu_s": round(both["cpu_s"], 2), "cores": both["cores"],
               "ingest_publish_cpu_floor_s": round(both["steps"]["imports"] + both["cpu_s"] / both["cores"], 3),
               "ingest_publish_cpu_floor_vs_copy": round((both["steps"]["imports"] + both["cpu_s"] / both["cores"])
                                                         / copy["seconds"], 2),
               "publish_timings": both["publish_timings"],
               # Before the downloads, which are timed (and peak) apart.
               "ingest_publish_peak_mb": round(both["peak_mb_before_downloads"]),
               "ingest_publish_peak_vs_file": round(both["peak_mb_before_downloads"] / size_mb, 2),
               "downloads_peak_mb": round(both["peak_mb"]),
               "downloads_s": round(both["downloads_seconds"], 3),
               "downloads_vs_copy": round(both["downloads_seconds"] / copy["seconds"], 2)}
    print(f"casa ingest + publish: {both['seconds']:.2f} s (steps {both['steps']}; publish steps "
          f"{both['publish_timings']}); CPU {both['cpu_s']:.1f} s on {both['cores']} cores, so at least "
          f"{result['ingest_publish_cpu_floor_s']:.2f} s = {result['ingest_publish_cpu_floor_vs_copy']:.2f} x C; "
          f"downloads afterwards: {both['downloads_seconds']:.2f} s", flush=True)
    targets = {"validate_vs_copy <= 1.5": result["validate_vs_copy"] <= 1.5,
               "frictionless_vs_validate >= 10": result.get("frictionless_vs_validate", 0) >= 10,
               "ingest_vs_copy <= 6": result["ingest_vs_copy"] <= 6,
               "ingest_publish_vs_copy <= 6": result["ingest_publish_vs_copy"] <= 6,
               "validate_peak_vs_file <= 3": result["validate_peak_vs_file"] <= 3,
               "ingest_peak_vs_file <= 3": result["ingest_peak_vs_file"] <= 3,
               "ingest_publish_peak_vs_file <= 3": result["ingest_publish_peak_vs_file"] <= 3}
    result["targets_met"] = targets
    print(json.dumps(result, indent=2, ensure_ascii=False))
    out = HERE / "results" / "ingest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
