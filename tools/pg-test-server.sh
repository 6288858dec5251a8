#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# A throwaway PostgreSQL server for tests, in a temporary folder.
#
#   tools/pg-test-server.sh start [DIR]
#       initialises a cluster in DIR (default: a new folder under $TMPDIR or
#       /tmp), starts it listening on 127.0.0.1 on a free port and on a unix
#       socket in DIR, and prints two lines: the connection URI
#       (postgresql://postgres@127.0.0.1:PORT/postgres, trust authentication)
#       and DIR. Exits non-zero, leaving nothing running, when it cannot.
#   tools/pg-test-server.sh stop DIR
#       stops the server (immediate shutdown) and removes DIR. Safe to call
#       more than once, or on a DIR whose start failed.
#
# PostgreSQL refuses to run as root: as root the server runs as the
# `postgres` user (created by Debian's package) through runuser, in a DIR it
# owns, so DIR's parents must be searchable by that user (/tmp is).
# PGBIN overrides the binaries' folder (default: PostgreSQL 15's, else the
# newest installed).
set -eu

MARK=.st-pg-test-server

find_bin() {
    if [ -n "${PGBIN:-}" ]; then
        echo "$PGBIN"
    elif [ -x /usr/lib/postgresql/15/bin/initdb ]; then
        echo /usr/lib/postgresql/15/bin
    else
        for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n -r); do
            [ -x "$d/initdb" ] && { echo "$d"; return; }
        done
        command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)"
    fi
}

as_pg() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

stop() {
    dir=$1
    [ -d "$dir" ] || return 0
    if [ ! -e "$dir/$MARK" ]; then
        echo "pg-test-server: '$dir' was not made by this script; not touching it" >&2
        return 1
    fi
    bin=$(find_bin)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
        # pg_ctl failed (or the binaries are gone): end the postmaster by its pid
        if [ -f "$dir/data/postmaster.pid" ]; then
            pid=$(sed -n 1p "$dir/data/postmaster.pid")
            [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf "$dir"
}

start() {
    bin=$(find_bin)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
        echo "pg-test-server: no PostgreSQL server binaries (initdb) found" >&2
        exit 1
    fi
    dir=${1:-}
    if [ -z "$dir" ]; then
        dir=$(mktemp -d "${TMPDIR:-/tmp}/st-pg.XXXXXX")
    else
        mkdir -p "$dir"
    fi
    dir=$(cd "$dir" && pwd)
    touch "$dir/$MARK"
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$dir"
    fi
    chmod 700 "$dir"
    if ! as_pg "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync \
            >"$dir/initdb.log" 2>&1; then
        echo "pg-test-server: initdb failed:" >&2
        cat "$dir/initdb.log" >&2
        stop "$dir"
        exit 1
    fi
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
                -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" \
                start >/dev/null 2>&1; then
            echo "postgresql://postgres@127.0.0.1:$port/postgres"
            echo "$dir"
            return 0
        fi
        # a taken port or a slow start: make sure nothing is left, then retry
        as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    done
    echo "pg-test-server: the server did not start:" >&2
    tail -n 20 "$dir/server.log" >&2 2>/dev/null || true
    stop "$dir"
    exit 1
}

case "${1:-}" in
start) start "${2:-}" ;;
stop)
    [ -n "${2:-}" ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
    stop "$2"
    ;;
*)
    echo "usage: $0 start [DIR] | stop DIR" >&2
    exit 2
    ;;
esac
