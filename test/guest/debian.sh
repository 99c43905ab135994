#!/usr/bin/env bash
# Fetch Debian's dynamically linked mipsel coreutils, grep, sed and gawk (and the libraries they
# need beyond libc) into a cache outside git, unpacked into one tree, and print its path. The
# programs then run against the cross sysroot (/usr/mipsel-linux-gnu, from libc6-mipsel-cross)
# with LD_LIBRARY_PATH pointing into the tree. Re-runs are instant once cached.
#   DEBIAN_CACHE=dir  overrides the cache directory (default: <repo>/.cache/debian)
# Exit status 1 (with a message on stderr) when they cannot be obtained.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${DEBIAN_CACHE:-$root/.cache/debian}"
tree="$cache/root"
packages=(coreutils grep sed gawk libselinux1 libacl1 libpcre2-8-0 libsigsegv2 libreadline8 libmpfr6 libgmp10 libtinfo6)

if [ -f "$tree/.complete" ]; then
  echo "$tree"
  exit 0
fi
# shellcheck source=mipsel-apt.sh
. "$here/mipsel-apt.sh"
mipsel_apt_ready debian.sh || exit 1
mkdir -p "$cache"
cd "$cache"
rm -f ./*.deb
names=("${packages[@]/%/:mipsel}")
mipsel_download debian.sh "${names[@]}" || exit 1
rm -rf "$tree"
for deb in ./*.deb; do dpkg-deb -x "$deb" "$tree"; done
rm -f ./*.deb
touch "$tree/.complete"
echo "$tree"
