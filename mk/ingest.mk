# make bench-ingest: the ingest path against plain COPY and frictionless-py
# on a seeded 1M-row register (issue 4). BENCH_ROWS=100000 for a quick run.
BENCHES += bench-ingest
.PHONY: bench-ingest

bench-ingest: setup-test
	@source $(CASA_VAR)/test/env.sh && $(PY) bench/ingest_bench.py
