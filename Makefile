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

.PHONY: run install install-dev test lint checks pytest browser browser-deps bench clean

.venv/bin/uv:
	$(PYTHON) -m venv .venv
	.venv/bin/pip install --quiet --disable-pip-version-check uv==0.13.8

install: .venv/bin/uv
	$(UV) sync --frozen --inexact --no-dev --quiet

install-dev: .venv/bin/uv
	$(UV) sync --frozen --inexact --quiet

run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py migrate --no-input -v0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py load_programma
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py load_demo
	@echo "Het portaal draait op http://$(HOST):$(PORT)/ (Ctrl-C stopt het)."
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(PY) manage.py runserver $(HOST):$(PORT)

lint: install-dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

checks: install-dev
	DJANGO_SECRET_KEY=checks $(PY) manage.py check --fail-level WARNING
	DJANGO_SECRET_KEY=checks $(PY) manage.py makemigrations --check --dry-run

pytest: install-dev
	.venv/bin/pytest -n 2 -m "not browser and not slow" -q $(PYTEST_ARGS)

test: lint checks pytest

browser-deps: install-dev
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

browser: browser-deps
	.venv/bin/pytest -m browser -q -p no:xdist

clean:
	rm -rf .venv staticfiles
