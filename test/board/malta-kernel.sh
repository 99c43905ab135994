#!/usr/bin/env bash
# Fetch Debian's mipsel Malta kernel (linux-image-4kc-malta:mipsel and the versioned package it
# depends on) into a cache outside git and print the path of its vmlinuz. Re-runs are instant.
#   MALTA_KERNEL_CACHE=dir  overrides the cache directory (default: <repo>/.cache/malta-kernel)
# Exit status 1 (with a message on stderr) when it cannot be obtained.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${MALTA_KERNEL_CACHE:-$root/.cache/malta-kernel}"

found() { ls "$cache"/root/boot/vmlinuz-*-4kc-malta 2>/dev/null | head -1; }
if [ -n "$(found)" ]; then
  found
  exit 0
fi
# shellcheck source=../guest/mipsel-apt.sh
. "$root/test/guest/mipsel-apt.sh"
mipsel_apt_ready malta-kernel.sh || exit 1
mkdir -p "$cache"
cd "$cache"
rm -f linux-image-*.deb
mipsel_download malta-kernel.sh linux-image-4kc-malta:mipsel || exit 1
versioned="$(dpkg-deb -f linux-image-4kc-malta_*_mipsel.deb Depends | sed 's/[ ,].*//')"
mipsel_download malta-kernel.sh "$versioned:mipsel" || exit 1
rm -rf root
dpkg-deb -x "$versioned"_*_mipsel.deb root
if [ -z "$(found)" ]; then
  echo "malta-kernel.sh: no vmlinuz in $versioned" >&2
  exit 1
fi
found
