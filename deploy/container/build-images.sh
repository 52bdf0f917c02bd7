#!/usr/bin/env bash
# Builds CounterQueue's container images with podman, from Debian packages and this machine's .NET runtime, with no
# image registry anywhere:
#   localhost/counterqueue-postgres:15   PostgreSQL 15 (deploy/podman/setup.sh)
#   localhost/counterqueue-runtime:10.0  Debian 12 minimal + the ASP.NET Core runtime copied from the local .NET install
#   localhost/counterqueue:latest        the published host on that runtime (Containerfile), rebuilt every run
#   localhost/counterqueue-proxy:latest  Debian 12 minimal + nginx, the reverse proxy of deploy/compose
# The base images are built once (a minute or two each) and kept in podman's store.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
say() { echo "images: $*" >&2; }
eval "$(bash "$root/deploy/podman/setup.sh")" >/dev/null
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
mirror=${mirror:-http://deb.debian.org/debian}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
slim=(--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
      --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias')

runtime=localhost/counterqueue-runtime:10.0
if ! podman image exists "$runtime"; then
  dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
  version=$(ls "$dotnet_root/shared/Microsoft.AspNetCore.App" | grep '^10\.' | sort -V | tail -1)
  [ -n "$version" ] || { say "no ASP.NET Core 10 runtime under $dotnet_root"; exit 1; }
  say "building $runtime (Debian 12 minimal + ASP.NET Core $version)"
  mkdir -p "$work/dotnet/shared/Microsoft.NETCore.App" "$work/dotnet/shared/Microsoft.AspNetCore.App" "$work/dotnet/host/fxr"
  cp "$dotnet_root/dotnet" "$work/dotnet/"
  cp -r "$dotnet_root/host/fxr/$version" "$work/dotnet/host/fxr/"
  cp -r "$dotnet_root/shared/Microsoft.NETCore.App/$version" "$work/dotnet/shared/Microsoft.NETCore.App/"
  cp -r "$dotnet_root/shared/Microsoft.AspNetCore.App/$version" "$work/dotnet/shared/Microsoft.AspNetCore.App/"
  mmdebstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,tzdata,curl "${slim[@]}" \
    --customize-hook="copy-in $work/dotnet /usr/share" \
    --customize-hook='chroot "$1" ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet' \
    --customize-hook='chroot "$1" useradd --system --uid 10001 --user-group --home-dir /app --no-create-home counterqueue' \
    bookworm "$work/runtime.tar" "$mirror" >&2
  podman import \
    --change 'ENV DOTNET_ROOT=/usr/share/dotnet' --change 'ENV LANG=C.UTF-8' --change 'ENV TZ=Asia/Tokyo' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'USER 10001' \
    "$work/runtime.tar" "$runtime" >&2
fi

proxy=localhost/counterqueue-proxy:latest
if ! podman image exists "$proxy"; then
  say "building $proxy (Debian 12 minimal + nginx)"
  mmdebstrap --variant=minbase --include=nginx-light "${slim[@]}" \
    --customize-hook='chroot "$1" sh -c "ln -sf /dev/stdout /var/log/nginx/access.log; ln -sf /dev/stderr /var/log/nginx/error.log"' \
    bookworm "$work/proxy.tar" "$mirror" >&2
  podman import --change 'CMD ["nginx", "-g", "daemon off;"]' --change 'EXPOSE 80' --change 'STOPSIGNAL SIGQUIT' \
    "$work/proxy.tar" "$proxy" >&2
fi

app=${QUEUE_IMAGE:-localhost/counterqueue:latest}
say "publishing src/Queue.Web and building $app"
dotnet publish "$root/src/Queue.Web" -c Release -o "$work/context/app" -nologo -v quiet >&2
cp "$root/deploy/container/Containerfile" "$work/context/"
podman build --pull=never -q -t "$app" "$work/context" >&2
echo "$app"
