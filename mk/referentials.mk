# Référentiels: benchmark of the lookup actions over HTTP (prints figures and
# writes bench/results/referentials.json; never a timed test).
BENCHES += bench-referentials
.PHONY: bench-referentials

bench-referentials: setup-test
	@source $(CASA_VAR)/test/env.sh && $(PY) bench/referentials_bench.py
