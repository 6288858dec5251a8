#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `parquet convert` between the text formats (no Parquet involved): CSV and
# TSV to JSON lines and back with exact output for every type, inference,
# CSV options, standard input and output, the summary line.
. "$(dirname "$0")/lib/common.sh"

S='b boolean, i int, l long, f float, d double, dec decimal(10,2), dt date, t time, ts timestamp, tz timestamptz, tn timestamp_ns, s string, u uuid, fx fixed[2], bin binary'
cat >"$T/types.csv" <<'IN'
b,i,l,f,d,dec,dt,t,ts,tz,tn,s,u,fx,bin
true,-2147483648,-9223372036854775808,0.1,-0,12.3,2024-02-29,12:34:56.5,2024-01-02T03:04:05,2024-01-02T03:04:05+01:00,2024-01-02T03:04:05.123456789,"a,""b""",F79C3E09-677C-4BBD-A479-3F349CB785E7,AP8=,cmF3IGJ5dGVz
false,2147483647,9223372036854775807,NaN,1e300,-0.05,1969-12-31,00:00,1969-12-31T23:59:59.999999,1970-01-01T00:00:00Z,1970-01-01T00:00:00,,00000000-0000-0000-0000-000000000000,//8,""
,,,,,,,,,,,"",,,
IN
run "$ST_BIN" parquet convert "$T/types.csv" "$T/types.jsonl" --schema "$S"
expect_rc 0 "csv to jsonl"
expect_err_has "wrote 3 rows, " "summary line"
expect_err_has " bytes to $T/types.jsonl" "summary line"
want <<'OUT'
{"b":true,"i":-2147483648,"l":-9223372036854775808,"f":0.1,"d":-0,"dec":"12.30","dt":"2024-02-29","t":"12:34:56.500000","ts":"2024-01-02T03:04:05.000000","tz":"2024-01-02T02:04:05.000000Z","tn":"2024-01-02T03:04:05.123456789","s":"a,\"b\"","u":"f79c3e09-677c-4bbd-a479-3f349cb785e7","fx":"AP8=","bin":"cmF3IGJ5dGVz"}
{"b":false,"i":2147483647,"l":9223372036854775807,"f":"NaN","d":1e+300,"dec":"-0.05","dt":"1969-12-31","t":"00:00:00.000000","ts":"1969-12-31T23:59:59.999999","tz":"1970-01-01T00:00:00.000000Z","tn":"1970-01-01T00:00:00.000000000","s":null,"u":"00000000-0000-0000-0000-000000000000","fx":"//8=","bin":""}
{"b":null,"i":null,"l":null,"f":null,"d":null,"dec":null,"dt":null,"t":null,"ts":null,"tz":null,"tn":null,"s":"","u":null,"fx":null,"bin":null}
OUT
cp "$T/types.jsonl" "$T/out"
expect_out "csv to jsonl, every type"

# And back: JSON lines to CSV in the canonical CSV text; CSV to CSV is stable.
run "$ST_BIN" parquet convert "$T/types.jsonl" "$T/back.csv" --schema "$S" -q
expect_rc 0 "jsonl to csv"
expect_err_empty "--quiet"
want <<'OUT'
b,i,l,f,d,dec,dt,t,ts,tz,tn,s,u,fx,bin
true,-2147483648,-9223372036854775808,0.1,-0,12.30,2024-02-29,12:34:56.500000,2024-01-02T03:04:05.000000,2024-01-02T02:04:05.000000Z,2024-01-02T03:04:05.123456789,"a,""b""",f79c3e09-677c-4bbd-a479-3f349cb785e7,AP8=,cmF3IGJ5dGVz
false,2147483647,9223372036854775807,NaN,1e+300,-0.05,1969-12-31,00:00:00.000000,1969-12-31T23:59:59.999999,1970-01-01T00:00:00.000000Z,1970-01-01T00:00:00.000000000,,00000000-0000-0000-0000-000000000000,//8=,""
,,,,,,,,,,,"",,,
OUT
cp "$T/back.csv" "$T/out"
expect_out "jsonl to csv"
run "$ST_BIN" parquet convert "$T/back.csv" - --to csv --schema "$S"
cp "$T/back.csv" "$T/want"
expect_out "csv to csv is stable"

# Inference.
printf 'id,name,score,day,ok\n1,ann,1.5,2024-01-01,true\n2,,2,2024-01-02,false\n' >"$T/inf.csv"
run "$ST_BIN" parquet convert "$T/inf.csv" - --to jsonl
want <<'OUT'
{"id":1,"name":"ann","score":1.5,"day":"2024-01-01","ok":true}
{"id":2,"name":null,"score":2,"day":"2024-01-02","ok":false}
OUT
expect_out "inferred schema (an empty field is null, \"\" the empty string)"

# Nested JSON to CSV: nested values as their JSON text.
printf '{"id":1,"tags":["a","b"],"p":{"x":1.5}}\n{"id":2,"tags":[],"p":null}\n' >"$T/n.jsonl"
run "$ST_BIN" parquet convert "$T/n.jsonl" - --to csv
want <<'OUT'
id,tags,p
1,"[""a"",""b""]","{""x"":1.5}"
2,[],
OUT
expect_out "nested to csv"
run "$ST_BIN" parquet convert "$T/n.jsonl" - --to jsonl --schema 'id int, tags list<string>'
want <<'OUT'
{"id":1,"tags":["a","b"]}
{"id":2,"tags":[]}
OUT
expect_out "jsonl with a schema ignores other keys"

# Raw binary and hex fixed instead of base64; --null makes empty strings empty.
printf 'b,f,s\nab c,00ff,\n' >"$T/raw.csv"
run "$ST_BIN" parquet convert "$T/raw.csv" - --to jsonl --binary raw --null NULL \
    --schema 'b binary, f fixed[2], s string'
want <<'OUT'
{"b":"YWIgYw==","f":"AP8=","s":""}
OUT
expect_out "--binary raw"
run "$ST_BIN" parquet convert "$T/raw.csv" - --binary raw --schema 'b binary, f fixed[2], s string' \
    --to csv
want <<'OUT'
b,f,s
ab c,00ff,
OUT
expect_out "--binary raw out"

# TSV, delimiters, headerless input, null text, standard input.
printf 'a\tb\n1\tx y\n' >"$T/t.tsv"
run "$ST_BIN" parquet convert "$T/t.tsv" - --to jsonl
want <<'OUT'
{"a":1,"b":"x y"}
OUT
expect_out "tsv in"
run "$ST_BIN" parquet convert "$T/inf.csv" "$T/o.tsv" -q --schema 'id int, name string, score double, day date, ok boolean'
printf 'id\tname\tscore\tday\tok\n1\tann\t1.5\t2024-01-01\ttrue\n2\t\t2\t2024-01-02\tfalse\n' >"$T/want"
cp "$T/o.tsv" "$T/out"
expect_out "tsv out"
printf '1;NULL\n2;x\n' | "$ST_BIN" parquet convert - - --from csv --to jsonl --delimiter ';' \
    --no-header --null NULL >"$T/out" 2>"$T/err"
want <<'OUT'
{"c1":1,"c2":null}
{"c1":2,"c2":"x"}
OUT
expect_out "stdin, --delimiter, --no-header, --null"
printf '{"a":null,"b":"NULL"}\n' | "$ST_BIN" parquet convert - - --from jsonl --to csv \
    --null NULL --schema 'a string, b string' >"$T/out" 2>"$T/err"
want <<'OUT'
a,b
NULL,"NULL"
OUT
expect_out "--null on output quotes the real text"
printf 'a\n1\n2\nx\n' >"$T/late.csv"
run "$ST_BIN" parquet convert "$T/late.csv" - --to jsonl --infer-rows 2
expect_failure "value past the inference sample"
expect_err_has "late.csv:4:1: cannot parse 'x' as long" "value past the inference sample"

finish
