#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Runtime failures: exit 1 with "supertable: error: <message>" and never a
# crash, for missing files, files that are not Parquet, truncated and corrupt
# Parquet files (tests/resources/parquet-testing/bad_data), and bad text input.
. "$(dirname "$0")/lib/common.sh"

for cmd in "cat" "inspect" "cat -f jsonl" "inspect -f json"; do
    # shellcheck disable=SC2086
    run "$ST_BIN" parquet $cmd "$T/does-not-exist.parquet"
    expect_failure "$cmd missing file"
    expect_err_has "No such file or directory" "$cmd missing file"
    # shellcheck disable=SC2086
    run "$ST_BIN" parquet $cmd "$PT/README.md"
    expect_failure "$cmd text file"
    expect_err_has "not a valid Parquet file" "$cmd text file"
done
run "$ST_BIN" parquet cat "$T"
expect_failure "a directory"

# Truncated copies of a good file: every cut must fail cleanly.
size=$(wc -c <"$PT/alltypes_plain.parquet")
for cut in 0 4 8 100 1000 1500 $((size - 9)) $((size - 8)) $((size - 1)); do
    head -c "$cut" "$PT/alltypes_plain.parquet" >"$T/trunc.parquet"
    run "$ST_BIN" parquet cat "$T/trunc.parquet"
    expect_failure "truncated to $cut bytes"
    run "$ST_BIN" parquet inspect "$T/trunc.parquet"
    expect_failure "inspect truncated to $cut bytes"
done
# The data pages cut off, the footer intact: decoding must fail, not crash.
{ head -c 300 "$PT/alltypes_plain.parquet"; head -c 600 /dev/zero; \
  tail -c +901 "$PT/alltypes_plain.parquet"; } >"$T/zeroed.parquet"
run "$ST_BIN" parquet cat "$T/zeroed.parquet"
[ "$RC" -eq 0 ] || [ "$RC" -eq 1 ] || fail "zeroed pages: exit $RC"

for f in "$PT"/bad_data/*.parquet; do
    run "$ST_BIN" parquet cat "$f"
    [ "$RC" -eq 0 ] || expect_failure "cat $(basename "$f")"
    run "$ST_BIN" parquet inspect "$f"
    [ "$RC" -eq 0 ] || expect_failure "inspect $(basename "$f")"
    run "$ST_BIN" parquet cat -f jsonl "$f"
    [ "$RC" -eq 0 ] || [ "$RC" -eq 1 ] || fail "cat -f jsonl $(basename "$f"): exit $RC"
done

# Bad text input names the file, line and column.
printf 'a,b\n1,2\n3\n' >"$T/short.csv"
run "$ST_BIN" parquet convert "$T/short.csv" "$T/o.jsonl"
expect_failure "short record"
expect_err_has "short.csv:3: expected 2 fields, found 1" "short record"
[ ! -e "$T/o.jsonl" ] || fail "a failed conversion left its output behind"
printf 'a\n1\nx\n' >"$T/bad.csv"
run "$ST_BIN" parquet convert "$T/bad.csv" "$T/o.jsonl" --schema 'a long'
expect_failure "bad value"
expect_err_has "bad.csv:3:1: cannot parse 'x' as long (column 'a')" "bad value"
printf '{"a":1}\n{"a":\n' >"$T/bad.jsonl"
run "$ST_BIN" parquet convert "$T/bad.jsonl" "$T/o.csv"
expect_failure "malformed JSON"
expect_err_has "bad.jsonl:2: malformed JSON: column 6" "malformed JSON"
run "$ST_BIN" parquet convert "$T/bad.jsonl" "$T/o.csv" --schema 'a list<int'
expect_failure "bad schema"
run "$ST_BIN" parquet convert "$T/nope.csv" "$T/o.jsonl"
expect_failure "missing input"

finish
