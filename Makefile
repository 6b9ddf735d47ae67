# The two commands of the README are `make run` and `make test`; the rest are their parts.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app server
HOST ?= 127.0.0.1
PORT ?= 5000
export HOST PORT

.PHONY: run serve test test-fast test-eventlet test-client lint fmt typecheck bench client client-operations system-deps constraints clean

## run: install, build the client, migrate, seed the demo once, serve on http://$(HOST):$(PORT)
run: $(VENV)/.runtime client
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	$(PY) -m server.wsgi

## test: install what is missing (PostgreSQL, Redis, Chromium as root), lint, run every test
test: $(VENV)/.dev client
	@tools/install-system-deps.sh --best-effort
	$(MAKE) lint
	$(MAKE) test-client
	$(VENV)/bin/pytest
	$(MAKE) test-eventlet

## test-eventlet: the realtime tests against server processes again, under eventlet
REALTIME_LIVE_TESTS := tests/system/test_scale_out.py tests/system/test_socket_limits.py \
	tests/e2e/test_sync.py
test-eventlet: $(VENV)/.dev
	LIVE_ASYNC_MODE=eventlet $(VENV)/bin/pytest -p no:cacheprovider $(REALTIME_LIVE_TESTS)

## test-fast: the tests without real browsers and server processes
test-fast: $(VENV)/.dev
	$(VENV)/bin/pytest -m "not browser and not slow"

## test-client: the web client's unit tests (Vitest: the sync library, translations, formats)
test-client:
	cd client_web && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm test

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check server tests bench kiosk migrations deploy tools
	$(VENV)/bin/ruff format --check server tests bench kiosk migrations deploy tools
	$(VENV)/bin/mypy

fmt: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix server tests bench kiosk migrations deploy tools
	$(VENV)/bin/ruff format server tests bench kiosk migrations deploy tools

## bench: every benchmark; writes bench/results/latest.json and latest.md
bench: $(VENV)/.dev client
	@tools/install-system-deps.sh --best-effort
	$(PY) -m bench

$(VENV)/.created:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	touch $@

$(VENV)/.runtime: $(VENV)/.created requirements.txt constraints.txt
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(VENV)/bin/pip install --quiet -r requirements-dev.txt
	touch $@

## client: install the web client's npm packages (from the lock file) and build it
client:
	@if [ -f client_web/package.json ]; then \
		cd client_web && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build; \
	fi

## client-operations: regenerate client_web/src/lib/operations.js from the server's OpenAPI document
client-operations: $(VENV)/.runtime
	$(PY) -m tools.client_operations

system-deps:
	tools/install-system-deps.sh

constraints: $(VENV)/.dev
	{ echo "# Every transitive version, pinned (pip freeze of requirements-dev.txt). Regenerate: make constraints"; \
	  $(VENV)/bin/pip freeze | grep -v '^-e'; } > constraints.txt

clean:
	rm -rf $(VENV) client_web/node_modules client_web/dist
