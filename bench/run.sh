#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Parquet benchmark, SuperTable vs DuckDB (`make bench` runs `./bench/run.sh build`).
# Data, operations and method: bench/README.md. Output: bench/results/parquet.md.
#
# Usage: bench/run.sh BUILD_DIR
# Environment: ST_BENCH_ROWS (10000000), ST_BENCH_THREADS (nproc), ST_BENCH_RUNS (3),
#              ST_BENCH_CODECS ("zstd snappy"), NODE (node)
#
# ---------------------------------------------------------------------------
# Interface SuperTable's benchmark program must implement (bench/bench_parquet.c,
# built by bench/CMakeLists.txt as $BUILD_DIR/bench/bench_parquet):
#
#   bench_parquet write    --codec zstd|snappy --rows N --threads T --row-group-rows R --out FILE
#   bench_parquet read-all --threads T --out FILE
#   bench_parquet read-one --threads T --out FILE
#
# - write: builds the N-row table of bench/README.md in memory (NOT timed), then
#   writes it to FILE with the codec and row groups of R rows (timed: from the
#   first byte written until FILE is complete and closed).
# - read-all: reads FILE (any writer's; columns id, a, b, s, t) decoding every
#   value of every column and computes
#     count(*), sum(id), sum(a), min(b), max(b), sum(length(s)), max(t)
# - read-one: reads only column b of FILE and computes count(*), min(b), max(b), sum(b).
# - every invocation does ONE timed operation and prints exactly one line:
#     seconds=<float> bytes=<int> check=<v1>:<v2>:...
#   seconds = wall-clock time of the operation; bytes = size of FILE;
#   check = write: <rows>; read-all: <count>:<sum id>:<sum a>:<min b>:<max b>:<sum len s>:<max t epoch micros>;
#           read-one: <count>:<min b>:<max b>  (doubles with %.17g)
#   Non-zero exit status on error. Use exactly T threads (T = 1 means single-threaded).
# bench/parquet_duckdb.mjs implements the same interface with DuckDB.
# ---------------------------------------------------------------------------

set -u
BUILD=${1:?usage: bench/run.sh BUILD_DIR}
SRC=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$(cd "$BUILD" 2>/dev/null && pwd || echo "$PWD/$BUILD") ;; esac
NODE=${NODE:-node}
ROWS=${ST_BENCH_ROWS:-10000000}
THREADS=${ST_BENCH_THREADS:-$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)}
RUNS=${ST_BENCH_RUNS:-3}
CODECS=${ST_BENCH_CODECS:-"zstd snappy"}
RG=122880
DATA=$SRC/bench/data
OUT=$SRC/bench/results/parquet.md
TSV=$DATA/results.tsv
ST=$BUILD/bench/bench_parquet

die() { echo "bench: $*" >&2; exit 1; }
duck() { "$NODE" "$SRC/bench/parquet_duckdb.mjs" "$@"; }

sh "$SRC/tools/install-node-deps.sh" || die "cannot install node deps (tools/install-node-deps.sh)"
mkdir -p "$DATA" "$(dirname "$OUT")" || die "cannot create $DATA"
: >"$TSV"

if [ -x "$ST" ]; then
    HAVE_ST=1
    ST_VERSION="$("$BUILD/supertable" --version 2>/dev/null | head -n 1) (git $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo '?'))"
else
    HAVE_ST=0
    ST_VERSION=
    echo "SuperTable side not built yet ($ST missing): measuring DuckDB only"
fi

# measure ENGINE CODEC OP SOURCE CMD...: run CMD $RUNS times, record each result line
measure() {
    engine=$1 codec=$2 op=$3 source=$4
    shift 4
    k=1
    while [ "$k" -le "$RUNS" ]; do
        line=$("$@") || die "$engine $op ($codec) failed: $*"
        case $line in seconds=*) ;; *) die "$engine $op ($codec): unexpected output: $line" ;; esac
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$engine" "$codec" "$op" "$source" "$k" "$line" >>"$TSV"
        echo "  $engine $op $codec (${source}'s file) run $k: $line"
        k=$((k + 1))
    done
}

echo "bench: $ROWS rows, $THREADS threads, codecs: $CODECS, $RUNS runs each"
for codec in $CODECS; do
    dfile=$DATA/duckdb_$codec.parquet
    sfile=$DATA/supertable_$codec.parquet
    measure duckdb "$codec" write duckdb duck write --codec "$codec" --rows "$ROWS" --threads "$THREADS" \
        --row-group-rows $RG --out "$dfile"
    if [ $HAVE_ST = 1 ]; then
        measure supertable "$codec" write supertable "$ST" write --codec "$codec" --rows "$ROWS" --threads "$THREADS" \
            --row-group-rows $RG --out "$sfile"
    fi
    for op in read-all read-one; do
        measure duckdb "$codec" "$op" duckdb duck "$op" --threads "$THREADS" --out "$dfile"
        if [ $HAVE_ST = 1 ]; then
            measure supertable "$codec" "$op" duckdb "$ST" "$op" --threads "$THREADS" --out "$dfile"
            measure supertable "$codec" "$op" supertable "$ST" "$op" --threads "$THREADS" --out "$sfile"
            measure duckdb "$codec" "$op" supertable duck "$op" --threads "$THREADS" --out "$sfile"
        fi
    done
done

duck report --tsv "$TSV" --out "$OUT" --rows "$ROWS" --threads "$THREADS" --runs "$RUNS" \
    --row-group-rows $RG --st-built $HAVE_ST --st-version "$ST_VERSION"
status=$?
echo "bench: results in $OUT"
[ $status = 0 ] || die "result checks failed (see $OUT)"
