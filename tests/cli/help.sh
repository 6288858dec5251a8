#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# --help of every command and subcommand (exit 0, usage on stdout, nothing on
# stderr), wherever the option appears; --version.
. "$(dirname "$0")/lib/common.sh"

for cmd in "" "parquet" "parquet inspect" "parquet cat" "parquet convert"; do
    for h in --help -h; do
        # shellcheck disable=SC2086
        run "$ST_BIN" $cmd $h
        expect_rc 0 "supertable $cmd $h"
        expect_err_empty "supertable $cmd $h"
        expect_out_has "usage: supertable" "supertable $cmd $h"
    done
done
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

run "$ST_BIN" --version
expect_rc 0 "--version"
grep -q '^supertable [0-9][0-9.]*$' "$T/out" || fail "--version prints '$(cat "$T/out")'"

finish
