#!/bin/sh
# Installs Debian's chromium for the browser tests (tests/test_ui*.py, tests/test_report*.py).
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (or sudo) and
# network access to the Debian package mirrors; CI runs it as root on a fresh machine.
set -eu

if [ -x /usr/bin/chromium ]; then
    echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium))"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-browser.sh: /usr/bin/chromium is missing and this needs root to apt-get install it" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core
/usr/bin/chromium --version
