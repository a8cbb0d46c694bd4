# Thor: the two commands are `make run` and `make test` (see README.md). Each is a thin wrapper around
# `python thor.py …`, the same entry point Windows uses (where there is no make): it creates the
# virtualenv, installs only when pyproject.toml changed, builds the dashboard only when its sources
# changed, and runs the steps.
PYTHON ?= python3

.PHONY: run test test-quick bench lint sample-workbook clean-venv dashboard frontend-test api-types

run:
	$(PYTHON) thor.py run

test:
	$(PYTHON) thor.py test

# The Python suite without the browser, contract and slow tests (seconds, for the edit-test loop);
# `make test` runs everything.
test-quick:
	$(PYTHON) thor.py test-quick

bench:
	$(PYTHON) thor.py bench

lint:
	$(PYTHON) thor.py lint

dashboard:
	$(PYTHON) thor.py dashboard

frontend-test:
	$(PYTHON) thor.py frontend-test

# The dashboard's response types, generated from the API's OpenAPI schema (issue 14): run after a
# change to a serializer or a view's schema; `make test` fails while they are out of date.
api-types:
	$(PYTHON) thor.py api-types

sample-workbook:
	$(PYTHON) thor.py sample-workbook

clean-venv:
	rm -rf .venv
