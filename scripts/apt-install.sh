#!/bin/sh
# apt-get install PACKAGE... as root, or through sudo, after an update; the install-*.sh scripts
# call it once they have found their program missing. Needs the Debian package mirrors.
#   scripts/apt-install.sh WHAT PACKAGE...
set -eu
WHAT=$1
shift

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "$WHAT is missing and installing it (apt-get install $*) needs root" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "$@"
