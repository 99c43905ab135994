# Sourced by the scripts that fetch Debian mipsel packages (busybox.sh, debian.sh,
# ../board/malta-kernel.sh): `mipsel_apt_ready NAME` checks for dpkg/apt-get/dpkg-deb and adds the
# mipsel architecture (as root) if it is missing; `mipsel_download NAME PACKAGE...` runs
# apt-get download, updating the package lists once if the first try fails. Both print one line
# naming the caller and return 1 when they cannot.

mipsel_apt_ready() {
  local caller="$1" tool
  for tool in dpkg apt-get dpkg-deb; do
    if ! command -v "$tool" >/dev/null 2>&1; then
      echo "$caller: $tool not available; cannot fetch Debian mipsel packages" >&2
      return 1
    fi
  done
  if ! dpkg --print-foreign-architectures | grep -qx mipsel; then
    if [ "$(id -u)" != 0 ]; then
      echo "$caller: need root to run 'dpkg --add-architecture mipsel'" >&2
      return 1
    fi
    dpkg --add-architecture mipsel
    apt-get update -qq >&2
  fi
}

mipsel_download() {
  local caller="$1"
  shift
  if apt-get download "$@" >&2 2>/dev/null; then return 0; fi
  if [ "$(id -u)" != 0 ]; then
    echo "$caller: apt-get download $* failed" >&2
    return 1
  fi
  apt-get update -qq >&2
  apt-get download "$@" >&2 || { echo "$caller: apt-get download $* failed" >&2; return 1; }
}
