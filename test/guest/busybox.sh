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
# shellcheck source=mipsel-apt.sh
. "$here/mipsel-apt.sh"
mipsel_apt_ready busybox.sh || exit 1
mkdir -p "$cache"
cd "$cache"
rm -f busybox-static_*_mipsel.deb
mipsel_download busybox.sh busybox-static:mipsel || exit 1
rm -rf root
dpkg-deb -x busybox-static_*_mipsel.deb root
if [ ! -x "$bin" ]; then
  echo "busybox.sh: $bin not found in the package" >&2
  exit 1
fi
echo "$bin"
