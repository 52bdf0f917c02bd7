#!/usr/bin/env bash
# Cluster mode on one machine, to try it: a throw-away PostgreSQL and two hosts (web + silo each)
# on http://127.0.0.1:5080 and :5081 sharing one queue. Ctrl-C stops everything.
# Usage: QUEUE_ADMIN_PASSWORD=change-me deploy/cluster-demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
: "${QUEUE_ADMIN_PASSWORD:?set QUEUE_ADMIN_PASSWORD to create the admin account}"
dotnet build src/Queue.Web -c Release -nologo -v quiet
export Queue__PostgreSql="$(QUEUE_TEST_PGDATA=/tmp/counterqueue-cluster-demo-pg QUEUE_TEST_PGPORT=55433 bash deploy/test-postgres.sh start)"
export Queue__Auth__SigningKey="$(head -c 32 /dev/urandom | base64)"   # the same key on every host
export QUEUE_ADMIN_PASSWORD ASPNETCORE_ENVIRONMENT=Production
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait; QUEUE_TEST_PGDATA=/tmp/counterqueue-cluster-demo-pg bash deploy/test-postgres.sh stop; }
trap cleanup EXIT INT TERM
root="$PWD"
for n in 0 1; do
  (cd src/Queue.Web/bin/Release/net10.0 && Queue__DataDirectory="$root/data/cluster-$n" Queue__SiloPort=$((11111 + n)) \
    exec dotnet CounterQueue.Web.dll --urls "http://127.0.0.1:$((5080 + n))") &
  pids+=($!)
done
wait
