# Vivier: `make run` and `make test` are all a fresh machine needs (Python 3.11+ and make).
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
LANDING := $(or $(VIVIER_LANDING_DIR),data/landing)
SCALE ?= departement
PORT ?= 3000
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home

.PHONY: help install run lint test serve bench lock clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/.installed: pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@$(BIN)/vivier dagster-home
	@touch $@

install: $(BIN)/.installed report-deps  ## Create .venv and install the pinned dependencies (Python, the report's Node packages)

run: install  ## Write demo extracts if the landing folder is empty, then load and compute everything
	@if [ -z "$$(ls -A $(LANDING) 2>/dev/null)" ]; then \
		echo "$(LANDING) is empty: writing $(SCALE) demo extracts there (vivier demo-data)."; \
		$(BIN)/vivier demo-data --scale $(SCALE) --out $(LANDING); \
	fi
	$(BIN)/vivier run
	$(BIN)/vivier report
	@echo ""
	@echo "What next:"
	@echo "  make serve          the Dagster UI (assets, checks, runs): http://127.0.0.1:$(PORT) (another port: PORT=3001 make serve)"
	@echo "  make report-serve   the directors' report: http://127.0.0.1:8000"

lint: $(BIN)/.installed  ## ruff (format and lint), the import contracts (no cycles, models apart from pipelines, pure transforms without Dagster), sqlfluff on sql/
	$(BIN)/ruff format --check --quiet .
	$(BIN)/ruff check --quiet .
	$(BIN)/lint-imports
	$(BIN)/sqlfluff lint --nocolor sql/

test: install lint  ## Check the imports (make lint), then run the test suite
	$(BIN)/pytest

bench: install  ## National refresh against the goals (demo cached), then time demo-data, vivier run and the workforce marts against pandas (BENCH_SCALES="small departement national")
	$(BIN)/python benchmarks/refresh.py
	$(BIN)/python benchmarks/scales.py $(foreach s,$(or $(BENCH_SCALES),small departement),--scale $(s))
	$(BIN)/python benchmarks/workforce.py $(foreach s,$(filter-out small,$(or $(BENCH_SCALES),departement national)),--scale $(s))

serve: install  ## Start the Dagster UI (http://127.0.0.1:3000; PORT=3001 make serve for another port) and daemon: nightly schedule, landing sensor
	@$(BIN)/vivier dagster-home
	$(BIN)/dagster dev -h 127.0.0.1 -p $(PORT)

lock:  ## Re-resolve requirements.lock after changing pyproject.toml
	$(BIN)/uv pip compile --quiet --python-version 3.11 --extra dev pyproject.toml -o requirements.lock

clean:  ## Remove the virtual environment and the generated data
	rm -rf $(VENV) data .dagster_home reports/build

# The directors' report (reports/): Node packages pinned in reports/package-lock.json, installed
# again only when it changes; Debian chromium for the report's browser test (we run as root).
reports/node_modules/.installed: reports/package.json reports/package-lock.json
	cd reports && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: report-deps report-serve
report-deps: reports/node_modules/.installed  ## Install the report's Node packages (npm ci) and chromium for its test
	@[ -x /usr/bin/chromium ] || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

report-serve:  ## Serve the built report on http://127.0.0.1:8000
	python3 -m http.server -b 127.0.0.1 -d $(or $(VIVIER_REPORT_DIR),reports/build) 8000
