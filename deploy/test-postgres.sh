#!/usr/bin/env bash
# A throw-away PostgreSQL 15 (Debian's, preinstalled) for the tests of cluster mode: its own data folder,
# on 127.0.0.1 only. Usage: deploy/test-postgres.sh start|stop. "start" prints the connection string.
# The tests use it only where no Docker-compatible engine can run (they take Testcontainers through podman otherwise);
# deploy/local/cluster.sh uses it for its throw-away database.
set -euo pipefail
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
PGDATA_DIR="${QUEUE_TEST_PGDATA:-/tmp/counterqueue-test-pg}"
PORT="${QUEUE_TEST_PGPORT:-55432}"
PORT_FILE="$PGDATA_DIR.port"
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
      PORT="$(cat "$PORT_FILE" 2>/dev/null || echo "$PORT")"
    else
      # The port may be held by something else (another run's server, another service): take the next free one.
      for _ in $(seq 1 20); do
        (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null || break
        PORT=$((PORT + 1))
      done
      echo "$PORT" > "$PORT_FILE"
      rm -rf "$PGDATA_DIR"; mkdir -p "$PGDATA_DIR"
      [ "$(id -u)" -eq 0 ] && chown postgres "$PGDATA_DIR"
      as_owner "$PG_BIN/initdb" -D "$PGDATA_DIR" -A trust -U postgres --no-sync >/dev/null
      if ! as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PGDATA_DIR/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $PORT -k $PGDATA_DIR -c max_connections=200" start >/dev/null; then
        echo "PostgreSQL did not start on 127.0.0.1:$PORT; its log:" >&2
        cat "$PGDATA_DIR/server.log" >&2 || true
        exit 1
      fi
      "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE ROLE counterqueue LOGIN SUPERUSER PASSWORD '$PASSWORD'" >/dev/null
      "$PG_BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -q -c "CREATE DATABASE counterqueue OWNER counterqueue" >/dev/null
    fi
    echo "Host=127.0.0.1;Port=$PORT;Database=counterqueue;Username=counterqueue;Password=$PASSWORD"
    ;;
  stop)
    if [ -d "$PGDATA_DIR" ]; then
      as_owner "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null 2>&1 \
        || { [ -f "$PGDATA_DIR/postmaster.pid" ] && kill -9 "$(head -1 "$PGDATA_DIR/postmaster.pid")" 2>/dev/null; } || true
    fi
    rm -rf "$PGDATA_DIR" "$PORT_FILE"
    ;;
esac
