# Gonghui: `make demo` and `make test` do everything on a fresh machine.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 4

.PHONY: setup system demo serve test test-postgres test-browser bench lint messages migrate screenshots clean

setup: system $(VENV)/.installed node_modules/.installed gonghui/locale/zh_Hans/LC_MESSAGES/django.mo

system:  ## Debian packages: gettext, a CJK font (installed if missing, when run as root)
	scripts/system-packages

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

gonghui/locale/zh_Hans/LC_MESSAGES/django.mo: gonghui/locale/zh_Hans/LC_MESSAGES/django.po $(VENV)/.installed
	cd gonghui && ../$(PY) ../manage.py compilemessages -l zh_Hans -v 0

messages: $(VENV)/.installed  ## refresh the message catalogue after changing UI text
	cd gonghui && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete --add-location file -i 'node_modules/*'

migrate: setup
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py load_demo
	$(PY) manage.py collectstatic --noinput -v 0
	@echo "Serving http://$(HOST):$(PORT)/ with a background task worker (Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	$(PY) manage.py db_worker --interval 0.5 --no-reload & \
	$(BIN)/gunicorn gonghui.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --log-level warning \
		--access-logfile - --access-logformat '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'

test: setup
	$(BIN)/pytest -m "not browser" -n 2 -q

test-postgres: setup  ## the suite on PostgreSQL: DATABASE_URL=postgres://... make test-postgres
	$(BIN)/pytest -m "not browser" -n 2 -q

test-browser: setup
	scripts/system-packages --browser
	$(BIN)/pytest -m browser -q

lint: setup
	$(BIN)/ruff check $(wildcard gonghui bench e2e)
	$(BIN)/ruff format --check $(wildcard gonghui bench e2e)

bench: setup  ## every benchmark; BENCH_ARGS=--quick for the short runs
	$(PY) -m pip install -q -e '.[test,bench]'
	@for script in $(filter-out bench/__init__.py,$(wildcard bench/*.py)); do \
		echo "== $$script"; $(PY) $$script $(BENCH_ARGS) || exit 1; done

screenshots: setup
	$(PY) e2e/screenshots.py

clean:
	rm -rf $(VENV) node_modules var/static
