# The doors a newcomer uses: `make demo`, `make test`, (later) `make bench`.
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install demo demo-sso samples test lint typecheck unit dated test-dates e2e chromium wrk bench bench-login

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
	$(BIN)/portal demo --erp-sim

demo-sso: install
	$(BIN)/portal demo --sso

# The sample ERP exports (portal/integration/samples) loaded by `portal import` into an empty
# database of their own under var/samples/ (mail too), then served on PORT (8000) without the demo
# data. See the README, "Try it with the sample ERP files".
SAMPLES := portal/integration/samples
samples: export PORTAL_VAR_DIR := var/samples
samples: install
	rm -rf var/samples
	$(BIN)/portal migrate
	while read -r resource file; do \
	  $(BIN)/portal import "$$resource" "$(SAMPLES)/$$file" --mapping "$(SAMPLES)/$$resource.toml" || exit 1; \
	done < $(SAMPLES)/load-order.txt
	$(BIN)/uvicorn portal.asgi:app --host 127.0.0.1 --port $${PORT:-8000}

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# Two workers (CI has two cores); a file's tests stay on one worker, so a module's costly
# fixture (a seeded demo) is built once.
PARALLEL := -n 2 --dist loadfile

unit: install
	$(BIN)/pytest -q $(PARALLEL)

# Moments the tests must pass at as well as now (`pytest --clock-at`, tests/clock_travel.py): a
# month's last evening, New Year's first half hour in Warsaw (UTC still on 31 December), the
# night the clocks go forward (the jump at 02:00 comes five minutes into the run), a year ahead.
CLOCK_MOMENTS := 2027-02-28T23:30:00+01:00 2027-01-01T00:30:00+01:00 2027-03-28T01:55:00+01:00 \
	$(shell date -u -d '+1 year' +%Y-%m-%dT%H:%M:%S+00:00)
# The tests whose answers hang on the day; `make test` runs them at every moment above.
DATE_SENSITIVE := tests/test_demo_story.py tests/ordering/test_recurring.py tests/ordering/test_checkout.py \
	tests/aftersales/test_complaints.py tests/aftersales/test_shipments.py tests/aftersales/test_delivery_pages.py \
	tests/finance/test_balances.py tests/finance/test_invoices.py tests/finance/test_statement.py \
	tests/approvals tests/pricing/test_resolver.py

dated: install
	@for moment in $(CLOCK_MOMENTS); do \
		echo "== the date-sensitive tests with the clock at $$moment"; \
		$(BIN)/pytest -q $(PARALLEL) --clock-at=$$moment $(DATE_SENSITIVE) || exit 1; \
	done

# The whole unit suite at each moment: four times `make unit`, so not part of `make test`.
test-dates: install
	@for moment in $(CLOCK_MOMENTS); do \
		echo "== the unit suite with the clock at $$moment"; \
		$(BIN)/pytest -q --clock-at=$$moment || exit 1; \
	done

e2e: install chromium
	$(BIN)/pytest -q e2e

test: lint typecheck unit dated e2e
