# Coleman: the two commands of the README are `make run` and `make test`.
# Both bootstrap a local virtualenv (.venv) from the pinned requirements on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Two pytest workers: these machines have two cores.
PYTEST_WORKERS ?= 2

.PHONY: run test install system-deps wheelhouse check lint bench clean

$(STAMP): requirements.txt requirements-dev.txt requirements-build.txt
	@bash scripts/system-deps.sh --build
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

## run: set up the database and demo catalog, print a staff login, serve on $(HOST):$(PORT)
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_cranstore
	$(BIN)/python manage.py rebuild_index --noinput
	$(BIN)/python manage.py demo_staff
	@echo "Emails (account activation, order updates) are printed on this console."
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

## system-deps: Debian packages the tests use (browser for e2e tests), s3rver from npm; installed when missing
system-deps:
	@bash scripts/system-deps.sh $(BIN)/python
	@bash scripts/link-xapian.sh $(BIN)/python
	@bash scripts/s3rver.sh >/dev/null || echo "s3rver (npm) is not installed: the S3 storage tests will say why"

## wheelhouse: wheels of the pinned requirements in ~/.cache/coleman-wheelhouse (built once, kept; deploys and the deploy tests install from it offline)
wheelhouse: $(STAMP)
	@$(BIN)/fab wheelhouse

## check: Django system checks, migrations up to date, lint
check: $(STAMP)
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=ecommerce_book.settings.test $(BIN)/python manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=ecommerce_book.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

## test: everything above, then the whole test suite (DATABASE_URL=postgres://… runs it on PostgreSQL)
test: $(STAMP) system-deps wheelhouse check
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

## bench: the catalog benchmark (see bench/README.md)
bench: $(STAMP)
	$(BIN)/python bench/catalog.py

clean:
	rm -rf $(VENV) var .pytest_cache
