#!/bin/sh
# A private PostgreSQL cluster for tests and trials of the serving tier: initdb in DIR, listening
# on 127.0.0.1:PORT only (no Unix socket), password authentication, kazmig's database and roles
# (scripts/postgres-roles.sql). PostgreSQL refuses to run as root, so as root the server runs as
# the `postgres` user that Debian's package creates (DIR is handed to it).
#
#   scripts/postgres-cluster.sh start DIR PORT   # prints the writer's and the reader's URLs
#   scripts/postgres-cluster.sh stop DIR
set -eu

BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$BIN" ]; then
    BIN=$(dirname "$(command -v initdb)")  # another layout: initdb on PATH
fi
HERE=$(cd "$(dirname "$0")" && pwd)

as_server() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

secret() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }

case "${1:-}" in
start)
    DIR=$2 PORT=$3
    mkdir -p "$DIR"
    SUPER=$(secret) WRITER=$(secret) READER=$(secret)
    umask 077
    printf '%s\n' "$SUPER" > "$DIR/superuser.pw"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$DIR"; fi
    as_server "$BIN/initdb" --pgdata="$DIR/data" --username=postgres --pwfile="$DIR/superuser.pw" \
        --auth=scram-sha-256 --encoding=UTF8 --locale=C --no-sync >"$DIR/initdb.log" 2>&1 \
        || { cat "$DIR/initdb.log" >&2; exit 1; }
    as_server "$BIN/pg_ctl" --pgdata="$DIR/data" --log="$DIR/server.log" --wait --silent \
        --options="-c listen_addresses=127.0.0.1 -c port=$PORT -c unix_socket_directories= -c fsync=off" start \
        || { cat "$DIR/server.log" >&2; exit 1; }
    PGPASSWORD=$SUPER "$BIN/psql" --quiet --no-psqlrc -h 127.0.0.1 -p "$PORT" -U postgres -d postgres \
        -v writer_password="$WRITER" -v reader_password="$READER" -f "$HERE/postgres-roles.sql" >/dev/null
    echo "KAZMIG_POSTGRES_URL=postgresql://kazmig_writer:$WRITER@127.0.0.1:$PORT/kazmig"
    echo "READER_URL=postgresql://kazmig_reader:$READER@127.0.0.1:$PORT/kazmig"
    ;;
stop)
    DIR=$2
    as_server "$BIN/pg_ctl" --pgdata="$DIR/data" --mode=fast --wait --silent stop
    ;;
*)
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
