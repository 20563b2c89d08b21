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

# The end-to-end journeys drive Debian's Chromium, and take-home labels print names in
# DejaVu Sans; install them when we can.
missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
[[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]] || missing+=(fonts-dejavu-core)
if (( ${#missing[@]} )); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing Debian's ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "!! missing ${missing[*]}: the end-to-end journeys (CI=true fails instead) or the"
    echo "!! label test with a non-Latin-1 name will be skipped"
  fi
fi

echo "== whole suite on SQLite"
DATABASE_URL="sqlite:///:memory:" $BIN/python -m pytest --ignore=tests/rules "$@"

echo "== whole suite on PostgreSQL"
scripts/with-postgres.sh $BIN/python -m pytest --ignore=tests/rules "$@"
