#!/usr/bin/env bash
# Everything `make test` promises: lint, import rules, typing of the rules core, the rules
# suite with its coverage gate, then the whole suite on SQLite and on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export MOORING_ENV=test
export MOORING_TEST_DB_NAME="${MOORING_TEST_DB_NAME:-test_mooring_$$}"

echo "== lint (ruff)"
$BIN/ruff check src tests bench
echo "== import rules (import-linter)"
$BIN/lint-imports --no-cache
echo "== typing of the rules core (mypy --strict)"
$BIN/mypy src/mooring/rules

echo "== rules core (no database, 100% branch coverage)"
$BIN/python -m pytest tests/rules -p no:django -W ignore::pytest.PytestConfigWarning \
  --cov=mooring.rules --cov-branch \
  --cov-report=term-missing:skip-covered --cov-fail-under=100

# The end-to-end journeys drive Debian's Chromium; install it when we can.
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian's chromium for the end-to-end journeys"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "!! no /usr/bin/chromium: the end-to-end journeys will be skipped (CI=true fails instead)"
  fi
fi

echo "== whole suite on SQLite"
DATABASE_URL="sqlite:///:memory:" $BIN/python -m pytest --ignore=tests/rules "$@"

echo "== whole suite on PostgreSQL"
scripts/with-postgres.sh $BIN/python -m pytest --ignore=tests/rules "$@"
