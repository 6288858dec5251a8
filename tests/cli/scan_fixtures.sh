#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `supertable scan` over the real tables of tests/resources/iceberg-fixtures/
# (written by Spark, Java, PyIceberg, Athena, DuckDB): each reads with the rows
# its README gives, through --location-map to the fixture folders.
. "$(dirname "$0")/lib/common.sh"

F=$ST_SRC/tests/resources/iceberg-fixtures

# scan_csv LABEL ARGS...: runs `supertable scan ARGS --format csv`, rows sorted
# (header first) into $T/out.
scan_csv() {
    label=$1
    shift
    run "$ST_BIN" scan "$@" --format csv
    expect_rc 0 "$label"
    { head -n 1 "$T/out"; tail -n +2 "$T/out" | LC_ALL=C sort; } >"$T/sorted"
    mv "$T/sorted" "$T/out"
}

# ---------------------------------------------------------------- Athena
A="--location-map s3://hyperparam-iceberg/athena/example=$F/icebird-athena-example"
scan_csv athena "$F/icebird-athena-example" $A
want <<'EOF'
id,name
1,Alice
2,Bob
EOF
expect_out "athena: rows (metastore-style 00001-uuid.metadata.json found by listing)"

# ------------------------------------------------ Spark rename + partitions
R="--location-map s3a://hyperparam-iceberg/spark/rename_column=$F/icebird-spark-rename-column"
scan_csv rename "$F/icebird-spark-rename-column" $R
want <<'EOF'
id,name,event_date,price,active
1,Flopsy 🐇,2022-01-01,9.99,true
2,Mopsy–Naïve,2022-01-01,-5.00,false
3,Cottontail,,0.00,true
4,Thumper,2022-01-02,99999999.99,false
EOF
expect_out "rename: renamed column under its new name, null partition value, UTF-8"
scan_csv rename-v2 "$F/icebird-spark-rename-column/metadata/v2.metadata.json" $R
expect_out_has "id,name,date,price,active" "rename: v2 metadata has the old name"
run "$ST_BIN" scan "$F/icebird-spark-rename-column" $R --filter "event_date = '2022-01-01'" --explain
expect_rc 0 "rename: explain"
expect_out_has "data files: 3 considered, 2 pruned by partition, 0 pruned by metrics, 1 read" \
    "rename: identity(date) prunes under the column's new name"
run "$ST_BIN" scan "$F/icebird-spark-rename-column" $R --filter "id = 4" --explain
expect_out_has "data files: 3 considered, 2 pruned by partition" "rename: bucket[4](id) prunes"
scan_csv rename-null "$F/icebird-spark-rename-column" $R --filter "event_date IS NULL" -c name
want <<'EOF'
name
Cottontail
EOF
expect_out "rename: IS NULL on a null partition"

# ------------------------------------------- position deletes (Spark, Java)
SB="--location-map s3a://hyperparam-iceberg/spark/bunnies=$F/icebird-spark-bunnies"
count_rows() {
    got=$(tail -n +2 "$T/out" | wc -l | tr -d ' ')
    [ "$got" = "$1" ] || fail "$2: $got rows, expected $1"
}
for v in 1:21 3:20 5:20; do
    run "$ST_BIN" scan "$F/icebird-spark-bunnies/metadata/v${v%%:*}.metadata.json" $SB --format csv
    expect_rc 0 "spark bunnies v${v%%:*}"
    count_rows "${v##*:}" "spark bunnies v${v%%:*}"
done
run "$ST_BIN" scan "$F/icebird-spark-bunnies/metadata/v3.metadata.json" $SB --format csv --limit 1
want <<'EOF'
Breed Name,Average Weight,Fur Length,Lifespan,Origin Country,Ear Type,Temperament,Popularity Rank
Netherland Dwarf,0.9,2.5,10,Netherlands,Erect,Shy,2
EOF
expect_out "spark bunnies v3: position 0 deleted"
run "$ST_BIN" scan "$F/icebird-spark-bunnies" $SB --format csv --limit 1
want <<'EOF'
Breed Name,Average Weight,Fur Length,Lifespan,Origin Country,Ear Type,Temperament,Popularity Rank,breed_name_length
Netherland Dwarf,0.9,2.5,10,Netherlands,Erect,Shy,2,16
EOF
expect_out "spark bunnies v5: the rewritten file with the added column"
run "$ST_BIN" scan "$F/icebird-spark-bunnies" $SB --explain
expect_out_has "delete files: 1 considered, 1 pruned, 0 applied" \
    "spark bunnies v5: the old position delete (seq 2) does not apply to the seq-3 file"
run "$ST_BIN" scan "$F/icebird-spark-bunnies" $SB --snapshot 7505300640432048841 --format csv
count_rows 21 "spark bunnies: time travel to the first snapshot"
expect_out_has "Breed Name,Average Weight,Fur Length,Lifespan,Origin Country,Ear Type,Temperament,Popularity Rank" \
    "spark bunnies: time travel reads the old schema"

JB="--location-map s3a://hyperparam-iceberg/java/bunnies=$F/icebird-java-bunnies"
for v in 2:21 3:21 4:15 5:15; do
    run "$ST_BIN" scan "$F/icebird-java-bunnies/metadata/v${v%%:*}.metadata.json" $JB --format csv
    expect_rc 0 "java bunnies v${v%%:*}"
    count_rows "${v##*:}" "java bunnies v${v%%:*}"
done
run "$ST_BIN" scan "$F/icebird-java-bunnies/metadata/v3.metadata.json" $JB --format csv
expect_out_has "Flemish Giant,4.5,4,5,Belgium,Lop,Calm,3," "java bunnies v3: __happy__ null"
run "$ST_BIN" scan "$F/icebird-java-bunnies/metadata/v4.metadata.json" $JB --format csv
[ "$(sed -n 4p "$T/out")" = "American Fuzzy Lop,1.4,5,8,USA,Lop,Sociable,8," ] ||
    fail "java bunnies v4: row index 2 is American Fuzzy Lop"
run "$ST_BIN" scan "$F/icebird-java-bunnies" $JB --format csv --filter "\"Breed Name\" = 'New Zealand'"
want <<'EOF'
Breed Name,Average Weight,Fur Length,Lifespan,Origin Country,Ear Type,Temperament,Popularity Rank,__happy__
New Zealand,4,2.7,8,New Zealand,Erect,Affectionate,0,true
EOF
expect_out "java bunnies v5: the equality delete removes the old row, not the re-inserted one"

# --------------------------------------------- equality deletes (Spark 3.5)
E="--location-map data/persistent/equality_deletes=$F/spark-v2-equality-deletes"
EW=$F/spark-v2-equality-deletes/warehouse/mydb
scan_csv eq "$EW/mytable" $E
want <<'EOF'
id,name,bir
4,d,2025-01-04
5,e,2025-01-05
EOF
expect_out "equality deletes: global deletes by sequence number"
for v in 2:4 4:2 5:1 6:3 7:2; do
    run "$ST_BIN" scan "$EW/mytable/metadata/v${v%%:*}.metadata.json" $E --format csv
    expect_rc 0 "equality deletes v${v%%:*}"
    count_rows "${v##*:}" "equality deletes v${v%%:*}"
done
run "$ST_BIN" scan "$EW/mytable/metadata/v3.metadata.json" $E
expect_failure "equality deletes v3: its manifest list is not in the fixture"
expect_err_has "snap-7342794868382145167-1-" "the missing manifest list is named"
scan_csv eq-part "$EW/mytable_partitioned" $E
want <<'EOF'
id,name,bir
1,a,2025-01-01
4,d,2025-01-04
5,e,2025-01-05
EOF
expect_out "equality deletes in identity(name) partitions"
run "$ST_BIN" scan "$EW/mytable_partitioned" $E --filter "name = 'b'" --explain
expect_out_has "delete manifests: 3 considered, 2 pruned by partition summaries, 1 read" \
    "equality deletes: delete manifests pruned by partition"

# ------------------------------------------------ lineitem (Spark v2, Q6)
L="--location-map lineitem_iceberg=$F/spark-v2-lineitem-sf001 --location-map ./lineitem_iceberg=$F/spark-v2-lineitem-sf001"
run "$ST_BIN" scan "$F/spark-v2-lineitem-sf001" $L --format csv -c l_orderkey
expect_rc 0 "lineitem: scan"
[ "$(tail -n +2 "$T/out" | wc -l | tr -d ' ')" = 51793 ] || fail "lineitem: expected 51793 rows"
run "$ST_BIN" scan "$F/spark-v2-lineitem-sf001" $L --snapshot 7817332053627255703 --format csv -c l_orderkey
[ "$(tail -n +2 "$T/out" | wc -l | tr -d ' ')" = 60175 ] || fail "lineitem: snapshot 1 has 60175 rows"
run "$ST_BIN" scan "$F/spark-v2-lineitem-sf001" $L --format csv -c l_extendedprice,l_discount \
    --filter "l_shipdate >= '1994-01-01' AND l_shipdate < '1995-01-01' AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24"
expect_rc 0 "lineitem: Q6 scan"
python3 - "$T/out" <<'PY' || fail "lineitem: TPC-H Q6 revenue is not 1077536.9101"
import csv, sys
from decimal import Decimal
r = csv.reader(open(sys.argv[1]))
next(r)
total = sum(Decimal(a) * Decimal(b) for a, b in r)
sys.exit(0 if total == Decimal("1077536.9101") else 1)
PY

# ------------------------------------------------------- gzip metadata (v1)
G="--location-map ./lineitem_iceberg_gz=$F/spark-v1-gzip-metadata --location-map lineitem_iceberg_gz=$F/spark-v1-gzip-metadata"
run "$ST_BIN" scan "$F/spark-v1-gzip-metadata" $G --format csv -c l_orderkey
expect_rc 0 "gzip: scan"
[ "$(tail -n +2 "$T/out" | wc -l | tr -d ' ')" = 111968 ] || fail "gzip: expected 111968 rows"

# ------------------------------------------- v1 deprecated fields (Spark 4)
D="--location-map data/persistent/iceberg_v1_deprecated=$F/spark-v1-deprecated-fields"
DM=$F/spark-v1-deprecated-fields/default/legacy_v1/metadata/v2.metadata.json
scan_csv deprecated "$DM" $D
want <<'EOF'
id,category,amount
1,alpha,10
2,beta,20
3,alpha,
EOF
expect_out "deprecated: schema/partition-spec/manifests of v1"
scan_csv deprecated-filter "$DM" $D --filter "category = 'beta'" -c id,amount
want <<'EOF'
id,amount
2,20
EOF
expect_out "deprecated: a partition predicate with the legacy spec"

# --------------------------------------- PyIceberg SQL catalog (v1, EXISTING)
P="--location-map data/persistent/iceberg_v1_repro=$F/pyiceberg-v1-sql-catalog"
scan_csv pyiceberg --catalog "sqlite://$F/pyiceberg-v1-sql-catalog/catalog.db?catalog=repro" $P repro.merch_v1
want <<'EOF'
id,league,ats_qty
2,nba,20
3,mlb,30
4,nhl,40
6,nba,60
EOF
expect_out "pyiceberg: EXISTING entries are live"
PM=$F/pyiceberg-v1-sql-catalog/repro/merch_v1/metadata
scan_csv pyiceberg-v3 "$PM/00004-v3-upgraded-v1-null-counts.metadata.json" $P
expect_out "pyiceberg: the v3-upgraded metadata with null counts"
run "$ST_BIN" scan "$PM/00000-c478e8ee-78c2-48c0-b618-24aa51a4b560.metadata.json" $P --format csv
expect_rc 0 "pyiceberg: a table without snapshots"
[ "$(cat "$T/out")" = "id,league,ats_qty" ] || fail "pyiceberg: an empty table prints the header only"

# ------------------------------------------- name mapping (DuckDB, no ids)
N="--location-map data/persistent/name_mapping=$F/v1-name-mapping"
NM=$F/v1-name-mapping/warehouse_1/mydb/t1/metadata
count_where() {
    run "$ST_BIN" scan "$NM/$1.metadata.json" $N --snapshot 6597550917742534971 --format csv --filter "$2"
    expect_rc 0 "name mapping $1: $2"
    got=$(tail -n +2 "$T/out" | wc -l | tr -d ' ')
    [ "$got" = "$3" ] || fail "name mapping $1: '$2' gave $got rows, expected $3"
}
count_where v3 "b IS NULL" 0
count_where v3 "b IS NOT NULL" 10000
count_where v3.1 "b IS NULL" 10000
count_where v3.2 "a IS NULL AND b IS NULL" 10000
count_where v4 "b IS NOT NULL" 10000
count_where v4.1 "b IS NULL" 10000
run "$ST_BIN" scan "$NM/v7.metadata.json" $N --format csv --filter "b IS NULL"
[ "$(tail -n +2 "$T/out" | wc -l | tr -d ' ')" = 10000 ] || fail "name mapping v7: re-added b is null"
run "$ST_BIN" scan "$NM/v4.metadata.json" $N --filter "b IS NULL"
expect_failure "name mapping v4: b is not in the current schema"
expect_err_has "'b' does not exist" "name mapping v4: the error names the column"

# ------------------------- identity partitions missing from the data files
I="--location-map data/persistent=$F/v2-identity-partition-types"
ident() {
    m=$(find "$F/v2-identity-partition-types/partition_$1" -name '*.metadata.json' | LC_ALL=C sort | tail -n 1)
    scan_csv "identity $1" "$m" $I
    shift
    printf 'partition_col,user_id,event_type\n' >"$T/want"
    for row in "$@"; do printf '%s\n' "$row"; done | LC_ALL=C sort >>"$T/want"
    expect_out "identity $m"
}
ident bigint "9223372036854775807,12345,click" "-9223372036854775808,67890,purchase"
ident binary "qrvM,67890,purchase" "AQID,12345,click"
ident bool "true,12345,click" "false,67890,purchase"
ident decimal_smallint "1.23,12345,click" "4.56,67890,purchase"
ident decimal_integer "1234.5432,111213,delete" "1.2300,67890,purchase" "42.5630,12345,click"
ident float "1.23,12345,click" "4.56,67890,purchase"
ident double "3.1415927,12345,click" "2.7182817,67890,purchase"
ident integer "1337,67890,purchase" "42,12345,click"
ident fixed_length_binary "aGVsbG8gd29ybGQ=,12345,click" "Zml4ZWQgdmFsdWU=,67890,purchase"
ident time "12:34:56.000000,12345,click" "08:21:09.000000,67890,purchase"
ident timestamp "2023-05-15T14:30:45.000000,12345,click" "2023-08-22T09:15:20.000000,67890,purchase"
ident timestamptz "2023-05-15T14:30:45.000000Z,12345,click" "2023-08-22T09:15:20.000000Z,67890,purchase"
for t in decimal_bigint decimal_hugeint; do
    m=$(find "$F/v2-identity-partition-types/partition_$t" -name '*.metadata.json' | LC_ALL=C sort | tail -n 1)
    run "$ST_BIN" scan "$m" $I --format csv
    expect_rc 0 "identity $t"
done
[ "$(tail -n +2 "$T/out" | wc -l | tr -d ' ')" = 15 ] || fail "identity decimal_hugeint: 15 rows"
expect_out_has "-1000000000000.00000000000000000001000,246802,rotate" "identity hugeint: a 36-digit decimal"
run "$ST_BIN" scan "$(find "$F/v2-identity-partition-types/partition_integer" -name '*.metadata.json' | LC_ALL=C sort | tail -n 1)" $I --filter "partition_col = 42" --explain
expect_out_has "data files: 2 considered, 1 pruned by partition, 0 pruned by metrics, 1 read" \
    "identity: int partition pruning"

finish
