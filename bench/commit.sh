#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Commit benchmark: latency of a one-file append (median, p99) on the SQLite and
# PostgreSQL catalogs, and throughput with 1, 2, 4 and 8 concurrent writers,
# against the floor of this disk (write + fsync + rename of a small file,
# measured in the same run). Output: bench/results/commit.md.
#
# Usage: bench/commit.sh BUILD_DIR
# Environment: ST_BENCH_COMMITS (200: latency samples), ST_BENCH_TPUT (50:
#              commits per writer in the throughput runs), ST_BENCH_PG (1: also
#              PostgreSQL, through tools/pg-test-server.sh)
set -u
BUILD=${1:?usage: bench/commit.sh BUILD_DIR}
SRC=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$(cd "$BUILD" && pwd) ;; esac
N=${ST_BENCH_COMMITS:-200}
TP=${ST_BENCH_TPUT:-50}
PG=${ST_BENCH_PG:-1}
BC=$BUILD/bench/bench_commit
CLI=$BUILD/supertable
OUT=$SRC/bench/results/commit.md
TMP=$(mktemp -d "${TMPDIR:-/tmp}/st-bench-commit.XXXXXX")
chmod 755 "$TMP"   # the PostgreSQL server runs as its own user when we are root
PGDIR=""
die() { echo "bench/commit: $*" >&2; exit 1; }
cleanup() {
    [ -n "$PGDIR" ] && sh "$SRC/tools/pg-test-server.sh" stop "$PGDIR" >/dev/null 2>&1
    rm -rf "$TMP"
}
trap cleanup EXIT INT TERM
[ -x "$BC" ] || die "build first: $BC is missing"

# A table for each run; retries tuned for contention (the default 4 retries
# with 100 ms minimum waits are for real clusters, not 8 writers on one file).
mktable() { # URI NAME
    "$CLI" --catalog "$1" --warehouse "$TMP/wh" namespace create bench >/dev/null 2>&1
    "$CLI" --catalog "$1" --warehouse "$TMP/wh" table create "$2" --schema 'k long' \
        --property commit.retry.num-retries=1000 --property commit.retry.min-wait-ms=1 \
        --property commit.retry.max-wait-ms=50 --property commit.manifest.min-count-to-merge=50 \
        >/dev/null || die "cannot create $2 in $1"
}

run_catalog() { # LABEL URI
    label=$1 uri=$2
    mktable "$uri" bench.lat
    lat=$("$BC" latency "$uri" bench.lat "$N") || die "latency on $label"
    med=$(echo "$lat" | sed 's/.*median_ms=\([^ ]*\).*/\1/')
    p99=$(echo "$lat" | sed 's/.*p99_ms=\([^ ]*\).*/\1/')
    echo "| $label | one-file append, 1 writer | $med | $p99 | $(awk "BEGIN{printf \"%.1f\", $med / $BASE_MED}")x |" >>"$TMP/lat.md"
    for w in 1 2 4 8; do
        mktable "$uri" "bench.tp$w"
        tp=$("$BC" throughput "$uri" "bench.tp$w" "$w" "$TP") || die "throughput on $label"
        cps=$(echo "$tp" | sed 's/.*commits_per_s=\([^ ]*\).*/\1/')
        retries=$(echo "$tp" | sed 's/.*retries=\([^ ]*\).*/\1/')
        echo "| $label | $w | $((w * TP)) | $cps | $retries |" >>"$TMP/tp.md"
    done
}

base=$("$BC" baseline "$TMP" "$N") || die "baseline"
BASE_MED=$(echo "$base" | sed 's/.*median_ms=\([^ ]*\).*/\1/')
BASE_P99=$(echo "$base" | sed 's/.*p99_ms=\([^ ]*\).*/\1/')
: >"$TMP/lat.md"
: >"$TMP/tp.md"
run_catalog SQLite "sqlite://$TMP/catalog.db"
if [ "$PG" = 1 ]; then
    PGDIR=$TMP/pg
    pguri=$(sh "$SRC/tools/pg-test-server.sh" start "$PGDIR" | head -n 1)
    [ -n "$pguri" ] || die "cannot start PostgreSQL"
    run_catalog PostgreSQL "$pguri"
fi

{
    echo "# Commit benchmark"
    echo
    echo "\`make bench\` (bench/commit.sh). $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "SuperTable $("$CLI" --version 2>/dev/null | head -n 1) (git $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo '?'))."
    echo
    echo "A commit here is a whole append: a one-row Parquet data file, its manifest, the"
    echo "manifest list, the new metadata JSON (each written and fsync'ed, then published"
    echo "by rename) and the catalog's compare-and-swap. The floor is one small file"
    echo "written, fsync'ed and renamed on the same disk in the same run."
    echo
    echo "## Latency ($N commits)"
    echo
    echo "| catalog | operation | median ms | p99 ms | median / floor |"
    echo "|---|---|---|---|---|"
    echo "| (floor) | write + fsync + rename | $BASE_MED | $BASE_P99 | 1.0x |"
    cat "$TMP/lat.md"
    echo
    echo "## Throughput ($TP commits per writer, one table, processes)"
    echo
    echo "| catalog | writers | commits | commits/s | redone after exhausting retries |"
    echo "|---|---|---|---|---|"
    cat "$TMP/tp.md"
} >"$OUT"
cat "$OUT"
