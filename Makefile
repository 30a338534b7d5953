# The two commands: `make run` (Codemill on the embedded default, UI included) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python 3.12: on PATH, or from pyenv (this repo pins it in .python-version).
PYTHON ?= $(shell command -v python3.12 2>/dev/null || ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3.12 2>/dev/null | tail -1)
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
PORT ?= 8080
HOST ?= 127.0.0.1
PYTEST_ARGS ?= -n 2 --dist loadfile
# The line-coverage gate on src/codemill (whole suite), reported per package by scripts/coverage_report.py.
COVERAGE_MIN ?= 85

.PHONY: help install run test check lint format typecheck layers pytest ui ui-test ui-check ui-lint ui-types ui-types-check ui-size bench lock clean deploy-tools plugins-cli chromium mariadb wrk api-coverage

help:
	@echo "make run    - install everything and run Codemill (embedded PostgreSQL + NATS, UI) on :$(PORT)"
	@echo "make test   - install everything and run the whole test suite (check + pytest + UI tests)"
	@echo "make check  - ruff, mypy, import layering"

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found: install it (pyenv install 3.12) or set PYTHON=/path/to/python3.12" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.synced: $(BIN)/python pyproject.toml uv.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check uv==0.13.9
	$(UV) sync --frozen --python $(BIN)/python
	@touch $@

install: $(VENV)/.synced

ui/node_modules/.installed: ui/package.json ui/package-lock.json
	cd ui && npm ci --no-audit --no-fund
	@touch $@

ui/dist/index.html: ui/node_modules/.installed $(shell find ui/src ui/index.html ui/vite.config.ts -type f 2>/dev/null)
	cd ui && npm run build

ui: $(if $(wildcard ui/package.json),ui/dist/index.html,)

run: install ui
	$(BIN)/codemill serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

format: install
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

typecheck: install
	$(BIN)/mypy

layers: install
	$(BIN)/lint-imports

check: lint typecheck layers ui-check

# The UI's API types, generated from Codemill's OpenAPI document (no server started): ui/src/api/schema.gen.ts.
UI_TYPES := ui/src/api/schema.gen.ts
OPENAPI_TMP := $(shell mktemp -u /tmp/codemill-openapi-XXXXXX)
ui-types: install ui/node_modules/.installed
	$(BIN)/python scripts/openapi_document.py $(OPENAPI_TMP).json
	cd ui && npx openapi-typescript $(OPENAPI_TMP).json -o src/api/schema.gen.ts >/dev/null
	rm -f $(OPENAPI_TMP).json

# Fails when the checked-in types differ from a fresh generation (run `make ui-types` and commit).
ui-types-check: install ui/node_modules/.installed
	$(BIN)/python scripts/openapi_document.py $(OPENAPI_TMP).json
	cd ui && npx openapi-typescript $(OPENAPI_TMP).json -o $(OPENAPI_TMP).ts >/dev/null
	@diff -u $(UI_TYPES) $(OPENAPI_TMP).ts >/dev/null || { diff -u $(UI_TYPES) $(OPENAPI_TMP).ts | head -40; \
		rm -f $(OPENAPI_TMP).json $(OPENAPI_TMP).ts; echo "$(UI_TYPES) is stale: run 'make ui-types' and commit it" >&2; exit 1; }
	@rm -f $(OPENAPI_TMP).json $(OPENAPI_TMP).ts

# ESLint (typescript-eslint, react-hooks) and Prettier on ui/.
ui-lint: ui/node_modules/.installed
	cd ui && npm run lint && npm run format:check

ui-check: $(if $(wildcard ui/package.json),ui-lint ui-types-check,)

# docs/api-coverage.md: CodeMie's /v1 routes against Codemill's OpenAPI (tests/api/test_route_coverage.py keeps it true).
api-coverage: install
	$(BIN)/python scripts/route_coverage.py

# The real codemie-plugins CLI, in its own venv as a user installs it (the plugin tests drive it).
PLUGINS_VENV := .venv-plugins
$(PLUGINS_VENV)/.installed:
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found" >&2; exit 1; }
	$(PYTHON) -m venv $(PLUGINS_VENV)
	$(PLUGINS_VENV)/bin/pip install -q --disable-pip-version-check codemie-plugins==0.2.0 'pydantic<2.12'
	@touch $@

plugins-cli: $(PLUGINS_VENV)/.installed

# checkov (the deploy tests) in its own virtualenv from pinned requirements: its pins conflict with the main lock.
deploy-tools: install
	$(BIN)/python -m tests.deploy.tools

# Debian packages: installed when missing (as root, with apt), else a clear message. Never `playwright
# install` for the browser tests: it downloads a browser. $(1) the program, $(2) the message, $(3) the
# package when its name differs from the program's.
define apt_need
	@PATH="$$PATH:/usr/sbin" command -v $(1) >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(or $(3),$(1)) >/dev/null; \
	else echo "$(2): install your distribution's '$(or $(3),$(1))' package." >&2; exit 1; fi; }
endef

chromium:
	$(call apt_need,chromium,The browser tests need Chromium)

# A real MariaDB server for the `sql` tool's MySQL tests (tests/toolkits/mariadb.py starts its own).
mariadb:
	$(call apt_need,mariadbd,The SQL tool tests need MariaDB,mariadb-server)

# wrk drives the API benchmark (bench/api_user.py).
wrk:
	$(call apt_need,wrk,The API benchmark needs wrk)

# Each run gets its own temporary root: pytest's shared /tmp/pytest-of-<user> keeps only the last three runs'
# directories, so a second run on the machine (another checkout) would delete this run's databases mid-run.
pytest: install ui plugins-cli deploy-tools chromium mariadb
	rm -f .coverage .coverage.*
	basetemp=$$(mktemp -d /tmp/codemill-tests-XXXXXX) && \
	  COVERAGE_CORE=sysmon $(BIN)/pytest $(PYTEST_ARGS) --basetemp=$$basetemp --cov=codemill --cov-report=; \
	  status=$$?; rm -rf $$basetemp; exit $$status
	$(BIN)/python scripts/coverage_report.py --fail-under $(COVERAGE_MIN)

ui-test: $(if $(wildcard ui/package.json),ui/node_modules/.installed,)
	$(if $(wildcard ui/package.json),cd ui && npm test,@true)

# The built bundle stays within its size budget (ui/scripts/check-size.mjs).
ui-size: ui
	$(if $(wildcard ui/package.json),cd ui && npm run size,@true)

test: check ui-test ui-size pytest

bench: install ui chromium wrk
	$(BIN)/python -m bench $(BENCH)

lock: $(BIN)/python
	$(BIN)/python -m pip install -q uv==0.13.9
	$(UV) lock --python $(BIN)/python

clean:
	rm -rf $(VENV) ui/node_modules ui/dist .mypy_cache .ruff_cache .pytest_cache
