# Qadam: `make run` to try it, `make test` to check it. See README.md.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
FONTS := node_modules/@fontsource/noto-sans/files
VENDOR := themes/static/vendor

# The PostgreSQL + Redis run of the suite (CI runs it; so does `make test`).
SERVICES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/qadam
SERVICES_BROKER_URL ?= redis://127.0.0.1:6379/15

export UV_PYTHON_DOWNLOADS := never
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Debian packages the project needs (README "Before you start").
# Node.js/npm and the Python venv module are checked by command, not by package name: a
# machine may have them from elsewhere (NodeSource, pyenv), and Debian's npm would clash.
# `make run` needs the first line; `make test` also the test tools below it.
DEBIAN_RUN_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core gettext
# The certificate tests read the QR code from a PNG of the PDF (pdftoppm); the browser
# tests (kiosk, H5P) drive Debian's Chromium through Playwright.
DEBIAN_TEST_PACKAGES := poppler-utils chromium
DEBIAN_PACKAGES := $(DEBIAN_RUN_PACKAGES) $(DEBIAN_TEST_PACKAGES)

.PHONY: system-deps system-deps-run system-deps-test help run test test-fast test-services lint system-check install install-dev assets \
        migrate seed lock clean

help:
	@echo "make run    install, migrate, load demo content, start the site and a Celery worker"
	@echo "make test   install the dev tools and run every check and test (CI runs this)"

## --- Machine checks: one line naming what is missing -------------------------------------
system-check: system-deps-run
	@command -v $(PYTHON) >/dev/null || { echo "missing: Python 3.11 ($(PYTHON)); see README 'Before you start'"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' || { echo "missing: Python 3.11 ($(PYTHON) is another version)"; exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { echo "missing: Debian package python3-venv"; exit 1; }
	@command -v npm >/dev/null || { echo "missing: npm (Debian packages nodejs npm)"; exit 1; }
	@ldconfig -p | grep libpango-1.0 >/dev/null || { echo "missing: Debian package libpango-1.0-0 (WeasyPrint needs it)"; exit 1; }
	@ldconfig -p | grep libpangoft2-1.0 >/dev/null || { echo "missing: Debian package libpangoft2-1.0-0 (WeasyPrint needs it)"; exit 1; }
	@ldconfig -p | grep libharfbuzz-subset >/dev/null || { echo "missing: Debian package libharfbuzz-subset0 (WeasyPrint needs it)"; exit 1; }
	@command -v msgfmt >/dev/null || { echo "missing: Debian package gettext (compiles the translations)"; exit 1; }
	@fc-list 2>/dev/null | grep "NotoSans-Regular" >/dev/null || { echo "missing: Debian package fonts-noto-core (certificate font with Kazakh letters)"; exit 1; }

# Installs the Debian packages that are missing, when it can: as root, or with sudo that
# needs no password. Otherwise it stops with the one command to run. Idempotent (asks dpkg
# first), so `make run` and `make test` call it every time; CI runs as root.
system-deps: system-deps-run system-deps-test
system-deps-run:
	@$(MAKE) --no-print-directory _debian-packages PACKAGES="$(DEBIAN_RUN_PACKAGES)" NEED_TOOLS=1
system-deps-test:
	@$(MAKE) --no-print-directory _debian-packages PACKAGES="$(DEBIAN_TEST_PACKAGES)"
_debian-packages:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$(NEED_TOOLS)" ]; then \
	  command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	  command -v $(PYTHON) >/dev/null || missing="$$missing python3.11"; \
	  $(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || missing="$$missing python3.11-venv"; \
	fi; \
	missing=$$(echo $$missing); \
	[ -z "$$missing" ] && exit 0; \
	if [ "$$(id -u)" = 0 ]; then SUDO=; \
	elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO=sudo; \
	else \
	  echo "missing Debian packages: $$missing"; \
	  echo "run this once (it needs an administrator), then make again:"; \
	  echo "  sudo apt-get install -y $$missing"; \
	  exit 1; \
	fi; \
	echo "installing Debian packages: $$missing"; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null

## --- Python environment, from the hash-pinned lock files ---------------------------------
$(VENV)/.base: requirements/base.txt | system-check
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	touch $@

$(VENV)/.dev: requirements/dev.txt $(VENV)/.base
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	touch $@

install: $(VENV)/.base
install-dev: $(VENV)/.dev

## --- Front-end assets: vendored into static files, nothing fetched at run time -----------
node_modules/.package-lock.json: package.json package-lock.json | system-check
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

$(VENDOR)/.built: node_modules/.package-lock.json Makefile
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/fonts
	cp $(FONTS)/noto-sans-{latin,latin-ext,cyrillic,cyrillic-ext}-{400,700}-normal.woff2 $(VENDOR)/fonts/
	cp node_modules/@fontsource/noto-sans/LICENSE $(VENDOR)/fonts/LICENSE-noto-sans.txt
	# H5P player: the built dist of h5p-standalone, pinned in package.json.
	mkdir -p $(VENDOR)/h5p-standalone
	cp -r node_modules/h5p-standalone/dist/. $(VENDOR)/h5p-standalone/
	cp node_modules/h5p-standalone/LICENSE $(VENDOR)/h5p-standalone/LICENSE.txt
	mkdir -p $(VENDOR)/axe  # axe-core: accessibility checks in the browser tests
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE $(VENDOR)/axe/
	touch $@

# Interface translations (kk, ru): compiled from locale/*/LC_MESSAGES/django.po, and
# djangojs.po for strings in scripts (the passkey library's, served by its jsi18n view).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po locale/*/LC_MESSAGES/djangojs.po))
locale/%.mo: locale/%.po
	msgfmt --check-format -o $@ $<

assets: $(VENDOR)/.built $(MO_FILES)

## --- Running -------------------------------------------------------------------------------
migrate: install assets
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py collectstatic --noinput --verbosity 0

seed: migrate
	$(PY) manage.py seed_demo
	$(PY) manage.py kiosk_demo

run: seed
	@echo "Starting the site on http://127.0.0.1:8000 and a Celery worker (Ctrl-C stops both)."
	$(BIN)/honcho --procfile Procfile.dev start

## --- Checking ------------------------------------------------------------------------------
# Type-checked: the modules that hold the rules and the writes (pyproject.toml [tool.mypy]).
MYPY_SCOPE = $(sort $(wildcard */services.py */services/*.py */selectors.py */selectors/*.py \
  */tasks.py */rendering.py lms/core/policy.py lms/core/append_only.py reports/breakdowns.py reports/activity.py reports/lapses.py \
  reports/durations.py reports/packs.py reports/items.py))

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/mypy $(MYPY_SCOPE)
	$(BIN)/djlint themes/templates --lint
	DJANGO_SETTINGS_MODULE=lms.settings.test $(PY) manage.py makemigrations --check --dry-run
	@for po in locale/*/LC_MESSAGES/django.po locale/*/LC_MESSAGES/djangojs.po; do \
	  left=$$(msgattrib --untranslated --no-obsolete "$$po"; msgattrib --only-fuzzy --no-obsolete "$$po"); \
	  [ -z "$$left" ] || { echo "$$po has untranslated or fuzzy messages"; exit 1; }; \
	done
	PY=$(CURDIR)/$(PY) .ci/messages-check

test-fast: install-dev assets system-deps-test
	@test -x /usr/bin/chromium || { echo "missing: Debian package chromium (browser tests; sudo make system-deps)"; exit 1; }
	$(BIN)/pytest

test-services: install-dev assets system-deps-test
	DATABASE_URL=$(SERVICES_DATABASE_URL) CELERY_BROKER_URL=$(SERVICES_BROKER_URL) \
	  QADAM_REQUIRE_SERVICES=1 $(BIN)/pytest -m services

test: lint test-fast test-services

## --- Maintenance ---------------------------------------------------------------------------
lock:
	$(PYTHON) -m venv var/lock-tools && var/lock-tools/bin/pip install --quiet uv
	var/lock-tools/bin/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 \
	  --python-platform x86_64-unknown-linux-gnu -o requirements/base.txt
	var/lock-tools/bin/uv pip compile pyproject.toml --group dev --generate-hashes \
	  --python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements/dev.txt
	var/lock-tools/bin/uv pip compile requirements/ralph.in --generate-hashes \
	  --python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements/ralph.txt
	var/lock-tools/bin/uv pip compile requirements/kolibri.in --generate-hashes \
	  --python-version 3.11 --python-platform x86_64-unknown-linux-gnu -o requirements/kolibri.txt
	npm install --package-lock-only --ignore-scripts

clean:
	rm -rf $(VENV) node_modules $(VENDOR) var/static var/test

## --- Production footing: the whole thing on PostgreSQL + Redis; benchmarks ----------------
# `make run-services` runs the production process layout (Procfile: gunicorn, a worker per
# queue, beat) against PostgreSQL and Redis on this machine. `make bench` measures it
# (bench/README.md); it is not part of `make test`.
RUN_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/qadam_run
RUN_BROKER_URL ?= redis://127.0.0.1:6379/1
RUN_PORT ?= 8000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/qadam_bench  # dropped and created again
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/13
BENCH_CACHE_URL ?= redis://127.0.0.1:6379/12
BENCH_PORT ?= 8090

.PHONY: run-services bench bench-deps createdb-run bench-training bench-reports

define createdb
	@url='$(1)'; db=$${url##*/}; admin=$${url%/*}/postgres; \
	psql "$$admin" -tAc "SELECT 1 FROM pg_database WHERE datname = '$$db'" | grep -q 1 \
	  || psql "$$admin" -qc "CREATE DATABASE \"$$db\""
endef

createdb-run:
	$(call createdb,$(RUN_DATABASE_URL))

run-services: install assets createdb-run
	DATABASE_URL=$(RUN_DATABASE_URL) CELERY_BROKER_URL=$(RUN_BROKER_URL) $(PY) manage.py migrate --noinput
	DATABASE_URL=$(RUN_DATABASE_URL) $(PY) manage.py collectstatic --noinput --verbosity 0
	DATABASE_URL=$(RUN_DATABASE_URL) CELERY_BROKER_URL=$(RUN_BROKER_URL) $(PY) manage.py seed_demo
	@echo "Starting gunicorn on http://127.0.0.1:$(RUN_PORT), a worker per queue and beat (Ctrl-C stops all)."
	PATH=$(CURDIR)/$(BIN):$$PATH DATABASE_URL=$(RUN_DATABASE_URL) CELERY_BROKER_URL=$(RUN_BROKER_URL) \
	  DJANGO_SETTINGS_MODULE=lms.settings.dev DEBUG=0 PORT=$(RUN_PORT) WEB_CONCURRENCY=3 \
	  $(BIN)/honcho --procfile Procfile start

bench: bench-deps install-dev assets
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) \
	  CACHE_URL=$(BENCH_CACHE_URL) BENCH_PORT=$(BENCH_PORT) $(PY) -m bench.run
	@if [ -n "$(BENCH_PEERS)" ]; then $(MAKE) --no-print-directory bench-peers; fi

# The peer, Kolibri, measured beside Qadam's matching rows in one run (`make bench-peers`, or
# `make bench BENCH_PEERS=1` after the rest; bench/README.md). Kolibri lives in a virtualenv
# of its own (var/kolibri-venv; it vendors its own Django), pinned with hashes like ours.
KOLIBRI_VENV := var/kolibri-venv
# Dropped and created again by each run.
KOLIBRI_BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/qadam_bench_kolibri
bench-peers: bench-deps install-dev assets kolibri-deps
	DATABASE_URL=$(BENCH_DATABASE_URL) CELERY_BROKER_URL=$(BENCH_BROKER_URL) \
	  CACHE_URL=$(BENCH_CACHE_URL) BENCH_PORT=$(BENCH_PORT) \
	  KOLIBRI_BENCH_DATABASE_URL=$(KOLIBRI_BENCH_DATABASE_URL) $(PY) -m bench.peers
kolibri-deps: $(KOLIBRI_VENV)/.installed
$(KOLIBRI_VENV)/.installed: requirements/kolibri.txt | system-check
	test -x $(KOLIBRI_VENV)/bin/python || $(PYTHON) -m venv $(KOLIBRI_VENV)
	$(KOLIBRI_VENV)/bin/pip install --quiet --require-hashes -r requirements/kolibri.txt
	touch $@
.PHONY: bench-peers kolibri-deps

# The mandatory-training engine at planning scale (20,000 staff, 100 facilities): once,
# bounded, on a database of its own (dropped and created again). bench/README.md.
BENCH_TRAINING_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/qadam_bench_training
bench-training: install-dev assets
	DATABASE_URL=$(BENCH_TRAINING_DATABASE_URL) $(PY) -m bench.training_bench

# The reports at national size on PostgreSQL, then at a pilot's size on SQLite (issue 17).
BENCH_REPORTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/qadam_bench_reports
BENCH_REPORTS_SQLITE_URL ?= sqlite:////tmp/qadam-bench-reports.sqlite3
bench-reports: install-dev assets
	DATABASE_URL=$(BENCH_REPORTS_DATABASE_URL) BENCH_REPORTS_SIZE=national $(PY) -m bench.reports_bench
	DATABASE_URL=$(BENCH_REPORTS_SQLITE_URL) BENCH_REPORTS_SIZE=pilot $(PY) -m bench.reports_bench

# wrk drives the web loads of `make bench`, nginx stands in front of gunicorn for the paced
# kiosks, as in production (Debian packages; not needed by `make test`).
bench-deps:
	@missing=$$(for p in wrk nginx-light; do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; fi

# The broker fault test starts a throwaway redis-server of its own (Debian package).
test-services: fault-test-deps
fault-test-deps:
	@command -v redis-server >/dev/null || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq redis-server >/dev/null; }

# The xAPI forwarding tests run Ralph, a real Learning Record Store, in a virtualenv of its
# own (its pins would clash with ours); requirements/ralph.txt is hash-pinned like ours.
RALPH_VENV := var/ralph-venv
test-services: lrs-test-deps
lrs-test-deps: $(RALPH_VENV)/.installed
$(RALPH_VENV)/.installed: requirements/ralph.txt | system-check
	test -x $(RALPH_VENV)/bin/python || $(PYTHON) -m venv $(RALPH_VENV)
	$(RALPH_VENV)/bin/pip install --quiet --require-hashes -r requirements/ralph.txt
	touch $@
.PHONY: fault-test-deps bench-deps lrs-test-deps
