# Two commands for a new user: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test install lint format demo bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install  ## migrate, build the demo if empty, print logins, serve http://127.0.0.1:8000
	$(BIN)/mooring run

test: install  ## lint, import rules, rules core, whole suite on SQLite and PostgreSQL
	scripts/test.sh

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

demo: install  ## rebuild the demo program from scratch
	$(BIN)/mooring demo --reset

bench: install  ## benchmarks on PostgreSQL; figures go to bench/results/
	scripts/with-postgres.sh $(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) var/*.sqlite3* var/media
