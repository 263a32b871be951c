# make bench-downloads: build_downloads on a generated 1M-row public table,
# seconds per format (issue 4). BENCH_ROWS=100000 for a quick run.
BENCHES += bench-downloads
.PHONY: bench-downloads

bench-downloads: setup-test
	@source $(CASA_VAR)/test/env.sh && $(PY) bench/downloads_bench.py
