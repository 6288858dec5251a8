#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `supertable table alter`: every change, --after/--first/--doc attaching to
# the change before them, several changes as ONE commit (one new metadata
# file), a failing change committing nothing, and imports across the change.
. "$(dirname "$0")/lib/common.sh"

WH=$T/wh
rm -rf "$WH"
st() { "$ST_BIN" --warehouse "$WH" "$@"; }

# metadata_count TABLE: how many metadata files the table has written.
metadata_count() {
    loc=$(st table describe "$1" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["location"])')
    find "$loc/metadata" -name '*.metadata.json' | grep -c .
}

# fields TABLE: the describe JSON in $T/out.
describe() {
    run st table describe "$1" --format json
    expect_rc 0 "describe $1"
}

run st namespace create ns
run st table create ns.t --schema 'id long not null, qty int, price float, addr struct<city: string>, tag string, amount decimal(9,2) not null'
expect_rc 0 "create"

# ---------------------------------------------------------------- columns
run st table alter ns.t --add-column 'note string' --after id --doc 'free text'
expect_rc 0 "add-column --after --doc"
expect_out_has "altered ns.t (1 change)" "add-column"
describe ns.t
expect_json "note after id" '[f["name"] for f in d["fields"]][:2] == ["id", "note"] and [f for f in d["fields"] if f["name"] == "note"][0]["doc"] == "free text" and not [f for f in d["fields"] if f["name"] == "note"][0]["required"]'
expect_json "fresh id" '[f for f in d["fields"] if f["name"] == "note"][0]["id"] > 7'

run st table alter ns.t --add-column 'addr.zip int' --add-column 'first_col boolean' --first \
    --add-column 'tags list<string>'
expect_rc 0 "nested add, --first, a list"
expect_out_has "(3 changes)" "three changes"
describe ns.t
expect_json "first column" 'd["fields"][0]["name"] == "first_col"'
expect_json "nested field" '[c["name"] for c in [f for f in d["fields"] if f["name"] == "addr"][0]["fields"]] == ["city", "zip"]'
expect_json "list column" '[f["type"] for f in d["fields"] if f["name"] == "tags"] == ["list"] and [f for f in d["fields"] if f["name"] == "tags"][0]["fields"][0]["name"] == "element"'

run st table alter ns.t --rename-column tag=label --rename-column addr.city=town
expect_rc 0 "rename-column"
describe ns.t
expect_json "renamed" '"label" in [f["name"] for f in d["fields"]] and "tag" not in [f["name"] for f in d["fields"]] and [c["name"] for c in [f for f in d["fields"] if f["name"] == "addr"][0]["fields"]] == ["town", "zip"]'

run st table alter ns.t --alter-column 'qty long' --alter-column 'price double' \
    --alter-column 'amount decimal(12,2)'
expect_rc 0 "alter-column (widen)"
describe ns.t
expect_json "widened" '{f["name"]: f["type"] for f in d["fields"]}["qty"] == "long" and {f["name"]: f["type"] for f in d["fields"]}["price"] == "double" and {f["name"]: f["type"] for f in d["fields"]}["amount"] == "decimal(12,2)"'
run st table alter ns.t --alter-column 'qty int'
expect_failure "narrowing a type"
run st table alter ns.t --alter-column 'label long'
expect_failure "string to long"

run st table alter ns.t --make-optional amount
expect_rc 0 "make-optional"
describe ns.t
expect_json "optional" '[f["required"] for f in d["fields"] if f["name"] == "amount"] == [False]'

run st table alter ns.t --move-column label --first --move-column price --after id
expect_rc 0 "move-column"
describe ns.t
expect_json "moved" '[f["name"] for f in d["fields"]][:4] == ["label", "first_col", "id", "price"]'

run st table alter ns.t --column-doc 'id=the key' --drop-column first_col
expect_rc 0 "column-doc, drop-column"
describe ns.t
expect_json "doc and drop" '[f["doc"] for f in d["fields"] if f["name"] == "id"] == ["the key"] and "first_col" not in [f["name"] for f in d["fields"]]'

# ----------------------------------------- partitioning, sorting, properties
run st table alter ns.t --add-partition-field 'bucket(8, id)' --sort-by 'id desc' \
    --set-property owner=ana --set-property keep=1
expect_rc 0 "partition, sort, properties"
describe ns.t
expect_json "partitioned" '"bucket(8, id)" in d["partition_spec"] and d["sort_order"].startswith("id desc") and d["properties"]["owner"] == "ana"'
run st table alter ns.t --drop-partition-field id_bucket --sort-by '' --unset-property keep
expect_rc 0 "drop partition field, unsorted, unset"
describe ns.t
expect_json "unpartitioned again" 'd["partition_spec"] == "" and d["sort_order"] == "" and "keep" not in d["properties"]'
run st table alter ns.t --add-partition-field 'day(nosuch)'
expect_failure "partition on a missing column"
run st table alter ns.t --drop-partition-field nosuch
expect_failure "drop a missing partition field"

# ---------------------------------------------------- one commit, or none
N=$(metadata_count ns.t)
run st table alter ns.t --add-column 'a1 int' --add-column 'a2 int' --set-property p=1 --sort-by 'a1'
expect_rc 0 "four changes"
[ "$(metadata_count ns.t)" -eq $((N + 1)) ] || fail "four changes wrote more than one metadata file"
N=$((N + 1))
describe ns.t
cp "$T/out" "$T/before.json"
run st table alter ns.t --add-column 'b1 int' --drop-column nosuch --add-column 'b2 int'
expect_failure "a failing change"
expect_err_has "nosuch" "a failing change"
[ "$(metadata_count ns.t)" -eq "$N" ] || fail "a failed alter committed"
describe ns.t
cmp -s "$T/before.json" "$T/out" || fail "a failed alter changed the table"
run st table alter ns.t --add-column 'id long'
expect_failure "a column that exists"
run st table alter ns.t --move-column nosuch --first
expect_failure "move a missing column"
run st table alter ns.nope --add-column 'x int'
expect_failure "alter a missing table"

# ---------------------------------------------- imports across the change
run st table create ns.evolve --schema 'id long, name string'
printf 'id,name\n1,a\n' >"$T/v1.csv"
run st import ns.evolve "$T/v1.csv"
expect_rc 0 "import before"
run st table alter ns.evolve --add-column 'score double' --rename-column name=label
expect_rc 0 "alter between imports"
printf 'id,label,score\n2,b,1.5\n' >"$T/v2.csv"
run st import ns.evolve "$T/v2.csv"
expect_rc 0 "import after"
run st import ns.evolve "$T/v1.csv"
expect_failure "the old column name is gone"
run st table files ns.evolve --format json
expect_json "two files" 'sum(f["record_count"] for f in d) == 2'

finish
