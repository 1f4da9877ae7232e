# 民呼快应 — the two commands a newcomer needs are `make run` and `make test`.
# Everything is installed into .venv; nothing outside the project is touched.

SHELL := /bin/bash
HOST ?= 127.0.0.1
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
CELERY := $(VENV)/bin/celery

# The first Python 3.11+ on PATH (township servers often still have 3.11).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: run test lint format messages install install-dev worker beat serve collectstatic clean

$(PY):
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed (python3 --version)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-run: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-run
install-dev: $(VENV)/.installed-dev

## make run: install, migrate, load the demo town (first time only) and serve the desk
## at http://$(HOST):$(PORT) together with the embedded job runner (Celery worker + beat
## on a file-based broker). Ctrl-C stops both.
run: export DEBUG ?= true
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo
	@echo "The desk: http://$(HOST):$(PORT)/   (Ctrl-C stops the desk and the job runner)"
	@trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	$(CELERY) -A config worker --beat --pool=solo --loglevel=INFO --logfile=var/jobs.log & worker=$$!; \
	$(MANAGE) runserver $(HOST):$(PORT)

## make test: install what is missing and run the whole suite. SQLite and the embedded
## broker by default; PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set.
test: install-dev
	$(VENV)/bin/pytest -ra $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## make messages: collect the UI strings into locale/zh_Hans and compile them (needs GNU gettext).
messages: install-dev
	DEBUG=true $(MANAGE) makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=var --ignore=tests
	DEBUG=true $(MANAGE) compilemessages -l zh_Hans --ignore=.venv

# Production pieces (see README "Production"): each runs in the foreground for systemd.
collectstatic: install
	$(MANAGE) collectstatic --noinput

serve: install
	$(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $${WEB_WORKERS:-2} --access-logfile -

worker: install
	$(CELERY) -A config worker --loglevel=INFO

beat: install
	$(CELERY) -A config beat --loglevel=INFO

clean:
	rm -rf $(VENV) var/test .pytest_cache .ruff_cache

## make bench: the benchmark of issue 10 and the load run of issue 9 (bench/README.md) against
## the local PostgreSQL and Redis: a million petitions (loaded once, then reused), gunicorn with
## 2 workers; prints the table and writes bench/results/latest.md. BENCH_ARGS=--skip-load etc.
.PHONY: bench
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)
