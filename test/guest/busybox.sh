#!/usr/bin/env bash
# Fetch Debian's statically linked busybox for mipsel into a cache outside git and
# print the path of the binary. Re-runs are instant once cached.
#   BUSYBOX_CACHE=dir  overrides the cache directory (default: <repo>/.cache/busybox)
# Exit status 1 (with a message on stderr) when it cannot be obtained.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${BUSYBOX_CACHE:-$root/.cache/busybox}"
bin="$cache/root/bin/busybox"

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
for tool in dpkg apt-get dpkg-deb; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "busybox.sh: $tool not available; cannot fetch busybox-static:mipsel" >&2
    exit 1
  fi
done
mkdir -p "$cache"
if ! dpkg --print-foreign-architectures | grep -qx mipsel; then
  if [ "$(id -u)" != 0 ]; then
    echo "busybox.sh: need root to run 'dpkg --add-architecture mipsel'" >&2
    exit 1
  fi
  dpkg --add-architecture mipsel
  apt-get update -qq >&2
fi
cd "$cache"
rm -f busybox-static_*_mipsel.deb
if ! apt-get download busybox-static:mipsel >&2; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2
    apt-get download busybox-static:mipsel >&2
  else
    echo "busybox.sh: apt-get download busybox-static:mipsel failed" >&2
    exit 1
  fi
fi
rm -rf root
dpkg-deb -x busybox-static_*_mipsel.deb root
if [ ! -x "$bin" ]; then
  echo "busybox.sh: $bin not found in the package" >&2
  exit 1
fi
echo "$bin"
