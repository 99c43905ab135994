#!/usr/bin/env bash
# Rebuild the MIPS32r2 little-endian guest test programs into test/guest/bin/.
# Usage: test/guest/build.sh   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../scripts/mips-cc.sh
source "$here/../../scripts/mips-cc.sh"

CFLAGS=(-O2 -static -s -Wall -Wno-format-truncation -Wno-stringop-truncation)
mkdir -p "$here/bin"
for src in "$here"/src/*.c; do
  name="$(basename "$src" .c)"
  [ "$name" = t_fp64 ] && continue
  echo "CC $name"
  "$CC" "${CFLAGS[@]}" -o "$here/bin/$name" "$src" -lm
done
# Built for 64-bit FPRs (FP ABI "64"): Linux and qemu-mipsel run it with Status.FR=1.
echo "CC t_fp64"
"$CC" "${CFLAGS[@]}" -mfp64 -o "$here/bin/t_fp64" "$here/src/t_fp64.c"
# Dynamically linked builds (PT_INTERP /lib/ld.so.1): run with -L /usr/mipsel-linux-gnu.
for name in t_files; do
  echo "CC ${name}_dyn"
  "$CC" -O2 -s -Wall -Wno-format-truncation -Wno-stringop-truncation -o "$here/bin/${name}_dyn" "$here/src/$name.c" -lm
done
ls -l "$here/bin"
