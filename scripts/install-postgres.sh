#!/bin/sh
# Installs Debian's PostgreSQL server for the serving-tier tests (tests/test_serving.py); the
# cluster itself is made per test session by scripts/postgres-cluster.sh. Idempotent: does
# nothing when a server binary is already there. Needs root (or sudo) and the Debian mirrors;
# CI runs it as root on a fresh machine.
set -eu

if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "postgresql: already installed ($(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1))"
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "install-postgres.sh: PostgreSQL is missing and this needs root to apt-get install it" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
# Debian's package creates (and starts, where there is an init system) a default cluster; ours
# are made apart from it, so that one is left as the package set it up.
$SUDO apt-get install -y -q --no-install-recommends postgresql
ls -d /usr/lib/postgresql/*/bin
