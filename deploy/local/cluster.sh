#!/usr/bin/env bash
# A throw-away cluster on this machine: a PostgreSQL of its own (own data folder, 127.0.0.1) and N hosts (web + silo
# each) on free 127.0.0.1 ports, sharing one queue.
#
#   deploy/local/cluster.sh up [--nodes N] [--no-build]   starts them, waits until each is ready, and prints one line
#                                                          per host: node http://127.0.0.1:PORT PID
#   deploy/local/cluster.sh down                           stops them and removes the throw-away data
#   deploy/local/cluster.sh status                         the hosts' lines again, with whether each answers
#
# Logs: $QUEUE_CLUSTER_DIR/node-I/host.log (default folder /tmp/counterqueue-cluster). Sign in as admin with
# QUEUE_ADMIN_PASSWORD (default: a demonstration password, printed). QUEUE_CLUSTER_APP names a built
# CounterQueue.Web.dll to run instead of building src/Queue.Web in Release.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
dir="${QUEUE_CLUSTER_DIR:-/tmp/counterqueue-cluster}"
nodes_file="$dir/nodes.txt"
say() { echo "cluster: $*" >&2; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Ports below the kernel's own range for outgoing connections (32768 and up by default), so that no connection made
# between the check and the host's bind takes the port (seen once: "address already in use" while tests ran alongside).
ephemeral_low=32768
if [ -r /proc/sys/net/ipv4/ip_local_port_range ]; then read -r ephemeral_low _ < /proc/sys/net/ipv4/ip_local_port_range; fi
if [ "$ephemeral_low" -le 12000 ]; then port_low=40000 port_span=20000; else port_low=10000 port_span=$((ephemeral_low - 10000)); fi
free_port() {
  local p
  while :; do
    p=$(( (RANDOM * 32768 + RANDOM) % port_span + port_low ))
    if port_free "$p" && ! grep -qw "$p" "$dir/ports" 2>/dev/null; then echo "$p" >> "$dir/ports"; echo "$p"; return; fi
  done
}

ready() { curl -fs -o /dev/null --max-time 2 "$1/health/ready"; }

up() {
  local count=3 build=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) count="$2"; shift 2 ;;
      --no-build) build=0; shift ;;
      *) say "unknown option $1"; exit 2 ;;
    esac
  done
  [[ "$count" =~ ^[1-9][0-9]?$ ]] || { say "--nodes takes 1-99"; exit 2; }
  if [ -f "$nodes_file" ]; then say "already up (deploy/local/cluster.sh down first):"; cat "$nodes_file"; exit 1; fi
  mkdir -p "$dir"; : > "$dir/ports"

  local app="${QUEUE_CLUSTER_APP:-$root/src/Queue.Web/bin/Release/net10.0/CounterQueue.Web.dll}"
  if [ -z "${QUEUE_CLUSTER_APP:-}" ] && [ "$build" -eq 1 ]; then
    say "building src/Queue.Web (Release)"
    dotnet build "$root/src/Queue.Web" -c Release -nologo -v quiet >&2
  fi
  [ -f "$app" ] || { say "$app not found (build it, or drop --no-build)"; exit 1; }

  local pg_port; pg_port=$(free_port)
  local database
  database="$(QUEUE_TEST_PGDATA="$dir/postgres" QUEUE_TEST_PGPORT="$pg_port" bash "$root/deploy/test-postgres.sh" start)"
  echo "$database" > "$dir/postgres.txt"
  say "PostgreSQL on 127.0.0.1:$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$database") (data in $dir/postgres)"

  local key; key="$(head -c 32 /dev/urandom | base64)"   # the same signing key on every host
  local password="${QUEUE_ADMIN_PASSWORD:-cluster-demo-password}"
  [ -n "${QUEUE_ADMIN_PASSWORD:-}" ] || say "admin password: $password (set QUEUE_ADMIN_PASSWORD to choose)"
  : > "$dir/nodes.starting"
  for i in $(seq 1 "$count"); do
    local http silo node="$dir/node-$i"
    http=$(free_port); silo=$(free_port)
    mkdir -p "$node/data"
    (
      cd "$(dirname "$app")"
      export ASPNETCORE_ENVIRONMENT=Production Queue__PostgreSql="$database" Queue__Auth__SigningKey="$key" \
        Queue__AdvertisedAddress=127.0.0.1 Queue__SiloPort="$silo" Queue__DataDirectory="$node/data" QUEUE_ADMIN_PASSWORD="$password"
      exec setsid dotnet "$app" --urls "http://127.0.0.1:$http" > "$node/host.log" 2>&1 < /dev/null
    ) &
    echo "node http://127.0.0.1:$http $!" >> "$dir/nodes.starting"
  done
  mv "$dir/nodes.starting" "$nodes_file"

  local deadline=$((SECONDS + 180))
  while read -r _ url pid; do
    until ready "$url"; do
      if ! kill -0 "$pid" 2>/dev/null; then say "the host at $url (pid $pid) stopped; logs kept in $dir.failed"; rm -rf "$dir.failed"; cp -r "$dir" "$dir.failed"; tail -n 30 "$dir"/node-*/host.log >&2; down; exit 1; fi
      if [ $SECONDS -ge $deadline ]; then say "the host at $url is not ready after 3 minutes"; down; exit 1; fi
      sleep 0.5
    done
  done < "$nodes_file"
  cat "$nodes_file"
}

down() {
  if [ -f "$nodes_file" ]; then
    local pids; pids=$(awk '{print $3}' "$nodes_file")
    for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 60); do
      local alive=0
      for pid in $pids; do kill -0 "$pid" 2>/dev/null && alive=1; done
      [ $alive -eq 0 ] && break
      sleep 0.5
    done
    for pid in $pids; do kill -KILL "$pid" 2>/dev/null || true; done
  fi
  if [ -d "$dir/postgres" ]; then QUEUE_TEST_PGDATA="$dir/postgres" bash "$root/deploy/test-postgres.sh" stop; fi
  rm -rf "$dir"
}

status() {
  [ -f "$nodes_file" ] || { say "not up"; exit 1; }
  while read -r word url pid; do
    if ready "$url"; then echo "$word $url $pid ready"; else echo "$word $url $pid not-ready"; fi
  done < "$nodes_file"
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  status) status ;;
  *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
