#!/usr/bin/env bash
# Runs every CounterQueue test (unit, grain, storage contract, API, restart, hub, browser) and prints the totals.
# Usage: ./test.sh [extra dotnet test arguments]
set -uo pipefail
cd "$(dirname "$0")"

bash deploy/install-test-deps.sh

# Cluster mode's tests need a PostgreSQL: a throw-away one in its own folder, stopped at the end.
if QUEUE_TEST_POSTGRES="$(bash deploy/test-postgres.sh start)"; then
  export QUEUE_TEST_POSTGRES
  trap 'bash deploy/test-postgres.sh stop' EXIT
else
  echo "Could not start the test PostgreSQL; the cluster-mode tests will fail." >&2
fi

results="TestResults"
rm -rf "$results"
# Screenshots, axe reports and the printed ticket from the browser tests land here, next to the TRX files.
export QUEUE_TEST_ARTIFACTS="$PWD/$results/screenshots"
# Every app the tests start logs to a file here; after the suite, tests/Queue.LogScan reads them all for personal data.
export QUEUE_TEST_LOGS="$PWD/$results/logs"
dotnet build CounterQueue.sln -c Release -nologo -v quiet -warnaserror || exit 1
dotnet build tests/Queue.LogScan -c Release -nologo -v quiet -warnaserror || exit 1
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
fi

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
