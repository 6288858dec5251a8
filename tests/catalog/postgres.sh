#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The SQL catalog on PostgreSQL: starts a throwaway server
# (tools/pg-test-server.sh), runs the catalog unit tests against it with
# ST_TEST_POSTGRES_URI set, and stops the server whatever happens.
# CTest sets ST_SRC and ST_TESTS (the st_tests binary).
set -u
ST_SRC=${ST_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
ST_TESTS=${ST_TESTS:-$ST_SRC/build/tests/st_tests}
SERVER=$ST_SRC/tools/pg-test-server.sh
DIR=

cleanup() {
    if [ -n "$DIR" ]; then
        sh "$SERVER" stop "$DIR" || echo "WARNING: could not stop the server in $DIR" >&2
        DIR=
    fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

[ -x "$ST_TESTS" ] || { echo "FAIL: no st_tests binary at $ST_TESTS"; exit 1; }
DIR=$(mktemp -d "${TMPDIR:-/tmp}/st-pg.XXXXXX") || exit 1
if ! out=$(sh "$SERVER" start "$DIR"); then
    echo "FAIL: cannot start a PostgreSQL server"
    exit 1
fi
URI=$(printf '%s\n' "$out" | sed -n 1p)
# A watchdog in a session of its own stops the server should this script be
# killed outright (a CTest timeout sends SIGKILL, which no trap sees).
setsid sh -c 'while kill -0 "$1" 2>/dev/null; do sleep 1; done; sh "$2" stop "$3"' \
    watchdog $$ "$SERVER" "$DIR" </dev/null >/dev/null 2>&1 &
echo "PostgreSQL at $URI"
ST_TEST_POSTGRES_URI=$URI "$ST_TESTS" -s catalog:: "$@"
