#!/usr/bin/env bash
# Podman as a Docker-compatible engine for Testcontainers and the deployment smoke test, on a machine with no Docker
# engine and no image registry (rootful, Debian 12). Safe to run again: each step skips what is done.
#   1. installs podman, runc and mmdebstrap;
#   2. configures podman for this machine (ulimits runc accepts, cgroupfs, short exit-command delay);
#   3. builds the PostgreSQL image locally from Debian packages, once (localhost/counterqueue-postgres:15);
#   4. serves the Docker API at unix:///run/podman/podman.sock.
# Prints nothing on success but the lines to export; exits non-zero (saying why) if podman cannot run here.
set -euo pipefail
cd "$(dirname "$0")"

image="${QUEUE_POSTGRES_IMAGE:-localhost/counterqueue-postgres:15}"
socket=/run/podman/podman.sock
log() { echo "podman setup: $*" >&2; }

if [ "$(id -u)" -ne 0 ]; then log "needs root (rootful podman)"; exit 1; fi

missing=()
for p in podman runc mmdebstrap; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi

mkdir -p /etc/containers/containers.conf.d
cat > /etc/containers/containers.conf.d/50-counterqueue.conf <<'CONF'
# CounterQueue (deploy/podman/setup.sh): the hard nofile limit here is below podman's default request, so runc fails
# with "error setting rlimit type 7" without these; cgroupfs and runc work in this machine's container; a short exit
# command delay keeps readiness probes from leaving conmon processes behind for minutes.
[containers]
default_ulimits = ["nofile=16384:16384", "nproc=16384:16384"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
exit_command_delay = 15
CONF

if ! podman image exists "$image"; then
  log "building $image from Debian packages (once; about a minute)"
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
  mirror=${mirror:-http://deb.debian.org/debian}
  mmdebstrap --variant=minbase --include=postgresql-15 \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --customize-hook='chroot "$1" pg_dropcluster 15 main || true' \
    --customize-hook="upload $PWD/postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh" \
    --customize-hook='chmod 755 "$1/usr/local/bin/docker-entrypoint.sh"' \
    bookworm "$work/rootfs.tar" "$mirror" >&2
  podman import \
    --change 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]' \
    --change 'CMD ["postgres"]' \
    --change 'ENV PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PGDATA=/var/lib/postgresql/data' \
    --change 'EXPOSE 5432' \
    "$work/rootfs.tar" "$image" >&2
fi

# A service started from a directory that was deleted since (a test run's clone) answers its ping but cannot start
# containers (conmon: "Failed to get working directory"): stop it, and start services from / so it cannot happen again.
for pid in $(pgrep -f "podman system service .*unix://$socket" || true); do
  if readlink "/proc/$pid/cwd" 2>/dev/null | grep -q '(deleted)$'; then
    log "the podman service $pid runs in a deleted directory; restarting it"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$socket"
  fi
done
if ! curl -fsS --unix-socket "$socket" http://d/_ping >/dev/null 2>&1; then
  mkdir -p "$(dirname "$socket")"
  # From / (see above), and let go of this script's output at once: `$(setup.sh)` waits until nothing holds it. (Not
  # `cd / && nohup … &`: that backgrounds the whole list, a shell that keeps the output open as long as the service runs.)
  (cd / || exit 1; nohup podman system service --time=0 "unix://$socket" </dev/null >/var/log/podman-service.log 2>&1 &)
  for _ in $(seq 50); do
    curl -fsS --unix-socket "$socket" http://d/_ping >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS --unix-socket "$socket" http://d/_ping >/dev/null 2>&1 || { log "the Docker API did not come up at $socket"; exit 1; }
fi

# Testcontainers: talk to podman; no Ryuk (its image cannot be pulled here); reach containers on 127.0.0.1, not
# through the bridge's gateway (the machine looks like a container to Testcontainers).
echo "export DOCKER_HOST=unix://$socket"
echo "export TESTCONTAINERS_RYUK_DISABLED=true"
echo "export TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1"
echo "export QUEUE_POSTGRES_IMAGE=$image"
