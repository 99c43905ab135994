#!/usr/bin/env bash
# Rebuild the bare-metal system test ROMs into test/system/guest/bin/<name>.rom.
# Each <name>.c is linked with crt0.S and common.c at the boot ROM address (rom.ld).
# The .rom files are plain little-endian images for physical 0x1fc00000; record.sh
# byte-swaps them for QEMU's malta, which swaps 32-bit words of a -bios image on mipsel.
# Usage: test/system/guest/build.sh [NAME...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../../../scripts/mips-cc.sh
source "$here/../../../scripts/mips-cc.sh"
OBJCOPY="${MIPS_OBJCOPY:-${CC%gcc}objcopy}"

CFLAGS=(-EL -march=24kf -msoft-float -mno-abicalls -fno-pic -G0 -mno-check-zero-division
        -static -no-pie -nostdlib -ffreestanding -fno-builtin -fno-stack-protector -fno-asynchronous-unwind-tables
        -O1 -Wall -Wextra -Wno-unused-parameter -T "$here/rom.ld" -Wl,--build-id=none -Wl,-N)
mkdir -p "$here/bin"
if [ "$#" -gt 0 ]; then names=("$@"); else
  names=(); for src in "$here"/*.c; do n="$(basename "$src" .c)"; [ "$n" = common ] || names+=("$n"); done
fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
for name in "${names[@]}"; do
  echo "CC $name"
  "$CC" "${CFLAGS[@]}" -o "$tmp/$name.elf" "$here/crt0.S" "$here/common.c" "$here/$name.c"
  "$OBJCOPY" -O binary "$tmp/$name.elf" "$here/bin/$name.rom"
  chmod 644 "$here/bin/$name.rom"
done
ls -l "$here/bin"
