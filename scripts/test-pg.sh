#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite (never for real data:
# fsync is off). Usage:
#   scripts/test-pg.sh start DIR   -> prints the libpq conninfo on stdout
#   scripts/test-pg.sh stop DIR
# initdb refuses to run as root, so as root the cluster runs as `postgres`.
set -euo pipefail
cmd=${1:?start|stop}; base=$(realpath -m "${2:?DIR}")
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    mkdir -p "$(dirname "$base")"
    if [ "$(id -u)" -eq 0 ]; then
      install -d -o postgres -g postgres -m 0755 "$base" "$base/sock"
    else
      install -d -m 0755 "$base" "$base/sock"
    fi
    if [ ! -f "$base/data/PG_VERSION" ]; then
      as_owner "$PGBIN/initdb" -D "$base/data" -U postgres -A trust -E UTF8 \
        --locale=C.UTF-8 --no-sync >"$base/initdb.log" 2>&1
    fi
    as_owner "$PGBIN/pg_ctl" -D "$base/data" -l "$base/server.log" -w \
      -o "-c listen_addresses='' -c unix_socket_directories='$base/sock' \
          -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
          -c max_connections=200" start >"$base/pg_ctl.log" 2>&1 || {
        cat "$base/pg_ctl.log" "$base/server.log" >&2; exit 1; }
    echo "host=$base/sock user=postgres dbname=postgres"
    ;;
  stop)
    [ -f "$base/data/postmaster.pid" ] || exit 0
    as_owner "$PGBIN/pg_ctl" -D "$base/data" -m immediate -w stop >/dev/null 2>&1 || true
    ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac
