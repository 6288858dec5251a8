#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `parquet convert` to and from Parquet: CSV -> Parquet -> JSON lines with
# exact output for every type, nested JSON lines through Parquet, every codec,
# row groups, page version, dictionaries, the summary line, Parquet -> CSV and
# Parquet -> Parquet, and `cat --where` on the written statistics.
. "$(dirname "$0")/lib/common.sh"

S='b boolean, i int, l long, f float, d double, dec decimal(10,2), big decimal(38,10), dt date, t time, ts timestamp, tz timestamptz, tn timestamp_ns, tzn timestamptz_ns, s string, u uuid, fx fixed[2], bin binary'
cat >"$T/types.csv" <<'IN'
b,i,l,f,d,dec,big,dt,t,ts,tz,tn,tzn,s,u,fx,bin
true,-2147483648,-9223372036854775808,0.1,-0,12.3,-1234567890123456789012345678.0123456789,2024-02-29,12:34:56.5,2024-01-02T03:04:05,2024-01-02T03:04:05+01:00,2024-01-02T03:04:05.123456789,1969-12-31T23:59:59.999999999Z,"a,""b"" é",F79C3E09-677C-4BBD-A479-3F349CB785E7,AP8=,cmF3
false,2147483647,9223372036854775807,NaN,1e300,-0.05,0,1969-12-31,00:00,1969-12-31T23:59:59.999999,1970-01-01T00:00:00Z,1970-01-01T00:00:00,2262-04-11T23:47:16.854775807Z,,00000000-0000-0000-0000-000000000000,//8=,""
,,,,-Infinity,,,,,,,,,"",,,
IN
cat >"$T/types.want" <<'OUT'
{"b":true,"i":-2147483648,"l":-9223372036854775808,"f":0.1,"d":-0,"dec":"12.30","big":"-1234567890123456789012345678.0123456789","dt":"2024-02-29","t":"12:34:56.500000","ts":"2024-01-02T03:04:05.000000","tz":"2024-01-02T02:04:05.000000Z","tn":"2024-01-02T03:04:05.123456789","tzn":"1969-12-31T23:59:59.999999999Z","s":"a,\"b\" é","u":"f79c3e09-677c-4bbd-a479-3f349cb785e7","fx":"AP8=","bin":"cmF3"}
{"b":false,"i":2147483647,"l":9223372036854775807,"f":"NaN","d":1e+300,"dec":"-0.05","big":"0.0000000000","dt":"1969-12-31","t":"00:00:00.000000","ts":"1969-12-31T23:59:59.999999","tz":"1970-01-01T00:00:00.000000Z","tn":"1970-01-01T00:00:00.000000000","tzn":"2262-04-11T23:47:16.854775807Z","s":null,"u":"00000000-0000-0000-0000-000000000000","fx":"//8=","bin":""}
{"b":null,"i":null,"l":null,"f":null,"d":"-Infinity","dec":null,"big":null,"dt":null,"t":null,"ts":null,"tz":null,"tn":null,"tzn":null,"s":"","u":null,"fx":null,"bin":null}
OUT

for codec in zstd snappy gzip lz4_raw brotli none; do
    run "$ST_BIN" parquet convert "$T/types.csv" "$T/types.$codec.parquet" --schema "$S" \
        --codec "$codec"
    expect_rc 0 "csv to parquet ($codec)"
    expect_err_has "wrote 3 rows, 1 row group, " "summary ($codec)"
    run "$ST_BIN" parquet cat --format jsonl "$T/types.$codec.parquet"
    cp "$T/types.want" "$T/want"
    expect_out "csv -> parquet ($codec) -> jsonl"
done

# The schema keeps its field ids and requiredness.
run "$ST_BIN" parquet convert "$T/types.csv" "$T/req.parquet" -q --schema "b boolean not null, i int, l long, f float, d double, dec decimal(10,2), big decimal(38,10), dt date, t time, ts timestamp, tz timestamptz, tn timestamp_ns, tzn timestamptz_ns, s string, u uuid, fx fixed[2], bin binary"
expect_failure "null in a required column"
run "$ST_BIN" parquet inspect -f json "$T/types.zstd.parquet"
expect_out_has '"schema": "b boolean, i int, l long, f float, d double, dec decimal(10,2), big decimal(38,10), dt date' "inspect schema"
expect_out_has '{"id": 17, "name": "bin", "type": "binary", "required": false}' "field ids"

# Nested JSON lines through Parquet, data page v2, no dictionary.
N='id long not null, tags list<string>, p struct<x: double, y: list<struct<k: int, v: string>>>, m map<string, int>, im map<int, date>'
cat >"$T/n.jsonl" <<'IN'
{"id":1,"tags":["a",null,"c"],"p":{"x":1.5,"y":[{"k":1,"v":"one"},null]},"m":{"10":1,"2":2},"im":[{"key":3,"value":"2024-01-01"}]}
{"id":2,"tags":[],"p":null,"m":{},"im":[]}
{"id":3,"tags":null,"p":{"x":null,"y":[]},"m":null,"im":null}
IN
for pv in 1 2; do
    run "$ST_BIN" parquet convert "$T/n.jsonl" "$T/n$pv.parquet" --schema "$N" --page-version "$pv" \
        --no-dictionary
    expect_rc 0 "nested jsonl to parquet (v$pv)"
    run "$ST_BIN" parquet cat -f jsonl "$T/n$pv.parquet"
    cp "$T/n.jsonl" "$T/want"
    expect_out "nested round trip (page v$pv)"
done
run "$ST_BIN" parquet inspect "$T/n1.parquet"
grep -q 'DICTIONARY' "$T/out" && fail "--no-dictionary still wrote dictionary encodings"
run "$ST_BIN" parquet cat -f jsonl "$T/n1.parquet" -c id,p.x -w 'p.x is not null'
want <<'OUT'
{"id":1,"p":{"x":1.5}}
OUT
expect_out "nested path on a written file"

# Row groups, statistics and pruning on a written file.
awk 'BEGIN { print "n,s"; for (i = 1; i <= 1000; i++) printf "%d,s%04d\n", i, i }' >"$T/seq.csv"
run "$ST_BIN" parquet convert "$T/seq.csv" "$T/seq.parquet" --row-group-rows 300
expect_rc 0 "row groups"
expect_err_has "wrote 1000 rows, 4 row groups, " "row group count"
run "$ST_BIN" parquet inspect "$T/seq.parquet"
expect_out_has "row groups:      4" "inspect row groups"
expect_out_has "statistics: min 1, max 300, nulls 0" "inspect statistics"
run "$ST_BIN" parquet cat "$T/seq.parquet" -f csv -w 'n > 598' -w 'n <= 601' -w "s != s0600"
want <<'OUT'
n,s
599,s0599
601,s0601
OUT
expect_out "where across row groups"
run "$ST_BIN" parquet cat "$T/seq.parquet" -f csv -c s --limit 2 --where 'n >= 999'
want <<'OUT'
s
s0999
s1000
OUT
expect_out "where on an unprinted column, limit"

# Parquet in: to CSV, and to Parquet again (schema and rows unchanged).
run "$ST_BIN" parquet convert "$PT/alltypes_plain.parquet" "$T/a.csv" -q
expect_rc 0 "parquet to csv"
run "$ST_BIN" parquet cat -f csv "$PT/alltypes_plain.parquet"
cp "$T/out" "$T/want"
cp "$T/a.csv" "$T/out"
expect_out "parquet to csv == cat -f csv"
run "$ST_BIN" parquet convert "$T/types.zstd.parquet" "$T/copy.parquet" --codec snappy -q
expect_rc 0 "parquet to parquet"
run "$ST_BIN" parquet cat -f jsonl "$T/copy.parquet"
cp "$T/types.want" "$T/want"
expect_out "parquet -> parquet"

finish
