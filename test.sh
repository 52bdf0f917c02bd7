#!/usr/bin/env bash
# Runs every CounterQueue test (unit, grain, storage contract, API, restart, hub, browser) and prints the totals.
# Usage: ./test.sh [extra dotnet test arguments]
set -uo pipefail
cd "$(dirname "$0")"

bash deploy/install-test-deps.sh

# Cluster mode's tests need a PostgreSQL. They get it from Testcontainers through podman's Docker API (set up here:
# installed, configured and the image built from Debian packages once, then cached). With Docker instead, skip this
# step by setting DOCKER_HOST yourself. Where podman cannot run, a throw-away server in its own folder, said loudly.
cleanup() {
  if command -v podman >/dev/null 2>&1; then
    podman ps -aq --filter label=counterqueue.tests=true | xargs -r podman rm -f >/dev/null 2>&1 || true
  fi
  if [ -n "${QUEUE_TEST_POSTGRES:-}" ]; then bash deploy/test-postgres.sh stop; fi
}
trap cleanup EXIT
if [ -z "${DOCKER_HOST:-}" ]; then
  if podman_env="$(bash deploy/podman/setup.sh)"; then
    eval "$podman_env"
    echo "PostgreSQL for the tests: Testcontainers through podman ($QUEUE_POSTGRES_IMAGE at $DOCKER_HOST)"
  else
    echo "!!! podman cannot run here: the PostgreSQL tests fall back to a throw-away server (deploy/test-postgres.sh) !!!" >&2
    if QUEUE_TEST_POSTGRES="$(bash deploy/test-postgres.sh start)"; then
      export QUEUE_TEST_POSTGRES
    else
      echo "Could not start the test PostgreSQL either; the cluster-mode tests will fail." >&2
    fi
  fi
fi

results="TestResults"
rm -rf "$results"
# Screenshots, axe reports and the printed ticket from the browser tests land here, next to the TRX files.
export QUEUE_TEST_ARTIFACTS="$PWD/$results/screenshots"
# Every app the tests start logs to a file here; after the suite, tests/Queue.LogScan reads them all for personal data.
export QUEUE_TEST_LOGS="$PWD/$results/logs"
dotnet build CounterQueue.sln -c Release -nologo -v quiet -warnaserror || exit 1
dotnet build tests/Queue.LogScan -c Release -nologo -v quiet -warnaserror || exit 1
dotnet build tests/Queue.Deploy.Tests -c Release -nologo -v quiet -warnaserror || exit 1
dotnet test CounterQueue.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" --results-directory "$results" \
  --blame-hang-timeout 10m "$@"
status=$?
# The whole suite's logs, scanned for personal data (a filtered run, with arguments, leaves too few logs to judge).
if [ "$#" -eq 0 ]; then
  dotnet test tests/Queue.LogScan -c Release --no-build -nologo \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results"
  scan=$?
  if [ "$scan" -ne 0 ]; then status=$scan; fi
  # The deployment files proved (after the suite: it publishes the app again): the compose file under podman brings up
  # PostgreSQL, three hosts and the proxy, and one queue works across them; the Kubernetes manifests are checked.
  dotnet test tests/Queue.Deploy.Tests -c Release --no-build -nologo \
    --logger "trx" --logger "console;verbosity=normal" --results-directory "$results"
  deploy=$?
  if [ "$deploy" -ne 0 ]; then status=$deploy; fi
fi

if [ -f "$QUEUE_TEST_LOGS/postgres-route.txt" ]; then cat "$QUEUE_TEST_LOGS/postgres-route.txt"; fi

# Totals from the TRX files, alone on the last line: "N passed, N failed".
passed=0; failed=0; found=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  found=1
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
if [ "$found" -eq 0 ]; then
  echo "No test results were written."
  echo "0 passed, 1 failed"
  exit 1
fi
echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ]; then exit 1; fi
