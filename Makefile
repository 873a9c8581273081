# The nightly job is `make load && dbt build`; everything else here sets up or proves it.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

DEMO_SCALE ?= 0.01
DEMO_SHOP := demo/shop.sqlite
TEST_DIR := build/test
export DBT_PROFILES_DIR := $(CURDIR)

.PHONY: help setup demo demo-data demo-reset load build nightly status test test-py test-dbt lint clean bench

help:  ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml dbt_chdb/pyproject.toml $(shell find dbt_chdb/dbt -type f -not -path '*__pycache__*')
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]' ./dbt_chdb
	touch $@

profiles.yml: profiles.example.yml
	cp $< $@

setup: $(STAMP) profiles.yml  ## create the virtualenv and profiles.yml

$(DEMO_SHOP): | $(STAMP)
	mkdir -p $(dir $@)
	$(BIN)/python -m loaders.sandbox.demo_shop --url sqlite:///$(CURDIR)/$@ --scale $(DEMO_SCALE)

demo-data: $(DEMO_SHOP)  ## generate the demo shop (SQLite) once

demo: setup demo-data  ## fresh machine: set up, load the demo shop, dbt build, print what it built
	$(MAKE) --no-print-directory load
	$(BIN)/dbt build
	$(BIN)/python -m loaders.warehouse_summary

demo-reset:  ## forget the demo shop and the embedded warehouse
	rm -rf demo warehouse .dlt_pipelines

load: setup  ## run the loaders (all sources, or SOURCES=mysql,...)
	$(BIN)/python -m loaders $(if $(SOURCES),--sources $(SOURCES))

build: setup  ## dbt build (models and their tests)
	$(BIN)/dbt build

nightly: setup  ## the nightly job: load, dbt build, freshness, run history, alerts (README "Operating it")
	$(BIN)/python -m ops.nightly $(if $(SOURCES),--sources $(SOURCES))

status: setup  ## per source: last good load, rows, last error, freshness; exit 1 if stale or failing
	$(BIN)/python -m ops.status $(ARGS)

test: setup test-py test-dbt lint  ## everything CI runs

test-py: setup
	$(BIN)/pytest -q

# dbt build (models, data tests, unit tests) on a small fixture warehouse, then sqlfluff on it
test-dbt: setup
	rm -rf $(TEST_DIR) && mkdir -p $(TEST_DIR)
	$(BIN)/python -m loaders.sandbox.demo_shop --url sqlite:///$(CURDIR)/$(TEST_DIR)/shop.sqlite --scale 0.002
	WAREHOUSE_URL=chdb:$(TEST_DIR)/warehouse SHOP_DB_URL=sqlite:///$(CURDIR)/$(TEST_DIR)/shop.sqlite \
	  DLT_PIPELINES_DIR=$(TEST_DIR)/pipelines $(BIN)/python -m loaders
	WAREHOUSE_URL=chdb:$(TEST_DIR)/warehouse $(BIN)/dbt build --target-path $(TEST_DIR)/target
	WAREHOUSE_URL=chdb:$(TEST_DIR)/warehouse $(BIN)/sqlfluff lint models tests

lint: setup  ## ruff on the Python code
	$(BIN)/ruff check loaders ops tests_py dbt_chdb bench harness
	$(BIN)/ruff format --check loaders ops tests_py dbt_chdb bench harness

bench: setup  ## load + dbt build at SCALE (default 0.1) vs the mysql() floor; JSON in bench/results/
	$(BIN)/python -m bench --scale $(or $(SCALE),0.1)

clean:  ## remove build output (keeps the venv, the demo shop and the warehouse)
	rm -rf build target logs
