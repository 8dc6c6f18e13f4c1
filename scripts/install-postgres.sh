#!/bin/sh
# Installs Debian's PostgreSQL server for the serving-tier tests (tests/test_beyond_one_machine.py);
# the clusters themselves are made per test session by scripts/postgres-cluster.sh. Idempotent:
# does nothing when a server binary is already there. CI runs it as root on a fresh machine.
set -eu

if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "postgresql: already installed ($(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1))"
    exit 0
fi
# Debian's package also makes (and, where an init system runs, starts) a default cluster; ours are
# made apart from it.
sh "$(dirname "$0")/apt-install.sh" "PostgreSQL" postgresql
ls -d /usr/lib/postgresql/*/bin
