#!/usr/bin/env bash
# Record what QEMU's Malta (24Kf, little-endian) prints on serial 0 for each system test ROM,
# into test/system/guest/expected/<name>.txt.
#   test/system/guest/record.sh              re-record every bin/*.rom
#   test/system/guest/record.sh NAME...      only those
#   test/system/guest/record.sh --check      compare against expected/ without writing
# Needs qemu-system-mipsel (Debian: qemu-system-mips). QEMU's malta swaps the 32-bit words of
# a -bios image on mipsel (bi-endian flash trick), so the ROM is byte-swapped per word first.
# A ROM ends by writing 0x42 to the FPGA SOFTRES register; with -no-reboot QEMU then exits.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
QEMU="${QEMU_SYSTEM_MIPSEL:-qemu-system-mipsel}"
OBJCOPY="${MIPS_OBJCOPY:-mipsel-linux-gnu-objcopy}"
command -v "$QEMU" >/dev/null || { echo "record.sh: $QEMU not found (apt-get install qemu-system-mips)" >&2; exit 1; }
command -v "$OBJCOPY" >/dev/null || OBJCOPY=objcopy

check=0
names=()
for a in "$@"; do
  if [ "$a" = --check ]; then check=1; else names+=("$a"); fi
done
if [ "${#names[@]}" -eq 0 ]; then
  for rom in "$here"/bin/*.rom; do names+=("$(basename "$rom" .rom)"); done
fi

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
mkdir -p "$here/expected"
status=0
for name in "${names[@]}"; do
  "$OBJCOPY" -I binary -O binary --reverse-bytes=4 "$here/bin/$name.rom" "$tmp/$name.bios"
  rc=0
  timeout 60 "$QEMU" -M malta -cpu 24Kf -m 128 -bios "$tmp/$name.bios" -nographic -no-reboot \
    -serial stdio -monitor none -nodefaults -display none </dev/null >"$tmp/$name.txt" || rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "record.sh: $name: qemu exited with $rc (124 = timeout: the ROM never powered off)" >&2
    status=1
    continue
  fi
  if [ "$check" = 1 ]; then
    if cmp -s "$tmp/$name.txt" "$here/expected/$name.txt"; then echo "same $name"; else
      echo "DIFF $name"; diff "$here/expected/$name.txt" "$tmp/$name.txt" || true; status=1; fi
  else
    cp "$tmp/$name.txt" "$here/expected/$name.txt"
    echo "recorded $name ($(grep -c '^PASS' "$tmp/$name.txt") PASS, $(grep -c '^FAIL' "$tmp/$name.txt") FAIL)"
  fi
done
exit "$status"
