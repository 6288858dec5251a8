#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Usage errors: exit 2, a one-line message and "Try '<command> --help'." on
# stderr, nothing on stdout, for every kind of bad command line.
. "$(dirname "$0")/lib/common.sh"

F=$PT/alltypes_plain.parquet
C=$T/u.csv
printf 'a\n1\n' >"$C"

check() { # check CMD-NAME MESSAGE-PART ARGS...
    name=$1 msg=$2
    shift 2
    run "$ST_BIN" "$@"
    expect_usage "$name" "$*"
    expect_err_has "$msg" "$*"
}

check supertable "no command given"
check supertable "unknown command 'frobnicate'" frobnicate
check supertable "unknown option '--frob'" --frob parquet
check "supertable parquet" "no subcommand given" parquet
check "supertable parquet" "unknown subcommand 'kat'" parquet kat
check "supertable parquet cat" "no file given" parquet cat
check "supertable parquet cat" "no file given" parquet cat --limit 3
check "supertable parquet cat" "one file at a time" parquet cat "$F" "$F"
check "supertable parquet cat" "unknown option '--bogus'" parquet cat "$F" --bogus
check "supertable parquet cat" "unknown option '-z'" parquet cat -z "$F"
check "supertable parquet cat" "option '--limit' needs a value" parquet cat "$F" --limit
check "supertable parquet cat" "option '-n' needs a value" parquet cat "$F" -n
check "supertable parquet cat" "--limit needs a number, got 'ten'" parquet cat "$F" --limit ten
check "supertable parquet cat" "--limit needs a number, got '-1'" parquet cat "$F" --limit=-1
check "supertable parquet cat" "--format must be table, csv or jsonl" parquet cat "$F" -f xml
check "supertable parquet cat" "empty column name" parquet cat "$F" --columns id,,x
check "supertable parquet cat" "bad --where 'id': expected an operator" parquet cat "$F" -w id
check "supertable parquet cat" "a comparison needs a value" parquet cat "$F" --where 'id >='
check "supertable parquet cat" "expected a column name" parquet cat "$F" --where '= 3'
check "supertable parquet cat" "expected 'is null' or 'is not null'" \
    parquet cat "$F" --where 'id is nothing'
check "supertable parquet cat" "unterminated or misplaced quote" parquet cat "$F" --where "id = 'x"
check "supertable parquet cat" "--max-width needs a number" parquet cat "$F" --max-width 2
check "supertable parquet inspect" "no file given" parquet inspect
check "supertable parquet inspect" "--format must be text or json" parquet inspect "$F" -f yaml
check "supertable parquet inspect" "one file at a time" parquet inspect "$F" "$F"
check "supertable parquet convert" "no input and output files given" parquet convert
check "supertable parquet convert" "no output file given" parquet convert "$C"
check "supertable parquet convert" "too many arguments" parquet convert "$C" a.jsonl b.jsonl
check "supertable parquet convert" "cannot tell the format of '$T/x.dat'" \
    parquet convert "$C" "$T/x.dat"
check "supertable parquet convert" "cannot tell the format of 'in.txt'" \
    parquet convert in.txt out.jsonl
check "supertable parquet convert" "unknown format 'xml'" parquet convert "$C" o.x --to xml
check "supertable parquet convert" "unknown codec 'lzo'" parquet convert "$C" o.parquet --codec lzo
check "supertable parquet convert" "--page-version must be 1 or 2" \
    parquet convert "$C" o.parquet --page-version 3
check "supertable parquet convert" "--row-group-rows needs a positive number" \
    parquet convert "$C" o.parquet --row-group-rows 0
check "supertable parquet convert" "--binary must be base64 or raw" \
    parquet convert "$C" o.csv --binary hex
check "supertable parquet convert" "--delimiter needs one character" \
    parquet convert "$C" o.csv --delimiter ';;'
check "supertable parquet convert" "--schema applies to CSV and JSON lines input" \
    parquet convert "$F" o.csv --schema 'a int'
check "supertable parquet convert" "Parquet needs a file" parquet convert "$C" - --to parquet
check "supertable parquet convert" "Parquet needs a file" parquet convert - o.csv --from parquet
check "supertable parquet convert" "option '--schema' needs a value" parquet convert "$C" o.csv --schema

finish
