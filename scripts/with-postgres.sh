#!/usr/bin/env bash
# Run a command with DATABASE_URL pointing at a real PostgreSQL:
#   1. DATABASE_URL if it is already a postgres:// URL;
#   2. else a server answering on 127.0.0.1:5432;
#   3. else a throwaway cluster made with the installed initdb/pg_ctl, removed afterwards.
# With CI=true a PostgreSQL that cannot be had is a failure, never a skip.
set -euo pipefail

fail() { echo "with-postgres: $*" >&2; exit 1; }

if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  exec "$@"
fi

if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432 -t 2; then
  user="${PGUSER:-postgres}"
  export DATABASE_URL="postgres://${user}@127.0.0.1:5432/mooring"
  echo "with-postgres: using the server on 127.0.0.1:5432 as ${user}"
  exec "$@"
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z "$pg_bin" || ! -x "$pg_bin/initdb" ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "with-postgres: no PostgreSQL found; installing Debian's postgresql package"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
      || fail "could not install PostgreSQL"
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  else
    fail "no PostgreSQL reachable and no initdb installed (install Debian's postgresql package)"
  fi
fi

workdir=$(mktemp -d /tmp/mooring-pg.XXXXXX)
port=$(( 55000 + RANDOM % 5000 ))
run_as=()
if [[ $(id -u) -eq 0 ]]; then
  # initdb refuses to run as root; the cluster belongs to the postgres system user.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$workdir"
  run_as=(runuser -u postgres --)
fi
cleanup() {
  "${run_as[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT

echo "with-postgres: starting a throwaway cluster on port $port"
"${run_as[@]}" "$pg_bin/initdb" -D "$workdir/data" -U postgres -A trust --no-sync >/dev/null \
  || fail "initdb failed"
"${run_as[@]}" "$pg_bin/pg_ctl" -D "$workdir/data" -l "$workdir/log" -w \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null \
  || { cat "$workdir/log" >&2; fail "the throwaway cluster did not start"; }
export DATABASE_URL="postgres://postgres@127.0.0.1:${port}/mooring"
"$@"
