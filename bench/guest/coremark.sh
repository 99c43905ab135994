#!/usr/bin/env bash
# Fetch EEMBC's CoreMark (a third-party CPU benchmark: linked lists, matrices, a state machine,
# CRCs; never used to tune mipsjit) at a pinned commit, build it for mipsel with Debian's
# gcc-mipsel-linux-gnu (-O2 -static, its POSIX port) into a cache outside git, and print the
# binary's path. Re-runs are instant once built. Neither the source nor the binary is committed.
#   COREMARK_CACHE=dir  overrides the cache directory (default: <repo>/.cache/coremark)
#   COREMARK_GIT=url    clones from there instead of https://github.com/eembc/coremark.git
# Exit status 1 (with a message on stderr) when it cannot be fetched or built.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${COREMARK_CACHE:-$root/.cache/coremark}"
bin="$cache/coremark"
commit=d5fad6bd094899101a4e5fd53af7298160ced6ab

if [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi
for tool in git mipsel-linux-gnu-gcc; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "coremark.sh: $tool not available (apt-get install -y git gcc-mipsel-linux-gnu)" >&2
    exit 1
  fi
done
mkdir -p "$cache"
if [ ! -d "$cache/src/.git" ]; then
  rm -rf "$cache/src"
  git clone -q "${COREMARK_GIT:-https://github.com/eembc/coremark.git}" "$cache/src" || { echo "coremark.sh: git clone failed" >&2; exit 1; }
fi
git -C "$cache/src" checkout -q "$commit"
cd "$cache/src"
# The iteration count comes from the command line (seed1 seed2 seed3 iterations).
mipsel-linux-gnu-gcc -O2 -static -Iposix -I. -DFLAGS_STR='"-O2 -static"' -DPERFORMANCE_RUN=1 \
  core_list_join.c core_main.c core_matrix.c core_state.c core_util.c posix/core_portme.c -o "$bin.tmp"
mv "$bin.tmp" "$bin"
echo "$bin"
