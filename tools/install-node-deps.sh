#!/bin/sh
# Installs the test-only JavaScript peers (DuckDB's native node package, hyparquet)
# into tests/interop/node_modules, once. They are reference implementations that
# SuperTable's Parquet files are checked against; nothing of ours depends on them.
set -eu
dir="$(cd "$(dirname "$0")/.." && pwd)/tests/interop"
if [ -d "$dir/node_modules/@duckdb/node-api" ] && [ -d "$dir/node_modules/hyparquet" ] \
   && [ -d "$dir/node_modules/icebird" ] \
   && [ "$dir/node_modules/.package-lock.json" -nt "$dir/package.json" ]; then
    exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install-node-deps: npm missing; run tools/install-deps.sh" >&2; exit 1; }
cd "$dir"
npm install --no-audit --no-fund --loglevel=error
