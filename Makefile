# Thor: the two commands are `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: run test test-quick bench lint sample-workbook clean-venv dashboard frontend-test api-types

HAVE_NPM := $(shell command -v npm >/dev/null 2>&1 && echo yes)
FRONTEND_SRC := $(shell find frontend/src -type f 2>/dev/null) frontend/index.html frontend/vite.config.ts frontend/tsconfig.json

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Thor needs Python 3.11 or newer (set PYTHON=python3.11)")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed-run

# The dashboard: npm ci when the lock file changes, a build when its sources change.
frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(FRONTEND_SRC)
	cd frontend && npm run build --silent

dashboard:
ifeq ($(HAVE_NPM),yes)
	@$(MAKE) --no-print-directory frontend/dist/index.html
else
	@echo "Node.js/npm not found: Thor serves the API and the admin only. Install Node.js 20+ for the dashboard."
endif

# The dashboard's response types, generated from the API's OpenAPI schema (issue 14): run after a
# change to a serializer or a view's schema; `make test` fails while they are out of date.
api-types: $(VENV)/.installed-dev frontend/node_modules/.installed
	@mkdir -p var
	$(PY) manage.py spectacular --format openapi-json --file var/openapi.json
	cd frontend && npx openapi-typescript ../var/openapi.json -o src/types/schema.d.ts

frontend-test: dashboard
ifeq ($(HAVE_NPM),yes)
	cd frontend && npx tsc -b && npx eslint src && npx vitest run
else
	@echo "Node.js/npm not found: frontend checks and browser tests skipped."
endif

run: $(VENV)/.installed-run dashboard
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_thor
	$(PY) manage.py sync_market_calendars --if-stale
	$(PY) manage.py ensure_admin
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m thor_project.launch

test: $(VENV)/.installed-dev frontend-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	@# Traders run Thor on Windows (TOS and Excel live there) and macOS: type-check as those platforms too.
	$(BIN)/mypy --platform win32 --cache-dir .mypy_cache/win32
	$(BIN)/mypy --platform darwin --cache-dir .mypy_cache/darwin
	$(BIN)/pytest

# The Python suite without the browser, contract and slow tests (seconds, for the edit-test loop);
# `make test` runs everything.
test-quick: $(VENV)/.installed-dev
	$(BIN)/pytest -m "not browser and not contract and not slow"

bench: $(VENV)/.installed-dev
	$(PY) -m bench

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

sample-workbook: $(VENV)/.installed-dev
	$(PY) scripts/make_sample_workbook.py

clean-venv:
	rm -rf $(VENV)
