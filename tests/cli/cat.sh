#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `parquet cat` on files of tests/resources/parquet-testing: exact table, CSV
# and JSON lines output, option permutation, --limit, --columns with nested
# paths, --where (comparisons, is [not] null, quoted values, filters on
# columns that are not printed, row-group pruning that keeps matching rows).
. "$(dirname "$0")/lib/common.sh"

F=$PT/alltypes_plain.parquet

run "$ST_BIN" parquet cat "$F" --columns id,bool_col,float_col,date_string_col --where 'id < 6'
expect_rc 0 "table"
want <<'OUT'
 id | bool_col | float_col | date_string_col
----+----------+-----------+-----------------
  4 | true     |         0 | 03/01/09
  5 | false    |       1.1 | 03/01/09
  2 | true     |         0 | 02/01/09
  3 | false    |       1.1 | 02/01/09
  0 | true     |         0 | 01/01/09
  1 | false    |       1.1 | 01/01/09
(6 rows)
OUT
expect_out "table"

# Options before or after the file give the same output.
run "$ST_BIN" parquet cat --limit 2 --format jsonl "$F"
cp "$T/out" "$T/before"
run "$ST_BIN" parquet cat "$F" --limit 2 --format jsonl
cmp -s "$T/before" "$T/out" || fail "cat --limit 2 F != cat F --limit 2"
run "$ST_BIN" parquet cat --format=jsonl -n2 "$F"
cmp -s "$T/before" "$T/out" || fail "cat --format=jsonl -n2 F != cat F --limit 2"
run env POSIXLY_CORRECT=1 "$ST_BIN" parquet cat "$F" --limit 2 --format jsonl
cmp -s "$T/before" "$T/out" || fail "options after the file with POSIXLY_CORRECT"
want <<'OUT'
{"id":4,"bool_col":true,"tinyint_col":0,"smallint_col":0,"int_col":0,"bigint_col":0,"float_col":0,"double_col":0,"date_string_col":"MDMvMDEvMDk=","string_col":"MA==","timestamp_col":"2009-03-01T00:00:00.000000Z"}
{"id":5,"bool_col":false,"tinyint_col":1,"smallint_col":1,"int_col":1,"bigint_col":10,"float_col":1.1,"double_col":10.1,"date_string_col":"MDMvMDEvMDk=","string_col":"MQ==","timestamp_col":"2009-03-01T00:01:00.000000Z"}
OUT
expect_out "jsonl --limit 2"

run "$ST_BIN" parquet cat "$F" -f csv -c id,timestamp_col -n 3
want <<'OUT'
id,timestamp_col
4,2009-03-01T00:00:00.000000Z
5,2009-03-01T00:01:00.000000Z
6,2009-04-01T00:00:00.000000Z
OUT
expect_out "csv"

run "$ST_BIN" parquet cat "$F" -f csv -c id --limit 0
want <<'OUT'
id
OUT
expect_out "csv --limit 0"
run "$ST_BIN" parquet cat "$F" -c id --limit 0
want <<'OUT'
 id
----
(0 rows)
OUT
expect_out "table --limit 0"

# --where: the column need not be printed; several filters all apply.
run "$ST_BIN" parquet cat "$F" -c id -f csv -w 'float_col > 1' \
    -w 'timestamp_col >= 2009-03-01T00:00:30Z'
want <<'OUT'
id
5
7
OUT
expect_out "where on unprinted columns"
run "$ST_BIN" parquet cat "$F" -f csv -c id --where "date_string_col = '03/01/09'"
want <<'OUT'
id
4
5
OUT
expect_out "where with a quoted value"
run "$ST_BIN" parquet cat "$F" -f csv -c id -w 'id != 4' -n 2
want <<'OUT'
id
5
6
OUT
expect_out "where and limit"
run "$ST_BIN" parquet cat "$F" -f csv -c id -w 'bool_col = true' -w 'id >= 6'
want <<'OUT'
id
6
OUT
expect_out "where on a boolean"
run "$ST_BIN" parquet cat "$F" -f csv -c id -w 'double_col != NaN' -w 'double_col = 10.1' -n 2
want <<'OUT'
id
5
7
OUT
expect_out "NaN is unordered; a literal the reader cannot prune with"
run "$ST_BIN" parquet cat "$F" -f csv -c id -w 'id > 100'
want <<'OUT'
id
OUT
expect_out "where matching nothing"

# Nested: a struct path prints the struct with just the selected fields.
N=$PT/nullable.impala.parquet
run "$ST_BIN" parquet cat "$N" -c id,nested_struct.A -w 'nested_struct.A is not null' -f jsonl
want <<'OUT'
{"id":1,"nested_struct":{"A":1}}
{"id":7,"nested_struct":{"A":7}}
OUT
expect_out "nested path and is not null"
run "$ST_BIN" parquet cat "$N" -c id -w 'nested_struct.A is null' -f csv
want <<'OUT'
id
2
3
4
5
6
OUT
expect_out "is null through a null parent"
run "$ST_BIN" parquet cat "$PT/nested_structs.rust.parquet" -c roll_num.max,PC_CUR.min -f jsonl
want <<'OUT'
{"roll_num":{"max":190407175004000},"PC_CUR":{"min":115}}
OUT
expect_out "two nested paths"
run "$ST_BIN" parquet cat "$PT/nested_maps.snappy.parquet" -f jsonl -n 2
want <<'OUT'
{"a":{"a":[{"key":1,"value":true},{"key":2,"value":false}]},"b":1,"c":1}
{"a":{"b":[{"key":1,"value":true}]},"b":1,"c":1}
OUT
expect_out "maps"

# UINT_64 (read as decimal(20,0)) prints as a JSON integer.
run "$ST_BIN" parquet cat "$PT/nested_structs.rust.parquet" -c roll_num.count -f jsonl
want <<'OUT'
{"roll_num":{"count":495}}
OUT
expect_out "UINT_64 as an integer"

# Long cells are cut in the table.
run "$ST_BIN" parquet cat "$PT/nested_maps.snappy.parquet" -c a -n 1 --max-width 12
want <<'OUT'
 a
--------------
 {"a":[{"key…
(1 row)
OUT
expect_out "table cuts long cells"

# Row-group pruning must not lose rows: a file with statistics, several row groups.
run "$ST_BIN" parquet cat "$PT/data_index_bloom_encoding_stats.parquet" -f csv -w "String = today"
want <<'OUT'
String
today
OUT
expect_out "where on a string with statistics"

# Errors from the data, not the command line, exit 1.
run "$ST_BIN" parquet cat "$F" -w 'nope = 1'
expect_failure "where on a missing column"
expect_err_has "nope" "where on a missing column"
run "$ST_BIN" parquet cat "$F" -w 'id = abc'
expect_failure "where with a bad literal"
run "$ST_BIN" parquet cat "$F" -c nope
expect_failure "missing column"
expect_err_has "no column 'nope'" "missing column"
run "$ST_BIN" parquet cat "$PT/null_list.parquet" -w 'emptylist is null'
expect_failure "where on a list"

finish
