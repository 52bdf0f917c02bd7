#!/usr/bin/env bash
# A throw-away PostgreSQL 15 (Debian's, preinstalled) for the tests of cluster mode: its own data folder,
# on 127.0.0.1 only. Usage: deploy/test-postgres.sh start|stop. "start" prints the connection string.
# (On a machine with a Docker engine the tests could use Testcontainers instead; these machines have none.)
set -euo pipefail
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
PGDATA_DIR="${QUEUE_TEST_PGDATA:-/tmp/counterqueue-test-pg}"
PORT="${QUEUE_TEST_PGPORT:-55432}"
PASSWORD="counterqueue-test"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
      echo "PostgreSQL server binaries not found (apt-get install postgresql)." >&2; exit 1
    fi
    if [ -f "$PGDATA_DIR/postmaster.pid" ] && as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
      :
    else
      rm -rf "$PGDATA_DIR"; mkdir -p "$PGDATA_DIR"
      [ "$(id -u)" -eq 0 ] && chown postgres "$PGDATA_DIR"
      as_owner "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres --no-sync >/dev/null
      as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDATA_DIR -c max_connections=200" start >/dev/null
      "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE ROLE counterqueue LOGIN SUPERUSER PASSWORD '$PASSWORD'" >/dev/null
      "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE DATABASE counterqueue OWNER counterqueue" >/dev/null
    fi
    echo "Host=127.0.0.1;Port=$PORT;Database=counterqueue;Username=counterqueue;Password=$PASSWORD"
    ;;
  stop)
    [ -d "$PGDATA_DIR" ] && as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast stop >/dev/null 2>&1 || true
    rm -rf "$PGDATA_DIR"
    ;;
esac
