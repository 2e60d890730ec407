# Workbench: `make run` serves the demo, `make test` runs the whole suite on PostgreSQL and SQLite.

# The first Python >= 3.12 on the PATH (pyenv shims resolve through .python-version).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-postgres test-sqlite lint format install browser-deps bench clean

install: $(BIN)/.installed node_modules/.installed

# axe-core for the accessibility tests, from the npm registry at the version package-lock.json
# pins, as pip installs the Python packages. Skipped without npm (those tests then skip too,
# unless REQUIRE_BROWSER=1).
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm is missing: the accessibility tests will be skipped." >&2; fi

$(BIN)/.installed: pyproject.toml
	@if [ -z "$(PYTHON)" ]; then echo "Workbench needs Python 3.12 or newer and none was found." >&2; exit 1; fi
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	@touch $@

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py demo
	@echo
	@echo "Workbench is at http://127.0.0.1:8000/ — log in as translator, editor or manager,"
	@echo "password workbench-demo (the outsider account sees no documents)."
	@echo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Browser tests need Chromium and a Korean font; install them when we can (as root with apt).
browser-deps:
	@scripts/browser-deps

# PostgreSQL first (TEST_DATABASE_URL, DATABASE_URL, a local server, or a throwaway cluster),
# then SQLite. REQUIRE_POSTGRES=1 turns a missing PostgreSQL into a failure instead of a skip.
test: install browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	@scripts/test-postgres $(BIN)/pytest $(PYTEST_ARGS)
	@echo "== SQLite =="
	DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)
	@echo "== The suite passed on PostgreSQL and on SQLite. =="

# The load benchmark (bench/run.py): its own PostgreSQL database, gunicorn, wrk. BENCH_SCALE=S
# (default) or L, BENCH_SECONDS per figure (10), BENCH_PROFILE=1 for py-spy profiles,
# BENCH_DATABASE_SERVER (postgres://postgres@127.0.0.1:5432/postgres).
bench: install
	@scripts/bench-deps
	$(BIN)/python bench/run.py

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) node_modules .pytest_cache .ruff_cache .hypothesis staticfiles
