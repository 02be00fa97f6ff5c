#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster on a loopback port for the tests and
# prints the `export` line for RAMPART_TEST_POSTGRES_URL. Stop it with
# `.ci/postgres.sh stop DIR`.
#
#     eval "$(bash .ci/postgres.sh start)"
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
as_postgres() {
    if [[ $(id -un) == postgres ]]; then "$@"; else runuser -u postgres -- "$@"; fi
}

case "${1:-start}" in
start)
    dir=$(mktemp -d /tmp/rampart-pg.XXXXXX)
    chmod 755 "$dir"
    [[ $(id -u) == 0 ]] && chown postgres "$dir"
    as_postgres "$PGBIN/initdb" -D "$dir/data" -A trust -U postgres --no-sync >"$dir/initdb.log" 2>&1
    # The first free loopback port from PGPORT (default 55432) on.
    port=${PGPORT:-55432}
    for _ in $(seq 1 50); do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null &&
            as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
                -o "-h 127.0.0.1 -p $port -k $dir -c fsync=off -c max_connections=200" start >/dev/null 2>&1; then
            echo "export RAMPART_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:$port/postgres RAMPART_TEST_POSTGRES_DIR=$dir"
            exit 0
        fi
        port=$((port + 1))
    done
    echo "postgres.sh: could not start PostgreSQL (see $dir/server.log)" >&2
    exit 1
    ;;
stop)
    dir=${2:?usage: postgres.sh stop DIR}
    as_postgres "$PGBIN/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
*)
    echo "usage: postgres.sh start | stop DIR" >&2
    exit 2
    ;;
esac
