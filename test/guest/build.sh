#!/usr/bin/env bash
# Rebuild the MIPS32r2 little-endian guest test programs into test/guest/bin/.
# Usage: test/guest/build.sh   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CC="${MIPS_CC:-mipsel-linux-gnu-gcc}"

if ! command -v "$CC" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "build.sh: $CC not found, installing gcc-mipsel-linux-gnu with apt-get" >&2
    apt-get update -qq && apt-get install -y -qq gcc-mipsel-linux-gnu >&2
  fi
fi
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "build.sh: error: cross compiler '$CC' is missing." >&2
  echo "          Install it with: apt-get install gcc-mipsel-linux-gnu (Debian/Ubuntu)" >&2
  exit 1
fi

CFLAGS=(-O2 -static -s -Wall -Wno-format-truncation -Wno-stringop-truncation)
mkdir -p "$here/bin"
for src in "$here"/src/*.c; do
  name="$(basename "$src" .c)"
  echo "CC $name"
  "$CC" "${CFLAGS[@]}" -o "$here/bin/$name" "$src" -lm
done
ls -l "$here/bin"
