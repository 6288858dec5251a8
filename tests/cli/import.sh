#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `supertable import`: CSV, TSV, JSON lines and Parquet into a table; --create
# with a given or inferred schema; several files in one commit; --mode
# overwrite; values checked against the table's types (a bad one fails and
# commits nothing); standard input; the summary line; no progress off a
# terminal. Rows are read back from the table's data files with `parquet cat`.
. "$(dirname "$0")/lib/common.sh"

WH=$T/wh
rm -rf "$WH"
st() { "$ST_BIN" --warehouse "$WH" "$@"; }

# snapshot_count TABLE
snapshot_count() {
    st table snapshots "$1" --format jsonl 2>/dev/null | grep -c .
}

# table_rows TABLE: every row of the current snapshot as sorted JSON lines
# (read from its data files).
table_rows() {
    st table files "$1" --format csv | tail -n +2 | cut -d, -f2 | while read -r f; do
        "$ST_BIN" parquet cat "$f" --format jsonl
    done | sort
}

printf 'id,qty,name\n1,10,apple\n2,20,pear\n3,,plum\n' >"$T/a.csv"
printf 'id,qty,name\n4,40,fig\n5,50,kiwi\n' >"$T/b.csv"
printf 'id\tqty\tname\n6\t60\tlime\n' >"$T/c.tsv"
printf '{"id":7,"qty":70,"name":"date"}\n{"id":8,"name":"sloe"}\n' >"$T/d.jsonl"
printf 'id,qty,name\n9,90,yuzu\n10,abc,bad\n' >"$T/bad.csv"
printf 'id,qty,nope\n11,1,x\n' >"$T/extra.csv"

run st namespace create shop
expect_rc 0 "namespace"

# ----------------------------------------------------- --create, inferred
run st import shop.fruit "$T/a.csv"
expect_failure "import into a missing table"
run st import shop.fruit "$T/a.csv" --create
expect_rc 0 "import --create (inferred)"
expect_err_empty "no progress when stderr is not a terminal"
grep -Eq '^imported 3 rows from 1 file into shop.fruit \(snapshot [0-9]+\)$' "$T/out" ||
    fail "summary line: $(cat "$T/out")"
SNAP=$(sed 's/.*snapshot \([0-9]*\)).*/\1/' "$T/out")
run st table describe shop.fruit --format json
expect_json "inferred schema" '[(f["name"], f["type"]) for f in d["fields"]] == [("id", "long"), ("qty", "long"), ("name", "string")]'
expect_json "summary snapshot is current" 'd["current_snapshot_id"] == '"$SNAP"
table_rows shop.fruit >"$T/got"
cat >"$T/want" <<'EOF'
{"id":1,"qty":10,"name":"apple"}
{"id":2,"qty":20,"name":"pear"}
{"id":3,"qty":null,"name":"plum"}
EOF
cmp -s "$T/want" "$T/got" || fail "rows after import: $(cat "$T/got")"

# ------------------------------------------- several files, one commit
run st import shop.fruit "$T/b.csv" "$T/c.tsv" "$T/d.jsonl"
expect_rc 0 "import 3 files"
expect_out_has "imported 5 rows from 3 files into shop.fruit" "import 3 files"
[ "$(snapshot_count shop.fruit)" = 2 ] || fail "3 files made more than one snapshot"
table_rows shop.fruit >"$T/got"
[ "$(wc -l <"$T/got")" -eq 8 ] || fail "8 rows expected: $(cat "$T/got")"
grep -qF '{"id":8,"qty":null,"name":"sloe"}' "$T/got" || fail "jsonl row: $(cat "$T/got")"
grep -qF '{"id":6,"qty":60,"name":"lime"}' "$T/got" || fail "tsv row: $(cat "$T/got")"

# ---------------------------------- a bad value fails and commits nothing
run st import shop.fruit "$T/b.csv" "$T/bad.csv"
expect_failure "a value of the wrong type"
expect_err_has "bad.csv:3:" "a value of the wrong type"
expect_err_has "cannot parse 'abc' as long" "a value of the wrong type"
[ "$(snapshot_count shop.fruit)" = 2 ] || fail "a failed import made a snapshot"
[ "$(table_rows shop.fruit | wc -l)" -eq 8 ] || fail "a failed import changed the rows"
run st import shop.fruit "$T/extra.csv"
expect_failure "a column the table lacks"
expect_err_has "nope" "a column the table lacks"
run st import shop.fruit "$T/a.csv" "$T/missing.csv"
expect_failure "a missing file"
[ "$(snapshot_count shop.fruit)" = 2 ] || fail "an import with a missing file made a snapshot"
printf '{"id":1,"qty":"many"}\n' >"$T/bad.jsonl"
run st import shop.fruit "$T/bad.jsonl"
expect_failure "a bad JSON value"
expect_err_has "bad.jsonl:1:" "a bad JSON value"

# ----------------------------------------------------------- Parquet
"$ST_BIN" parquet convert "$T/b.csv" "$T/b.parquet" --schema 'id long, qty long, name string' -q ||
    fail "convert to Parquet"
run st import shop.fruit "$T/b.parquet"
expect_rc 0 "import Parquet"
table_rows shop.fruit >"$T/got"
[ "$(grep -c '"id":4' "$T/got")" -eq 2 ] || fail "Parquet rows: $(cat "$T/got")"
run st import shop.fromparquet "$T/b.parquet" --create
expect_rc 0 "import Parquet --create"
run st table describe shop.fromparquet --format json
expect_json "schema from Parquet" '[(f["name"], f["type"]) for f in d["fields"]] == [("id", "long"), ("qty", "long"), ("name", "string")]'
run st import shop.fruit "$T/b.csv" --format parquet
expect_failure "a CSV file read as Parquet"

# ------------------------------------------------------------ overwrite
run st import shop.fruit "$T/a.csv" --mode overwrite
expect_rc 0 "overwrite"
table_rows shop.fruit >"$T/got"
cat >"$T/want" <<'EOF'
{"id":1,"qty":10,"name":"apple"}
{"id":2,"qty":20,"name":"pear"}
{"id":3,"qty":null,"name":"plum"}
EOF
cmp -s "$T/want" "$T/got" || fail "rows after overwrite: $(cat "$T/got")"
run st table snapshots shop.fruit --format json
expect_json "overwrite snapshot" 'd[-1]["operation"] == "overwrite"'

# --------------------------------------------- --create with --schema, options
run st import shop.typed "$T/a.csv" --create --schema 'id long not null, qty int, name string' \
    --partition-by 'bucket(4, id)' --sort-by 'id' --property owner=ops --format-version 2
expect_rc 0 "import --create --schema"
run st table describe shop.typed --format json
expect_json "given schema" '[(f["name"], f["type"], f["required"]) for f in d["fields"]] == [("id", "long", True), ("qty", "int", False), ("name", "string", False)] and "bucket" in d["partition_spec"] and d["properties"]["owner"] == "ops"'
printf 'id,qty,name\n,1,x\n' >"$T/nullid.csv"
run st import shop.typed "$T/nullid.csv"
expect_failure "null in a required column"
printf 'id,qty,name\n1,3000000000,x\n' >"$T/big.csv"
run st import shop.typed "$T/big.csv"
expect_failure "a value out of an int's range"
run st import shop.typed "$T/a.csv" --create --schema 'id long'
expect_rc 0 "--create on an existing table appends"
[ "$(snapshot_count shop.typed)" = 2 ] || fail "--create on an existing table"

# A failed --create import leaves no table behind.
run st import shop.ghost "$T/bad.csv" --create --schema 'id long, qty long, name string'
expect_failure "--create, then a bad value"
run st table list shop --format json
expect_json "no ghost table" '"shop.ghost" not in [r["table"] for r in d]'

# --------------------------------------------- CSV options, stdin, quiet
printf '12;120;quince\n' >"$T/nohdr.csv"
run st import shop.fruit "$T/nohdr.csv" --no-header --delimiter ';'
expect_rc 0 "--no-header --delimiter"
table_rows shop.fruit | grep -qF '{"id":12,"qty":120,"name":"quince"}' || fail "--no-header row"
printf 'id,qty,name\n13,NULL,NULL\n' >"$T/nulls.csv"
run st import shop.fruit "$T/nulls.csv" --null NULL --header
expect_rc 0 "--null"
table_rows shop.fruit | grep -qF '{"id":13,"qty":null,"name":null}' || fail "--null row"
run sh -c "cat '$T/b.csv' | '$ST_BIN' --warehouse '$WH' import shop.fruit - --format csv"
expect_rc 0 "standard input"
expect_out_has "imported 2 rows from 1 file into shop.fruit" "standard input"
run st import shop.fruit "$T/a.csv" --quiet
expect_rc 0 "--quiet"
[ ! -s "$T/out" ] || fail "--quiet printed: $(cat "$T/out")"
printf 'id,qty,name\n' >"$T/empty.csv"
run st import shop.fruit "$T/empty.csv"
expect_rc 0 "an empty file"
expect_out_has "imported 0 rows from 1 file" "an empty file"

# ------------------------------------------------------------ branches
run st table branch create shop.fruit staging
run st import shop.fruit "$T/b.csv" --branch staging
expect_rc 0 "import --branch"
run st table refs shop.fruit --format json
expect_json "branch ahead of main" '{r["name"]: r["snapshot_id"] for r in d}["staging"] != {r["name"]: r["snapshot_id"] for r in d}["main"]'

# ------------------------------------------------------------ path table
rm -rf "$T/ptable"
run st import "$T/ptable" "$T/a.csv" --create --partition-by 'bucket(2, id)'
expect_rc 0 "path table --create"
expect_out_has "imported 3 rows from 1 file into $T/ptable" "path table --create"
[ -d "$T/ptable/metadata" ] || fail "path table folder"
run st import "$T/ptable" "$T/b.csv" "$T/d.jsonl"
expect_rc 0 "path table import"
[ "$(table_rows "$T/ptable" | wc -l)" -eq 7 ] || fail "path table rows"

# ------------------------------------------------- progress on a terminal
# script(1) comes with util-linux/bsdutils, essential on Debian: its absence is a failure
if ! command -v script >/dev/null 2>&1; then
    fail "script(1) is missing: cannot test the progress bar"
else
    script -qec "'$ST_BIN' --warehouse '$WH' import shop.fruit '$T/a.csv' '$T/b.csv'" /dev/null \
        >"$T/tty.out" 2>&1 </dev/null
    grep -q "importing .*rows.*MB/s" "$T/tty.out" || fail "no progress on a terminal: $(cat "$T/tty.out")"
    grep -q "imported 5 rows from 2 files" "$T/tty.out" || fail "no summary on a terminal"
fi

finish
