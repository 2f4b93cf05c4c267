# The doors a newcomer uses: `make demo`, `make test`, (later) `make bench`.
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install demo demo-sso test lint typecheck unit e2e chromium wrk bench bench-login

$(BIN)/python:
	python3 -m venv $(VENV) || ($(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv && python3 -m venv $(VENV))

$(VENV)/.installed: $(BIN)/python pyproject.toml uv.lock
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv sync --frozen --inexact
	touch $@

install: $(VENV)/.installed

# Playwright cannot download its own browser here; e2e drives Debian's Chromium.
chromium:
	@command -v chromium >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y chromium)

wrk:
	@command -v wrk >/dev/null || ($(SUDO) apt-get update && $(SUDO) apt-get install -y wrk)

# Needs PostgreSQL and Valkey (PORTAL_DATABASE_URL, PORTAL_VALKEY_URL; see README, "Benchmark").
# `make bench BENCH_ARGS=--quick` is a smoke run.
bench: install wrk
	$(BIN)/python -m portal.bench.run $(BENCH_ARGS)

# 20 parallel logins against the demo on a free port, printing /health's p50/p99 meanwhile;
# `make bench-login BENCH_ARGS="--source /tmp/main-copy"` runs another checkout's code.
bench-login: install
	$(BIN)/python -m portal.bench.login_burst $(BENCH_ARGS)

demo: install
	$(BIN)/portal demo

demo-sso: install
	$(BIN)/portal demo --sso

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

unit: install
	$(BIN)/pytest -q

e2e: install chromium
	$(BIN)/pytest -q e2e

test: lint typecheck unit e2e
