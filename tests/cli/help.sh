#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# --help of every command and subcommand (exit 0, usage on stdout, nothing on
# stderr), wherever the option appears; --version.
. "$(dirname "$0")/lib/common.sh"

IFS='|'
set -f
for cmd in "" "parquet" "parquet inspect" "parquet cat" "parquet convert" "namespace" \
    "namespace create" "namespace list" "namespace describe" "namespace drop" "table" \
    "table create" "table list" "table describe" "table alter" "table drop" "table rename" \
    "table history" "table snapshots" "table files" "table manifests" "table partitions" \
    "table entries" "table refs" \
    "table properties" "table rollback" "table set-current" "table cherry-pick" "table tag" \
    "table branch" "table expire" "table upgrade" "import"; do
    IFS=' '
    for h in --help -h; do
        # shellcheck disable=SC2086
        run "$ST_BIN" $cmd $h
        expect_rc 0 "supertable $cmd $h"
        expect_err_empty "supertable $cmd $h"
        expect_out_has "usage: supertable" "supertable $cmd $h"
    done
done
IFS=' '
set +f
run "$ST_BIN" help
expect_rc 0 "supertable help"
run "$ST_BIN" parquet help
expect_rc 0 "supertable parquet help"
expect_out_has "inspect FILE" "supertable parquet help"

# --help after other arguments still wins, and reads no file.
run "$ST_BIN" parquet cat no-such-file.parquet --limit 3 --help
expect_rc 0 "cat FILE --help"
expect_out_has "--where EXPR" "cat FILE --help"
run "$ST_BIN" parquet convert a.csv b.parquet --help
expect_rc 0 "convert IN OUT --help"
expect_out_has "--row-group-rows" "convert IN OUT --help"
run "$ST_BIN" parquet inspect x.parquet -h
expect_rc 0 "inspect FILE -h"

# --help wins over everything else and touches no catalog.
run "$ST_BIN" --catalog "sqlite://$T/nowhere/x.db" table snapshots no.table --format json --help
expect_rc 0 "table snapshots ... --help"
expect_out_has "--format FMT" "table snapshots ... --help"
[ ! -e "$T/nowhere" ] || fail "--help opened the catalog"
run "$ST_BIN" import ns.t a.csv b.csv --mode overwrite -h
expect_rc 0 "import ... -h"
expect_out_has "--mode MODE" "import ... -h"
run "$ST_BIN" table help
expect_rc 0 "supertable table help"
expect_out_has "cherry-pick TABLE ID" "supertable table help"

run "$ST_BIN" --version
expect_rc 0 "--version"
grep -q '^supertable [0-9][0-9.]*$' "$T/out" || fail "--version prints '$(cat "$T/out")'"

finish
