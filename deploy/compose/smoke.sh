#!/usr/bin/env bash
# Proves the compose file runs: builds the images (deploy/container/build-images.sh), brings up PostgreSQL, three
# hosts and the proxy under podman-compose, opens a counter through host 1, takes a ticket through host 2, calls it
# through host 3, reads it back and opens the lobby's WebSocket through the proxy, then tears everything down
# (containers, network, volume). Prints "compose smoke: passed" and exits 0, or says what failed.
set -euo pipefail
cd "$(dirname "$0")"
say() { echo "compose smoke: $*" >&2; }
fail() {
  say "FAILED: $*"
  for c in $(podman ps -a --filter label=io.podman.compose.project=counterqueue --format '{{.Names}}'); do
    echo "--- $c ($(podman inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$c"))" >&2
    podman logs --tail 25 "$c" >&2 2>&1 || true
  done
  exit 1
}

if ! command -v podman-compose >/dev/null 2>&1; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman-compose >&2
fi
bash ../container/build-images.sh >/dev/null

export COUNTERQUEUE_ADMIN_PASSWORD="compose-smoke-$RANDOM$RANDOM"
export COUNTERQUEUE_SIGNING_KEY="$(head -c 32 /dev/urandom | base64)"
export COUNTERQUEUE_PORT="${COUNTERQUEUE_PORT:-18080}"
compose() { podman-compose -p counterqueue -f compose.yaml "$@"; }
trap 'compose down -v >/dev/null 2>&1 || true' EXIT
compose down -v >/dev/null 2>&1 || true
compose up -d >&2

proxy="http://127.0.0.1:$COUNTERQUEUE_PORT"
hosts=(http://127.0.0.1:18081 http://127.0.0.1:18082 http://127.0.0.1:18083)
deadline=$((SECONDS + 240))
for url in "${hosts[@]}" "$proxy"; do
  until curl -fs -o /dev/null --max-time 3 "$url/health/ready"; do
    [ $SECONDS -lt $deadline ] || fail "$url is not ready after 4 minutes"
    sleep 2
  done
done
say "PostgreSQL, three hosts and the proxy are up"

json() { python3 -c "import sys, json; print(json.load(sys.stdin)$1)"; }
token=$(curl -fs "${hosts[0]}/api/auth/token" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$COUNTERQUEUE_ADMIN_PASSWORD\"}" | json "['accessToken']") || fail "sign-in at host 1"
curl -fs -o /dev/null -X POST "${hosts[0]}/api/offices/kawasaki/counters/c1/open" -H "Authorization: Bearer $token" \
  -H 'Content-Type: application/json' -d '{"serviceIds":["residence-certificate"]}' || fail "open counter c1 at host 1"
ticket=$(curl -fs "${hosts[1]}/api/offices/kawasaki/tickets" -H 'Content-Type: application/json' \
  -d '{"serviceId":"residence-certificate"}') || fail "take a ticket at host 2"
id=$(json "['ticketId']" <<<"$ticket"); number=$(json "['number']" <<<"$ticket")
called=$(curl -fs -X POST "${hosts[2]}/api/offices/kawasaki/counters/c1/call-next" -H "Authorization: Bearer $token" \
  | json "['ticket']['number']") || fail "call-next at host 3"
[ "$called" = "$number" ] || fail "host 3 called $called, not $number"
status=$(curl -fs "$proxy/api/tickets/$id" | json "['status']") || fail "read the ticket through the proxy"
[ "$status" = "called" ] || fail "the ticket is $status through the proxy, not called"
upgrade=$(curl -s -i -N --http1.1 --max-time 3 "$proxy/hubs/lobby" -H 'Connection: Upgrade' -H 'Upgrade: websocket' \
  -H 'Sec-WebSocket-Version: 13' -H 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==' | head -1 || true)
[[ "$upgrade" == *" 101 "* ]] || fail "the proxy did not upgrade the lobby hub to a WebSocket ($upgrade)"
say "ticket $number taken at host 2 was called at host 3, read through the proxy; the lobby hub upgraded through it"
compose down -v >&2
trap - EXIT
say "passed"
