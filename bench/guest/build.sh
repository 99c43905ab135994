#!/usr/bin/env bash
# Build the benchmark / demo guest programs (MIPS32r2 little-endian, static) into bench/guest/.
#   bench/guest/cpubench        CPU-bound workload (argument N scales the work)
#   bench/guest/hello-default   friendly demo program used by `npm start`
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
  echo "build.sh: error: cross compiler '$CC' is missing (apt-get install gcc-mipsel-linux-gnu)" >&2
  exit 1
fi
CFLAGS=(-O2 -static -s -Wall)
echo "CC cpubench";      "$CC" "${CFLAGS[@]}" -o "$here/cpubench" "$here/src/cpubench.c" -lm
echo "CC hello-default"; "$CC" "${CFLAGS[@]}" -o "$here/hello-default" "$here/src/hello.c" -lm
ls -l "$here/cpubench" "$here/hello-default"
