# Lokaal Circulair portal. `make run` serves the portal with the programme data; `make test`
# runs every check. Both install what they need into .venv first.
SHELL := /bin/bash
PYTHON_VERSION := $(shell cat .python-version)
PYTHON ?= $(shell command -v python$(PYTHON_VERSION) || echo $(HOME)/.pyenv/versions/$(PYTHON_VERSION).1/bin/python$(PYTHON_VERSION))
UV := .venv/bin/uv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install install-dev test lint checks pytest browser browser-deps bench clean \
	serve bench-ci wrk-deps nginx-deps pg-tools two-instances faults load load-ci a11y

.venv/bin/uv:
	$(PYTHON) -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

install: .venv/bin/uv
	$(UV) sync --frozen --inexact --no-default-groups --quiet
	$(PY) scripts/compile_locale.py

install-dev: .venv/bin/uv
	$(UV) sync --frozen --inexact --quiet
	$(PY) scripts/compile_locale.py

# `make run` adds the debug toolbar (the `debug` group, shown with DJANGO_DEBUG on);
# `make install` and `make serve` never install it.
run: install
	$(UV) sync --frozen --inexact --no-default-groups --group debug --quiet
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --no-input -v0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py load_programma
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py load_demo
	@echo "Het portaal draait op http://$(HOST):$(PORT)/ (Ctrl-C stopt het)."
	export DJANGO_DEBUG=$${DJANGO_DEBUG:-true}; \
	$(PY) manage.py db_worker --no-reload -v0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy

checks: install-dev
	DJANGO_SECRET_KEY=checks $(PY) manage.py check --fail-level WARNING
	DJANGO_SECRET_KEY=checks $(PY) manage.py makemigrations --check --dry-run

# Coverage of the apps ([tool.coverage] in pyproject.toml): the files with unrun lines, and a
# floor a few points under what the suite reaches (96.2% on SQLite, 2 Dec 2026).
# `make pytest COVERAGE=` skips it.
COVERAGE_FLOOR := 94
COVERAGE ?= --cov --cov-report=term:skip-covered --cov-fail-under=$(COVERAGE_FLOOR)

pytest: install-dev
	.venv/bin/pytest -n 2 -m "not browser and not slow" -q $(COVERAGE) $(PYTEST_ARGS)

test: lint checks pytest

browser-deps: install-dev
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

browser: browser-deps
	.venv/bin/pytest -m browser -q -p no:xdist

# Production-like: DEBUG off, hashed and compressed static files, gunicorn (workers from
# WEB_CONCURRENCY or GUNICORN_WORKERS). Needs DJANGO_SECRET_KEY; DATABASE_URL and REDIS_URL as
# in production (see docs/deploy.md).
serve: install
	DJANGO_DEBUG=false $(PY) manage.py collectstatic --no-input -v0
	DJANGO_DEBUG=false $(PY) manage.py migrate --no-input -v0
	@echo "Het portaal draait op http://$(HOST):$(PORT)/ (Ctrl-C stopt het)."
	DJANGO_DEBUG=false GUNICORN_BIND=$(HOST):$(PORT) .venv/bin/gunicorn -c gunicorn.conf.py lokaal.wsgi

wrk-deps:
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)

# Debian's nginx, for the public page cache in front of gunicorn (deploy/nginx.conf); the
# benchmark and the two-instance check run it. NGINX=/path/to/nginx uses another one.
nginx-deps:
	@test -x "$${NGINX:-/nonexistent}" || command -v nginx >/dev/null || test -x /usr/sbin/nginx || \
		(apt-get update -qq && apt-get install -y -qq nginx-light)

pg-tools:
	@command -v pg_dump >/dev/null || (apt-get update -qq && apt-get install -y -qq postgresql-client)

# The benchmark (docs/performance.md): 20x data on PostgreSQL + Redis, wrk with 32 connections.
bench: install-dev wrk-deps nginx-deps pg-tools
	$(PY) scripts/bench.py

# The same, small: 3x data, 3 s per page (CI).
bench-ci: install-dev wrk-deps nginx-deps
	BENCH_SCALE=small $(PY) scripts/bench.py

# Two gunicorn instances on one database and one Redis behind nginx: a login and a change
# cross over, the page cache keeps public pages only.
two-instances: install-dev nginx-deps
	$(PY) scripts/two_instances.py

# The fault suite (docs/reliability.md): its own PostgreSQL and Redis, never the shared ones;
# needs root (runuser, a tmpfs mount), PostgreSQL's server binaries and redis-server.
faults: install-dev
	@command -v redis-server >/dev/null || (apt-get update -qq && apt-get install -y -qq redis-server)
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq postgresql)
	$(PY) scripts/faults.py

# Mixed load with coach writes: 60 s at 64 connections (load-ci: 15 s at 16).
load: install-dev
	$(PY) scripts/load_mixed.py --seconds 60 --connections 64

load-ci: install-dev
	$(PY) scripts/load_mixed.py --seconds 15 --connections 16

# Accessibility (axe), phone width and print, in headless Chromium.
a11y: browser-deps
	.venv/bin/pytest -q -p no:xdist -m browser tests/e2e/test_accessibility.py

clean:
	rm -rf .venv staticfiles
