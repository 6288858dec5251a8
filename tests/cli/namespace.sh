#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `supertable namespace create|list|describe|drop` on a SQLite catalog in a
# scratch warehouse; the ways of naming the catalog (options before and after
# the command, environment, the ./warehouse default); the PyIceberg fixture
# catalog.
. "$(dirname "$0")/lib/common.sh"

WH=$T/wh
rm -rf "$WH" "$T/wh2" "$T/cwd" "$T/env.db"
st() { "$ST_BIN" --warehouse "$WH" "$@"; }

run st namespace create sales
expect_rc 0 "create"
expect_out_has "created namespace sales" "create"
[ -f "$WH/catalog.db" ] || fail "the default catalog is not at <warehouse>/catalog.db"
run st namespace create sales
expect_failure "create twice"
expect_err_has "sales" "create twice"
run st namespace create sales --if-not-exists
expect_rc 0 "create --if-not-exists"
run st namespace create sales.eu --property owner=ana -p 'note=a b=c'
expect_rc 0 "create nested with properties"
# as in Java's and PyIceberg's SQL catalogs, a parent need not be created first
run st namespace create nowhere.child
expect_rc 0 "create under a missing parent"
run st namespace create marketing
expect_rc 0 "create marketing"

run st namespace list
expect_rc 0 "list"
want <<'EOF'
 namespace
-----------
 marketing
 nowhere
 sales
(3 rows)
EOF
# The catalog's order is not promised: compare sorted bodies.
sort "$T/out" >"$T/out.sorted" && sort "$T/want" >"$T/want.sorted"
cmp -s "$T/out.sorted" "$T/want.sorted" || fail "list: $(cat "$T/out")"
run st namespace list --format json
expect_json "list json" 'sorted(r["namespace"] for r in d) == ["marketing", "nowhere", "sales"]'
run st namespace list sales --format json
expect_json "list sales" 'd == [{"namespace": "sales.eu"}]'
run st namespace list --recursive --format csv
expect_rc 0 "list --recursive"
[ "$(head -1 "$T/out")" = "namespace" ] || fail "csv header: $(head -1 "$T/out")"
[ "$(tail -n +2 "$T/out" | sort | tr '\n' ' ')" = "marketing nowhere nowhere.child sales sales.eu " ] ||
    fail "list --recursive: $(cat "$T/out")"
run st namespace list nope
expect_failure "list under a missing namespace"
expect_err_has "namespace 'nope' does not exist" "list under a missing namespace"

run st namespace describe sales.eu --format json
expect_rc 0 "describe"
expect_json "describe" '{r["key"]: r["value"] for r in d}.get("owner") == "ana" and {r["key"]: r["value"] for r in d}.get("note") == "a b=c"'
run st namespace describe sales.eu
expect_out_has "owner" "describe table"
expect_out_has "ana" "describe table"
run st namespace describe sales.nope
expect_failure "describe a missing namespace"

run st namespace drop sales
expect_failure "drop a namespace that is not empty"
run st namespace drop sales.eu
expect_rc 0 "drop"
expect_out_has "dropped namespace sales.eu" "drop"
run st namespace drop sales.eu
expect_failure "drop twice"
run st namespace drop sales.eu --if-exists
expect_rc 0 "drop --if-exists"
run st namespace list sales --format json
expect_json "after drop" 'd == []'

# Global options after the command, the environment, and ./warehouse.
run "$ST_BIN" namespace list --warehouse "$WH" --format csv
expect_out_has "marketing" "--warehouse after the command"
run env SUPERTABLE_WAREHOUSE="$T/wh2" "$ST_BIN" namespace create envns
expect_rc 0 "SUPERTABLE_WAREHOUSE"
[ -f "$T/wh2/catalog.db" ] || fail "SUPERTABLE_WAREHOUSE ignored"
run env SUPERTABLE_CATALOG="sqlite://$T/env.db" "$ST_BIN" namespace create viaenv
expect_rc 0 "SUPERTABLE_CATALOG"
run "$ST_BIN" --catalog "sqlite://$T/env.db" namespace list --format csv
expect_out_has "viaenv" "SUPERTABLE_CATALOG database"
mkdir -p "$T/cwd"
(cd "$T/cwd" && "$ST_BIN" namespace create here >/dev/null 2>&1) ||
    fail "namespace create in the default warehouse"
[ -f "$T/cwd/warehouse/catalog.db" ] || fail "no ./warehouse/catalog.db by default"

# PyIceberg's catalog (a copy: opening it may add tables to the database).
FX=$ST_SRC/tests/resources/iceberg-fixtures/pyiceberg-v1-sql-catalog
mkdir -p "$T/fx"
cp "$FX/catalog.db" "$T/fx/catalog.db"
CAT="sqlite://$T/fx/catalog.db?catalog=repro"
run "$ST_BIN" --catalog "$CAT" namespace list --format json
expect_rc 0 "fixture namespaces"
expect_json "fixture namespaces" '[r["namespace"] for r in d] == ["repro"]'
run "$ST_BIN" namespace describe repro --catalog "$CAT" --format csv
expect_rc 0 "fixture namespace properties"

finish
