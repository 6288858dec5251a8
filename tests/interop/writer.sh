#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Interop test of the Parquet writer: files written by SuperTable must read as
# exactly the rows written in DuckDB (@duckdb/node-api) and hyparquet.
# Registered with CTest by tests/CMakeLists.txt, which sets:
#   ST_BIN  the supertable CLI (the unit-test binary is $(dirname ST_BIN)/tests/st_tests)
#   ST_SRC  repo root      ST_TMP  scratch dir
# Optional: NODE (default node), ST_TESTS (path of st_tests), ST_ARROW_RS_DIR (where
# the arrow-rs peer is installed; default: next to ST_BIN).
#
# Steps:
#   1. install the npm peers (tools/install-node-deps.sh)
#   2. the unit test parquet::writer_interop::samples writes NAME.parquet files
#      (every type, nesting, codec, page version 1/2, dictionary / plain /
#      fallback, tiny pages) into $ST_TMP/files with NAME.expect.jsonl, the
#      rows in canonical JSONL (tests/interop/README.md) made from the vectors
#   3. the page structures of every file (page_index.mjs): pages tile each
#      chunk, CRCs match, offset and column indexes describe the pages
#   4. for every file: `dump.mjs duckdb` and `dump.mjs hyparquet` must equal
#      the expectation value by value (compare.mjs)
#   5. arrow-rs (npm parquet-wasm, installed on first use; skipped when npm
#      cannot install it) decodes every file with the expected row and null
#      counts (arrow_rs.mjs)

set -u

ST_SRC=${ST_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
ST_TMP=${ST_TMP:-${TMPDIR:-/tmp}/st-interop-writer-$$}
ST_BIN=${ST_BIN:-$ST_SRC/build/supertable}
ST_TESTS=${ST_TESTS:-$(dirname "$ST_BIN")/tests/st_tests}
NODE=${NODE:-node}
I=$ST_SRC/tests/interop
T0=$(date +%s)
STEP=setup

step() { STEP=$1; echo "== $1 (+$(( $(date +%s) - T0 ))s)"; }
die() { echo "FAIL [$STEP]: $*" >&2; exit 1; }
run() { "$@" || die "command failed (exit $?): $*"; }

step "install node deps"
run sh "$ST_SRC/tools/install-node-deps.sh"
command -v "$NODE" >/dev/null 2>&1 || die "node not found"
[ -x "$ST_TESTS" ] || die "no unit-test binary at $ST_TESTS"
rm -rf "$ST_TMP"
mkdir -p "$ST_TMP/files" || die "cannot create $ST_TMP"

step "write the samples"
ST_INTEROP_OUT="$ST_TMP/files" run "$ST_TESTS" -s parquet::writer_interop::samples
n=0
for f in "$ST_TMP"/files/*.parquet; do
    [ -e "$f" ] || die "the unit test wrote no files"
    n=$((n + 1))
done

step "page indexes and checksums of $n files"
run "$NODE" "$I/page_index.mjs" "$ST_TMP"/files/*.parquet

step "read $n files with DuckDB and hyparquet"
for f in "$ST_TMP"/files/*.parquet; do
    b=${f%.parquet}
    name=$(basename "$b")
    rows=$(wc -l <"$b.expect.jsonl" | tr -d ' ')
    "$NODE" "$I/dump.mjs" duckdb "$f" --out "$b.duckdb.jsonl" 2>"$b.duckdb.err" & p1=$!
    "$NODE" "$I/dump.mjs" hyparquet "$f" --out "$b.hyparquet.jsonl" 2>"$b.hyparquet.err" & p2=$!
    wait $p1 || { cat "$b.duckdb.err" >&2; die "DuckDB cannot read $name"; }
    wait $p2 || { cat "$b.hyparquet.err" >&2; die "hyparquet cannot read $name"; }
    for peer in duckdb hyparquet; do
        "$NODE" "$I/compare.mjs" "$b.expect.jsonl" "$b.$peer.jsonl" --label-a "written:$name" \
            --label-b "$peer:$name" --expect-rows "$rows" \
            || die "$peer reads $name differently (files kept in $ST_TMP/files)"
    done
done

step "arrow-rs reads the $n files"
AR=${ST_ARROW_RS_DIR:-$(dirname "$ST_BIN")/interop-arrow-rs}
if [ ! -d "$AR/node_modules/parquet-wasm" ]; then
    mkdir -p "$AR" && printf '{"name":"st-arrow-rs","private":true}\n' >"$AR/package.json" &&
        (cd "$AR" && npm install --no-audit --no-fund --loglevel=error parquet-wasm@0.7.1 \
            apache-arrow@21.1.0 >"$AR/install.log" 2>&1) ||
        echo "SKIP: cannot install parquet-wasm (see $AR/install.log)"
fi
if [ -d "$AR/node_modules/parquet-wasm" ]; then
    ARROW_RS_DIR=$AR run "$NODE" "$I/arrow_rs.mjs" "$ST_TMP"/files/*.parquet
fi

echo "== writer interop: OK, $n files ($(( $(date +%s) - T0 ))s)"
