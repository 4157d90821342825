# zhuxin: `make run` serves the demo on http://127.0.0.1:5000, `make test` runs every test.
VENV      := .venv
PY        := $(VENV)/bin/python
FLASK     := $(VENV)/bin/flask --app web
PG_URL    ?= postgresql://postgres@127.0.0.1:5432/test
BANK_PORT ?= 8090
# Test processes per pass (pytest-xdist): each has its own SQLite files, mock-bank ports and,
# on PostgreSQL, its own schema; at most 4.  `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= auto
PYTEST    := $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --maxprocesses=4
export ZHUXIN_BANK_URL ?= http://127.0.0.1:$(BANK_PORT)
# `make run ZHUXIN_PLATFORM=1`: uploads to the national platform's simulator (tools/platform_sim.py).
ZHUXIN_PLATFORM ?= 0
PLATFORM_PORT   ?= 8091
ifeq ($(ZHUXIN_PLATFORM),1)
export ZHUXIN_PLATFORM_URL    ?= http://127.0.0.1:$(PLATFORM_PORT)/api
export ZHUXIN_PLATFORM_APPID  ?= zhuxin-demo
export ZHUXIN_PLATFORM_SECRET ?= zhuxin-demo-platform-secret
endif

.PHONY: run test deps system-run system-test vendor translations migrate demo keys lint bench bank platform \
        test-sqlite test-postgres test-clock postgres typecheck

run: system-run deps migrate keys bank platform demo
	@echo "筑薪 on http://127.0.0.1:5000  (Ctrl-C stops)"
	ZHUXIN_SECURE_COOKIES=0 $(FLASK) zhuxin serve --host 127.0.0.1 --port 5000

test: system-test deps postgres lint test-sqlite test-postgres test-clock

system-run:
	@tools/ensure_system.sh run

system-test:
	@tools/ensure_system.sh test

deps: $(VENV)/.installed node_modules/.installed vendor translations

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $@

vendor: node_modules/.installed
	@$(PY) tools/copy_vendor.py

translations: $(VENV)/.installed
	@$(VENV)/bin/pybabel compile -d web/translations 2>&1 | grep -v "^compiling" || true

migrate: deps keys
	$(FLASK) db upgrade
	$(FLASK) engine deploy --by setup

keys: deps
	$(FLASK) zhuxin keys

demo: migrate keys
	$(FLASK) zhuxin demo
	$(FLASK) zhuxin payroll-demo

# The bank counterparty (PyPI mock-bank) in the background, unless something answers already.
bank: deps
	@$(PY) -c "import urllib.request as u; u.urlopen('$(ZHUXIN_BANK_URL)/_mock/health', timeout=1)" 2>/dev/null \
	  || { nohup $(VENV)/bin/mock-bank --port $(BANK_PORT) -q > instance/mock-bank.log 2>&1 & sleep 1; \
	       echo "mock-bank on $(ZHUXIN_BANK_URL) (log: instance/mock-bank.log)"; }

# The national platform's simulator in the background (only with ZHUXIN_PLATFORM=1).
platform: deps
	@[ "$(ZHUXIN_PLATFORM)" != 1 ] || $(PY) -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$(PLATFORM_PORT)/_sim/health', timeout=1)" 2>/dev/null \
	  || { nohup $(PY) tools/platform_sim.py --port $(PLATFORM_PORT) --appid "$$ZHUXIN_PLATFORM_APPID" \
	         --secret "$$ZHUXIN_PLATFORM_SECRET" > instance/platform-sim.log 2>&1 & sleep 1; \
	       echo "platform simulator on $$ZHUXIN_PLATFORM_URL (log: instance/platform-sim.log)"; }

postgres:
	@tools/ensure_postgres.sh

lint: deps typecheck
	$(VENV)/bin/ruff check .

# Static types of domain/, engine/, connectors/ ([tool.mypy] in pyproject.toml).
typecheck: deps
	$(VENV)/bin/mypy

# Unit, web, BPMN and browser tests on a fresh SQLite file per test.
test-sqlite: deps
	$(PYTEST) -m "not postgres" --durations=15

# The database-backed tests again on PostgreSQL, plus the locking and concurrency tests.
test-postgres: deps postgres
	TEST_DATABASE_URL=$(PG_URL) $(PYTEST) -m "not e2e" --durations=15 tests/integration tests/web tests/bpmn

# The integration tests again with the clock of every process (the app's, mock-bank's) moved by
# libfaketime: a test must not depend on the weekday, the hour or the month it runs in.
CLOCKS ?= 2026-12-31T17:30:00 2027-01-02T10:00:00
test-clock: system-test deps
	@for moment in $(CLOCKS); do echo "clock at $$moment (UTC)"; \
	  faketime -f "@$$(echo $$moment | tr T ' ')" $(PYTEST) -m "not postgres" tests/integration \
	    || exit 1; done

bench: deps postgres
	@tools/ensure_system.sh bench
	TEST_DATABASE_URL=$(PG_URL) $(PY) -m bench
