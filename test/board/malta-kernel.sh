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
for tool in dpkg apt-get dpkg-deb; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "malta-kernel.sh: $tool not available; cannot fetch linux-image-4kc-malta:mipsel" >&2
    exit 1
  fi
done
mkdir -p "$cache"
if ! dpkg --print-foreign-architectures | grep -qx mipsel; then
  if [ "$(id -u)" != 0 ]; then
    echo "malta-kernel.sh: need root to run 'dpkg --add-architecture mipsel'" >&2
    exit 1
  fi
  dpkg --add-architecture mipsel
  apt-get update -qq >&2
fi
cd "$cache"
rm -f linux-image-*.deb
if ! apt-get download linux-image-4kc-malta:mipsel >&2; then
  [ "$(id -u)" = 0 ] || { echo "malta-kernel.sh: apt-get download failed" >&2; exit 1; }
  apt-get update -qq >&2
  apt-get download linux-image-4kc-malta:mipsel >&2
fi
versioned="$(dpkg-deb -f linux-image-4kc-malta_*_mipsel.deb Depends | sed 's/[ ,].*//')"
apt-get download "$versioned:mipsel" >&2
rm -rf root
dpkg-deb -x "$versioned"_*_mipsel.deb root
if [ -z "$(found)" ]; then
  echo "malta-kernel.sh: no vmlinuz in $versioned" >&2
  exit 1
fi
found
