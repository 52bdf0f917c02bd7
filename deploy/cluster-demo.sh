#!/usr/bin/env bash
# Cluster mode on one machine, to try it: a throw-away PostgreSQL and two hosts (web + silo each) sharing one
# queue, on free 127.0.0.1 ports (printed). Ctrl-C stops everything. A thin use of deploy/local/cluster.sh.
# Usage: QUEUE_ADMIN_PASSWORD=change-me deploy/cluster-demo.sh [--nodes N]
set -euo pipefail
cd "$(dirname "$0")/.."
: "${QUEUE_ADMIN_PASSWORD:?set QUEUE_ADMIN_PASSWORD to create the admin account}"
export QUEUE_CLUSTER_DIR=/tmp/counterqueue-cluster-demo
trap 'deploy/local/cluster.sh down' EXIT INT TERM
deploy/local/cluster.sh up --nodes 2 "$@"
echo "Open any of the addresses above; Ctrl-C stops the cluster."
while :; do sleep 3600; done
