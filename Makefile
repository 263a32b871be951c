# Casa Urban Data. The two commands a newcomer needs:
#   make demo   set everything up and serve the portal on http://127.0.0.1:5000
#   make test   set everything up and run every test suite
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
export VENV
CASA_VAR ?= $(CURDIR)/var
export CASA_VAR
PORT ?= 5000
export CASA_PORT := $(PORT)

-include mk/*.mk

.PHONY: demo test test-ckan test-pipelines system install setup-demo setup-test \
        bench bench-search lint clean-var

# ---- set-up ---------------------------------------------------------------
system:
	@bash scripts/system-deps.sh

install: $(VENV)/.installed
$(VENV)/.installed: requirements/constraints.txt requirements/requirements.in \
                    ckanext-casa/pyproject.toml pipelines/pyproject.toml
	@bash scripts/install-python.sh
	@touch $@

setup-demo: system install
	@bash scripts/setup-profile.sh demo

setup-test: system install
	@bash scripts/setup-profile.sh test

# ---- the two commands -----------------------------------------------------
demo: setup-demo
	@bash scripts/load-demo-data.sh
	@echo
	@echo "Casa Urban Data: http://127.0.0.1:$(PORT)  (sysadmin API token in $(CASA_VAR)/demo/sysadmin-token)"
	@echo
	@bash scripts/serve.sh demo

test: setup-test
	@$(MAKE) --no-print-directory lint test-ckan test-pipelines

test-ckan:
	@source $(CASA_VAR)/test/env.sh && $(PY) -m pytest --ckan-ini=$$CKAN_INI tests/ckanext tests/docker

test-pipelines:
	@source $(CASA_VAR)/test/env.sh && $(PY) -m pytest -p no:ckan -p no:ckan_fixtures tests/pipelines

# ---- benchmarks (print figures; never timed tests) -------------------------
BENCHES += bench-search
bench: $(BENCHES)

# Benchmarks use databases of their own (prefix casa_bench).
BENCH_VAR := $(CASA_VAR)/bench
bench-search: system install
	@CASA_VAR=$(BENCH_VAR) CASA_DB_PREFIX=casa_bench bash scripts/setup-profile.sh test
	@source $(BENCH_VAR)/test/env.sh && $(PY) bench/search_bench.py

# ruff, mypy (mypy.ini), no file over 400 lines, no import cycle.
lint: install
	@$(VENV)/bin/ruff check ckanext-casa pipelines tests bench scripts
	@$(VENV)/bin/mypy
	@$(PY) scripts/check_layout.py
