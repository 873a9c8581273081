# The nightly job is `make load && dbt build`; everything else here sets up or proves it.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

DEMO_SCALE ?= 0.01
# today: the demo shop ends now, so its freshness passes today (docs/operations.md); a
# YYYY-MM-DD day ends it there at 23:59 (2026-11-22: the figures the tests and docs/ use)
DEMO_LAST_DAY ?= today
DEMO_SHOP := demo/shop.sqlite
TEST_DIR := build/test
DEV_DIR := dev
DEV_SCALE ?= 0.002
DOCS_PORT ?= 8081
# make health: where the endpoints listen (the environment's HEALTH_HOST / HEALTH_PORT win)
HEALTH_HOST ?= 127.0.0.1
HEALTH_PORT ?= 8080
PY_CODE := loaders ops warehouse_client dbt_adapter devtools tests/python
# Debian packages the tests need (`make test` installs the missing ones when run as root)
TEST_PACKAGES := mariadb-server chromium
export DBT_PROFILES_DIR := $(CURDIR)
# numpy (imported by chDB, dlt and dbt) starts an OpenBLAS thread per core in every process,
# and they spin for a while; nothing here does linear algebra (about 0.08 s of CPU a process)
export OPENBLAS_NUM_THREADS ?= 1

.PHONY: help setup demo demo-data demo-reset load build nightly status health test test-py test-dbt \
	lint clean bench dev docs docs-site test-packages \
	test-compat dbt-stage

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

# what the virtualenvs are installed from
INSTALL_INPUTS := pyproject.toml dbt_adapter/pyproject.toml \
	$(shell find dbt_adapter/dbt -type f -not -path '*__pycache__*')

$(STAMP): $(INSTALL_INPUTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' ./dbt_adapter
	# the commit hooks, in a plain clone only (a git worktree shares its hooks with other checkouts)
	if [ -d .git ]; then $(BIN)/pre-commit install >/dev/null; fi
	touch $@

profiles.yml: profiles.example.yml
	cp $< $@

setup: $(STAMP) profiles.yml  ## create the virtualenv and profiles.yml

$(DEMO_SHOP): | $(STAMP)
	mkdir -p $(dir $@)
	$(BIN)/python -m devtools.demo_shop.generator --url sqlite:///$(CURDIR)/$@ \
	  --scale $(DEMO_SCALE) --last-day $(DEMO_LAST_DAY)

demo-data: $(DEMO_SHOP)  ## generate the demo shop (SQLite) once

# The nightly job itself, its API sources served by the sandbox for the run; what it built is
# printed even when the night failed, and the exit code is the night's.
demo: setup demo-data  ## fresh machine: set up, run the nightly job on the demo shop and sandbox APIs, print what it built
	night=0; $(BIN)/python -m devtools.sandbox.with_sandbox -- \
	  $(MAKE) --no-print-directory nightly || night=$$?; \
	$(BIN)/python -m devtools.demo_report; exit $$night

demo-reset:  ## forget the demo shop, the embedded warehouse and the nightly job's state
	rm -rf demo warehouse .dlt_pipelines .ops

load: setup  ## run the loaders (all sources, or SOURCES=mysql,...)
	$(BIN)/python -m loaders $(if $(SOURCES),--sources $(SOURCES))

build: setup  ## dbt build (models and their tests)
	$(BIN)/dbt build

nightly: setup  ## the nightly job: load, dbt build, freshness, run history, alerts (docs/operations.md)
	$(BIN)/python -m ops.nightly $(if $(SOURCES),--sources $(SOURCES))

status: setup  ## per source: last good load, rows, last error, freshness; exit 1 if stale or failing
	$(BIN)/python -m ops.status $(ARGS)

health: setup  ## serve /healthz, /healthz/detailed, /healthz/freshness, /metrics on HEALTH_HOST:HEALTH_PORT
	HEALTH_HOST=$(HEALTH_HOST) HEALTH_PORT=$(HEALTH_PORT) $(BIN)/python -m ops.health

# pytest, the dbt stage and lint side by side: pytest's two workers leave part of a core idle
# (children starting, waits), which the other two fill; their lines interleave with pytest's dots
test: test-packages setup  ## everything CI runs (installs what it needs first)
	$(MAKE) --no-print-directory -j3 test-py test-dbt lint

# The Debian packages of TEST_PACKAGES (and python3-venv for the venv): installed with apt-get
# when missing and running as root; otherwise stop with the one command to run.
test-packages:
	@missing=""; \
	command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || missing="$$missing mariadb-server"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	test -x $(BIN)/python || $(PYTHON) -c 'import ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	  echo "make test needs Debian packages:$$missing. Run: sudo apt-get install -y$$missing" >&2; \
	  exit 1; \
	fi; \
	echo "installing$$missing"; \
	DEBIAN_FRONTEND=noninteractive apt-get update -qq; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	service mariadb stop >/dev/null 2>&1 || true  # the tests start their own server

# each module on one worker (module fixtures build one warehouse state) unless marked
# `independent`, in the order tests/python/conftest.py deals them (the longest modules first),
# each worker with its own MariaDB and sandbox; the slowest tests are listed at the end
PYTEST_WORKERS ?= 2
test-py: setup
	$(BIN)/pytest -q -n $(PYTEST_WORKERS) --dist loadgroup --no-loadscope-reorder --durations=30

# dbt build (models, data tests, unit tests) on a small fixture warehouse (every source, the
# APIs from the sandbox), then sqlfluff on it
test-dbt: dbt-stage
	WAREHOUSE_URL=chdb:$(TEST_DIR)/warehouse $(BIN)/sqlfluff lint models tests/dbt

# the dbt stage alone, in the venv VENV, into TEST_DIR; "today" is AS_OF_DATE when set
dbt-stage: setup
	rm -rf $(TEST_DIR) && mkdir -p $(TEST_DIR)
	$(BIN)/python -m devtools.demo_shop.generator --url sqlite:///$(CURDIR)/$(TEST_DIR)/shop.sqlite --scale 0.002
	WAREHOUSE_URL=chdb:$(TEST_DIR)/warehouse SHOP_DB_URL=sqlite:///$(CURDIR)/$(TEST_DIR)/shop.sqlite \
	  DLT_PIPELINES_DIR=$(TEST_DIR)/pipelines $(BIN)/python -m devtools.sandbox.with_sandbox -- $(BIN)/python -m loaders
	WAREHOUSE_URL=chdb:$(TEST_DIR)/warehouse $(BIN)/dbt build --target-path $(TEST_DIR)/target \
	  --log-path $(TEST_DIR)/logs $(if $(AS_OF_DATE),--vars '{as_of_date: "$(AS_OF_DATE)"}')

# The compatibility matrix: the same project and tests on the ClickHouse engines that managed
# servers run (docs/production.md), each engine from the chDB wheel that carries it, in a venv
# of its own (build/compat/<engine>/venv). There the project is installed as usual, then chDB
# is replaced by the old wheel on purpose, with --no-deps (the project pins chdb>=4.4, the
# embedded warehouse it supports; an older chDB only stands in for a server of that ClickHouse
# version) and chdb-core removed first (chDB 4 splits into chdb + chdb-core, one directory).
# On each engine: the dbt stage (full build, every data and unit test) and the incremental
# tests (full build, every kind of night, --full-refresh equality, a failed night) and the
# version decisions tried on the engine (test_warehouse_engine.py); the marts of each older
# engine's dbt stage must equal the default engine's (26.9) cell for cell (the watermark's load
# ids aside). Too slow for make test's budget: .ci/run runs it after make test.
COMPAT_DIR := build/compat
COMPAT_ENGINES := 24.8 25.8
CHDB_24.8 := 3.3.0
CHDB_25.8 := 3.7.2
COMPAT_TESTS := tests/python/test_incremental_marts.py tests/python/test_incremental_ad_marts.py \
	tests/python/test_warehouse_engine.py
COMPAT_AS_OF := $(shell date +%F)

$(COMPAT_DIR)/%/venv/.installed-stamp: $(INSTALL_INPUTS)
	test -x $(COMPAT_DIR)/$*/venv/bin/python || $(PYTHON) -m venv $(COMPAT_DIR)/$*/venv
	$(COMPAT_DIR)/$*/venv/bin/pip install --quiet --upgrade pip
	$(COMPAT_DIR)/$*/venv/bin/pip install --quiet -e '.[dev]' ./dbt_adapter
	$(COMPAT_DIR)/$*/venv/bin/pip uninstall --quiet -y chdb chdb-core
	$(COMPAT_DIR)/$*/venv/bin/pip install --quiet --no-deps chdb==$(CHDB_$*)
	touch $@

test-compat: test-packages setup $(foreach e,$(COMPAT_ENGINES),$(COMPAT_DIR)/$(e)/venv/.installed-stamp)  ## the dbt stage and incremental tests on ClickHouse 24.8 and 25.8 too
	$(MAKE) --no-print-directory dbt-stage TEST_DIR=$(COMPAT_DIR)/26.9/test AS_OF_DATE=$(COMPAT_AS_OF)
	$(BIN)/python -m devtools.compat.dump_marts chdb:$(COMPAT_DIR)/26.9/test/warehouse $(COMPAT_DIR)/26.9/marts
	set -e; for engine in $(COMPAT_ENGINES); do \
	  echo "== ClickHouse $$engine"; \
	  $(MAKE) --no-print-directory dbt-stage VENV=$(COMPAT_DIR)/$$engine/venv \
	    TEST_DIR=$(COMPAT_DIR)/$$engine/test AS_OF_DATE=$(COMPAT_AS_OF); \
	  $(COMPAT_DIR)/$$engine/venv/bin/python -m devtools.compat.dump_marts \
	    chdb:$(COMPAT_DIR)/$$engine/test/warehouse $(COMPAT_DIR)/$$engine/marts; \
	  diff -r $(COMPAT_DIR)/26.9/marts $(COMPAT_DIR)/$$engine/marts; \
	  $(COMPAT_DIR)/$$engine/venv/bin/python -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile \
	    -p no:cacheprovider $(COMPAT_TESTS); \
	done

lint: setup  ## ruff and mypy on the Python code
	$(BIN)/ruff check $(PY_CODE)
	$(BIN)/ruff format --check $(PY_CODE)
	$(BIN)/mypy $(PY_CODE)

# A small warehouse of its own for editing models: dbt build -s <model>+ takes seconds there.
dev: setup  ## the demo shop at DEV_SCALE (0.002) loaded and built into dev/warehouse
	mkdir -p $(DEV_DIR)
	test -f $(DEV_DIR)/shop.sqlite || $(BIN)/python -m devtools.demo_shop.generator \
	  --url sqlite:///$(CURDIR)/$(DEV_DIR)/shop.sqlite --scale $(DEV_SCALE)
	WAREHOUSE_URL=chdb:$(CURDIR)/$(DEV_DIR)/warehouse SHOP_DB_URL=sqlite:///$(CURDIR)/$(DEV_DIR)/shop.sqlite \
	  DLT_PIPELINES_DIR=$(CURDIR)/$(DEV_DIR)/pipelines $(BIN)/python -m loaders
	WAREHOUSE_URL=chdb:$(CURDIR)/$(DEV_DIR)/warehouse $(BIN)/dbt build
	@echo; echo "dev warehouse ready. In this shell:"
	@echo "  export WAREHOUSE_URL=chdb:$(CURDIR)/$(DEV_DIR)/warehouse"
	@echo "  .venv/bin/dbt build -s fct_orders+"

# The site names each mart by the relation DataLens reads, marts.<mart>, not by the database
# it is built and tested in (macros/dbt_overrides/generate_schema_name.sql). DOCS_ARGS: more
# flags for dbt docs generate.
docs-site: setup
	$(BIN)/dbt docs generate --vars '{docs_published_relations: true}' $(DOCS_ARGS)

docs: docs-site  ## dbt docs generate, then serve the docs site on http://127.0.0.1:DOCS_PORT (8081)
	@echo "docs site: http://127.0.0.1:$(DOCS_PORT)  (Ctrl-C stops it)"
	$(BIN)/dbt docs serve --host 127.0.0.1 --port $(DOCS_PORT) --no-browser

bench: setup  ## load + dbt build at SCALE (default 0.1) vs the mysql() floor; JSON in devtools/bench/results/
	$(BIN)/python -m devtools.bench --scale $(or $(SCALE),0.1)

clean:  ## remove build output (keeps the venv, the demo shop and the warehouse)
	rm -rf build target logs
