# rehab — one command to run it, one to test it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TEST_DATABASE_URL ?= postgres://postgres:postgres@127.0.0.1:5432/rehab
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
TEST_ENV := DJANGO_ENV=test DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL)
PYTEST_ARGS ?=

.PHONY: run test test-day lint format bench worker venv clean fuzz ci

venv: $(VENV)/.installed

## Test-only JavaScript (axe-core for the accessibility checks in the browser tests)
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

## Local run: SQLite, in-process tasks, demo data and logins, http://127.0.0.1:8000
## (a VAPID key pair of its own in db/vapid.env, made once, so the phone can turn on notifications)
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@mkdir -p db; test -s db/vapid.env || $(PY) manage.py vapid_keys > db/vapid.env
	set -a; . db/vapid.env; set +a; $(PY) manage.py runserver 127.0.0.1:8000

## Whole suite on PostgreSQL and Redis: ruff, migrations check, pytest (browser tests included)
test: venv node_modules/.installed
	$(PY) scripts/check_services.py $(TEST_DATABASE_URL) $(TEST_REDIS_URL)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

## The suite again but for its browser tests, on one fixed awkward day: 29 February 2028, ten
## minutes after midnight (UTC and London), so "yesterday" is 28 February and a 7-day window holds
## the leap day. Any other day: make test PYTEST_ARGS="--today=2027-03-28" (see README).
TODAY ?= 2028-02-29T00:10Z
test-day: venv
	$(PY) scripts/check_services.py $(TEST_DATABASE_URL) $(TEST_REDIS_URL)
	$(TEST_ENV) $(PY) -m pytest -m "not browser" --today=$(TODAY) $(PYTEST_ARGS)

## Schemathesis against the whole API for FUZZ_SECONDS (default 120): 0 server errors, every
## refusal a 4xx with a message. Calls by status land in artifacts/fuzz-summary.json.
FUZZ_SECONDS ?= 120
FUZZ_EXAMPLES ?= 300
fuzz: venv
	$(PY) scripts/check_services.py $(TEST_DATABASE_URL) $(TEST_REDIS_URL)
	$(TEST_ENV) FUZZ_SECONDS=$(FUZZ_SECONDS) SCHEMATHESIS_MAX_EXAMPLES=$(FUZZ_EXAMPLES) \
		$(PY) -m pytest tests/api/test_schemathesis.py -q -p no:cacheprovider
	@cat artifacts/fuzz-summary.json

## What CI runs (.ci/run): the whole suite, the suite on a fixed awkward day, a short fuzz run
ci: test
	$(MAKE) test-day
	$(MAKE) fuzz FUZZ_SECONDS=$${CI_FUZZ_SECONDS:-60}

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## A Celery worker against Redis (production-like local setup)
worker: venv
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(VENV)/bin/celery -A rehab worker -B -l info

clean:
	rm -rf $(VENV) node_modules db staticfiles artifacts .pytest_cache .ruff_cache

## Benchmarks against PostgreSQL on this machine (own database rehab_bench); SCALE=1 is the goal size.
## nightly.growth runs last at 10,000 against 2,000 cases whatever SCALE (GROWTH_SCALE to change it)
bench: venv
	$(PY) -m bench --scale $${SCALE:-0.2} --growth-scale $${GROWTH_SCALE:-1}
