#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Concurrent commits through a catalog, and writers killed at random points.
#   1. 8 processes each commit 100 one-row appends to one table through the
#      SQLite catalog; 4 processes through PostgreSQL (a throwaway server from
#      tools/pg-test-server.sh). Every acknowledged commit must be in main's
#      history exactly once, every acknowledged row in the data exactly once,
#      and no row twice (tests/stress/commit_stress.c verify).
#   2. The same with --kill: writers are SIGKILLed at random moments and
#      restarted; the table must always load and keep every acknowledged commit.
# Environment (CTest): ST_BIN, ST_SRC, ST_TMP, ST_STRESS (the commit_stress
# binary); ST_STRESS_COMMITS (100) to shorten runs by hand.
set -u
ST_SRC=${ST_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
ST_TMP=${ST_TMP:-${TMPDIR:-/tmp}/st-concurrency-$$}
: "${ST_BIN:?ST_BIN must name the supertable binary}"
STRESS=${ST_STRESS:-$(dirname "$ST_BIN")/tests/commit_stress}
COMMITS=${ST_STRESS_COMMITS:-100}
T=$ST_TMP
PGDIR=""
FAILS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
cleanup() { [ -n "$PGDIR" ] && sh "$ST_SRC/tools/pg-test-server.sh" stop "$PGDIR" >/dev/null 2>&1; }
trap cleanup EXIT INT TERM
rm -rf "$T" && mkdir -p "$T" || exit 1
[ -x "$STRESS" ] || { echo "FAIL: $STRESS is missing" >&2; exit 1; }

setup() { # URI TABLE
    "$ST_BIN" --catalog "$1" --warehouse "$T/wh" namespace create s >/dev/null 2>&1
    # contention of 8 writers on one table: many quick retries, not Java's 4 slow ones
    "$ST_BIN" --catalog "$1" --warehouse "$T/wh" table create "$2" \
        --schema 'writer int not null, seq int not null, inc int not null' \
        --property commit.retry.num-retries=200 --property commit.retry.min-wait-ms=2 \
        --property commit.retry.max-wait-ms=100 >/dev/null 2>"$T/err" \
        || { fail "create $2: $(cat "$T/err")"; return 1; }
}

check() { # LABEL URI TABLE WRITERS [--kill]
    label=$1 uri=$2 tbl=$3 writers=$4
    shift 4
    logs=$T/logs.$label
    mkdir -p "$logs"
    setup "$uri" "$tbl" || return
    "$STRESS" run "$uri" "$tbl" "$writers" "$COMMITS" "$logs" "$@" >"$T/run.$label" 2>&1 \
        || { fail "$label: writers failed: $(tail -n 5 "$T/run.$label")"; return; }
    "$STRESS" verify "$uri" "$tbl" "$writers" "$COMMITS" "$logs" >"$T/verify.$label" 2>&1 \
        || { fail "$label: $(tail -n 8 "$T/verify.$label")"; return; }
    echo "$label: $(cat "$T/run.$label" | tail -n 1) / $(tail -n 1 "$T/verify.$label")"
}

SQ="sqlite://$T/catalog.db"
check sqlite "$SQ" s.appends 8
check sqlite-kill "$SQ" s.killed 4 --kill

PGDIR=$T/pg
if PG=$(sh "$ST_SRC/tools/pg-test-server.sh" start "$PGDIR" 2>"$T/pg.err" | head -n 1) && [ -n "$PG" ]; then
    check postgresql "$PG" s.appends 4
    check postgresql-kill "$PG" s.killed 4 --kill
else
    fail "cannot start PostgreSQL: $(cat "$T/pg.err")"
fi
[ "$FAILS" -eq 0 ] || exit 1
echo "concurrency: every acknowledged commit landed exactly once"
