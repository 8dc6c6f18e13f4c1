#!/bin/sh
# Installs Debian's chromium for the browser tests (tests/test_ui*.py, tests/test_report*.py).
# Idempotent: does nothing when /usr/bin/chromium is already there. Needs root (or sudo) and
# network access to the Debian package mirrors; CI runs it as root on a fresh machine.
set -eu

if [ -x /usr/bin/chromium ]; then
    echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium))"
    exit 0
fi

sh "$(dirname "$0")/apt-install.sh" /usr/bin/chromium chromium fonts-dejavu-core
/usr/bin/chromium --version
