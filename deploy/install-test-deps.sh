#!/usr/bin/env bash
# Installs what the tests need beyond the .NET SDK. Safe to run again: it skips what is there.
set -euo pipefail

# Browser tests drive Debian's Chromium (never a downloaded one); without CJK fonts Japanese renders as boxes
# in the browser's own UI text, although the pages serve their own Noto Sans JP.
# Cluster mode is tested on a real PostgreSQL (deploy/test-postgres.sh runs its own throw-away server).
need_apt=(chromium fonts-noto-cjk postgresql)

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (https://dot.net); install it first." >&2
  exit 1
fi

if [ ${#need_apt[@]} -gt 0 ]; then
  missing=()
  for p in "${need_apt[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
  fi
fi
