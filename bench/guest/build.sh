#!/usr/bin/env bash
# Build the benchmark / demo guest programs (MIPS32r2 little-endian, static) into bench/guest/.
#   bench/guest/cpubench        CPU-bound workload (argument N scales the work)
#   bench/guest/hello-default   friendly demo program used by `npm start`
#   bench/guest/callbench       call-heavy workload (lists, trees, function pointers, a switch, qsort)
#   bench/guest/gamebench       Benchmarks-Game-style kernels the JIT was not tuned on (btree, fannkuch, ...)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../scripts/mips-cc.sh
source "$here/../../scripts/mips-cc.sh"

CFLAGS=(-O2 -static -s -Wall)
echo "CC cpubench";      "$CC" "${CFLAGS[@]}" -o "$here/cpubench" "$here/src/cpubench.c" -lm
echo "CC callbench";      "$CC" "${CFLAGS[@]}" -o "$here/callbench" "$here/src/callbench.c"
echo "CC gamebench";     "$CC" "${CFLAGS[@]}" -o "$here/gamebench" "$here/src/gamebench.c" -lm
echo "CC hello-default"; "$CC" "${CFLAGS[@]}" -o "$here/hello-default" "$here/src/hello.c" -lm
ls -l "$here/cpubench" "$here/callbench" "$here/gamebench" "$here/hello-default"
