# Sourced by the guest build scripts: sets CC to Debian's mipsel cross compiler (or $MIPS_CC),
# installing gcc-mipsel-linux-gnu with apt-get when run as root and it is missing.
CC="${MIPS_CC:-mipsel-linux-gnu-gcc}"
if ! command -v "$CC" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "build: $CC not found, installing gcc-mipsel-linux-gnu with apt-get" >&2
    apt-get update -qq && apt-get install -y -qq gcc-mipsel-linux-gnu >&2
  fi
fi
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "build: error: cross compiler '$CC' is missing (apt-get install gcc-mipsel-linux-gnu)" >&2
  exit 1
fi
