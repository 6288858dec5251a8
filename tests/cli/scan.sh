#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `supertable scan`: pruning counts of --explain for every partition
# transform, the output formats (Parquet read back), time travel from the
# command line, evolution end to end, and bad input.
. "$(dirname "$0")/lib/common.sh"

WH=$T/wh
rm -rf "$WH"
st() { "$ST_BIN" --warehouse "$WH" "$@"; }

cat >"$T/rows.csv" <<'EOF'
id,name,ts
0,ab0,2024-01-01T00:00:00Z
7,ab1,2024-01-01T05:00:00Z
14,ab2,2024-01-02T00:00:00Z
21,cd3,2024-02-01T00:00:00Z
28,cd4,2024-03-15T00:00:00Z
35,cd5,2025-01-01T00:00:00Z
EOF

run st namespace create p
expect_rc 0 "namespace"

# explain_is TRANSFORM FILTER EXPECTED-DATA-FILES-LINE: a table partitioned by
# TRANSFORM holding rows.csv; --explain with FILTER reports that line, and
# the scan returns exactly the rows the filter selects from the CSV.
n=0
explain_is() {
    n=$((n + 1))
    tbl=p.t$n
    run st table create "$tbl" --schema 'id long, name string, ts timestamptz' --partition-by "$1"
    expect_rc 0 "create $1"
    run st import "$tbl" "$T/rows.csv" -q
    expect_rc 0 "import $1"
    run st scan "$tbl" --filter "$2" --explain
    expect_rc 0 "explain $1"
    expect_out_has "$3" "$1 with '$2'"
    expect_out_has "manifests: 1 considered" "$1: one manifest"
    run st scan "$tbl" --filter "$2" --format csv -c id
    expect_rc 0 "scan $1"
    tail -n +2 "$T/out" | LC_ALL=C sort >"$T/got"
    python3 - "$T/rows.csv" "$2" >"$T/exp" <<'PY'
import csv, sys, datetime as dt
rows = list(csv.DictReader(open(sys.argv[1])))
f = sys.argv[2]
def ts(s): return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
tests = {
 "id = 21": lambda r: int(r["id"]) == 21,
 "id >= 20": lambda r: int(r["id"]) >= 20,
 "id = 100": lambda r: int(r["id"]) == 100,
 "name = 'cd4'": lambda r: r["name"] == "cd4",
 "name STARTS WITH 'ab'": lambda r: r["name"].startswith("ab"),
 "ts >= '2025-01-01T00:00:00Z'": lambda r: ts(r["ts"]) >= ts("2025-01-01T00:00:00Z"),
 "ts >= '2024-02-15T00:00:00Z'": lambda r: ts(r["ts"]) >= ts("2024-02-15T00:00:00Z"),
 "ts >= '2024-03-01T00:00:00Z'": lambda r: ts(r["ts"]) >= ts("2024-03-01T00:00:00Z"),
 "ts < '2024-01-01T06:00:00Z'": lambda r: ts(r["ts"]) < ts("2024-01-01T06:00:00Z"),
}
for r in sorted((r for r in rows if tests[f](r)), key=lambda r: r["id"]):
    print(r["id"])
PY
    LC_ALL=C sort "$T/exp" -o "$T/exp"
    cmp -s "$T/got" "$T/exp" || fail "$1 with '$2': rows $(tr '\n' ' ' <"$T/got"), expected $(tr '\n' ' ' <"$T/exp")"
}

explain_is 'identity(id)' "id = 21" \
    "data files: 6 considered, 5 pruned by partition, 0 pruned by metrics, 1 read"
# bucket[4] of the longs 0, 7, 14, 21, 28, 35 is 0, 3, 1, 1, 1, 1 (murmur3): 3 files
explain_is 'bucket(4, id)' "id = 21" \
    "data files: 3 considered, 2 pruned by partition, 0 pruned by metrics, 1 read"
explain_is 'truncate(10, id)' "id >= 20" \
    "data files: 4 considered, 2 pruned by partition, 0 pruned by metrics, 2 read"
explain_is 'truncate(2, name)' "name = 'cd4'" \
    "data files: 2 considered, 1 pruned by partition, 0 pruned by metrics, 1 read"
explain_is 'truncate(2, name)' "name STARTS WITH 'ab'" \
    "data files: 2 considered, 1 pruned by partition, 0 pruned by metrics, 1 read"
explain_is 'year(ts)' "ts >= '2025-01-01T00:00:00Z'" \
    "data files: 2 considered, 1 pruned by partition, 0 pruned by metrics, 1 read"
# month 2024-02 may hold later days: its file goes on to the metrics, which prune it
explain_is 'month(ts)' "ts >= '2024-02-15T00:00:00Z'" \
    "data files: 4 considered, 1 pruned by partition, 1 pruned by metrics, 2 read"
explain_is 'day(ts)' "ts >= '2024-03-01T00:00:00Z'" \
    "data files: 5 considered, 3 pruned by partition, 0 pruned by metrics, 2 read"
explain_is 'hour(ts)' "ts < '2024-01-01T06:00:00Z'" \
    "data files: 6 considered, 4 pruned by partition, 0 pruned by metrics, 2 read"
explain_is 'void(id)' "id = 100" \
    "data files: 1 considered, 0 pruned by partition, 1 pruned by metrics, 0 read"
# four files of bucket 1 on four days: the metrics prune the three without 21
explain_is 'day(ts), bucket(4, id)' "id = 21" \
    "data files: 6 considered, 2 pruned by partition, 3 pruned by metrics, 1 read"

# residuals: an identity partition (or exact metrics) proves the filter for a whole file
run st scan p.t1 --filter "id = 21" --explain
expect_out_has "filter: id = 21 (tested on the rows of 0 of 1 files)" "identity: no residual"
run st scan p.t3 --filter "id >= 20" --explain
expect_out_has "(tested on the rows of 0 of 2 files)" "truncate: metrics prove id >= 20"
run st scan p.t8 --filter "ts >= '2024-03-01T00:00:00Z'" --explain
expect_out_has "(tested on the rows of 0 of 2 files)" "day: the strict projection proves it"
run st scan p.t4 --filter "name = 'cd4'" --explain
expect_out_has "(tested on the rows of 1 of 1 files)" "truncate(2, name): rows are tested"

# manifests pruned by their summaries: one import per day partition
run st table create p.days --schema 'id long, name string, ts timestamptz' --partition-by 'day(ts)'
for i in 1 2 3; do
    printf 'id,name,ts\n%d,x,2024-0%d-10T00:00:00Z\n' "$i" "$i" >"$T/d$i.csv"
    run st import p.days "$T/d$i.csv" -q
    expect_rc 0 "import day $i"
done
run st scan p.days --filter "ts >= '2024-03-01T00:00:00Z'" --explain
expect_out_has "manifests: 3 considered, 2 pruned by partition summaries, 1 read" "manifest pruning"
expect_out_has "data files: 1 considered, 0 pruned by partition, 0 pruned by metrics, 1 read" \
    "manifest pruning: only the read manifest's files"

# ---------------------------------------------------------------- formats
run st scan p.t1 --format jsonl --filter "id = 7"
expect_rc 0 "jsonl"
want <<'EOF'
{"id":7,"name":"ab1","ts":"2024-01-01T05:00:00.000000Z"}
EOF
expect_out "jsonl: one object per row"
run st scan p.t1 --format parquet -o "$T/out.parquet" --filter "id >= 14"
expect_rc 0 "parquet output"
run "$ST_BIN" parquet cat "$T/out.parquet" --format csv
want <<'EOF'
id,name,ts
14,ab2,2024-01-02T00:00:00.000000Z
21,cd3,2024-02-01T00:00:00.000000Z
28,cd4,2024-03-15T00:00:00.000000Z
35,cd5,2025-01-01T00:00:00.000000Z
EOF
{ head -n 1 "$T/out"; tail -n +2 "$T/out" | LC_ALL=C sort; } >"$T/o2"
mv "$T/o2" "$T/out"
expect_out "parquet output reads back"
st scan p.t1 --format parquet --filter "id = 0" >"$T/stdout.parquet" 2>"$T/err"
run "$ST_BIN" parquet cat "$T/stdout.parquet" --format csv -c name
want <<'EOF'
name
ab0
EOF
expect_out "parquet to a redirected standard output"
run st scan p.t1 --limit 2 --format csv -c id
[ "$(tail -n +2 "$T/out" | wc -l | tr -d ' ')" = 2 ] || fail "--limit 2"
run st scan p.t1 -c NAME,Id --filter "ID = 0" --format csv
want <<'EOF'
name,id
ab0,0
EOF
expect_out "columns in the order asked, any case"
run st scan p.t1 -c NAME --case-sensitive
expect_failure "--case-sensitive refuses NAME"

# ---------------------------------------------------- time travel, evolution
run st table create p.tt --schema 'id long, v int'
printf 'id,v\n1,10\n' >"$T/a.csv"
printf 'id,v\n2,20\n' >"$T/b.csv"
run st import p.tt "$T/a.csv" -q
st table snapshots p.tt --format json >"$T/snaps.json"
S1=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["snapshot_id"])' "$T/snaps.json")
T1=$(python3 -c '
import datetime, json, sys
at = json.load(open(sys.argv[1]))[0]["committed_at"].replace("Z", "+00:00")
print(round(datetime.datetime.fromisoformat(at).timestamp() * 1000))' "$T/snaps.json")
sleep 0.01
run st import p.tt "$T/b.csv" -q
run st table alter p.tt --rename-column v=value --alter-column 'value long' --add-column 'note string'
expect_rc 0 "evolve"
run st scan p.tt --format csv
{ head -n 1 "$T/out"; tail -n +2 "$T/out" | LC_ALL=C sort; } >"$T/o2"
mv "$T/o2" "$T/out"
want <<'EOF'
id,value,note
1,10,
2,20,
EOF
expect_out "renamed, widened and added columns over old files"
run st scan p.tt --snapshot "$S1" --format csv
want <<'EOF'
id,v
1,10
EOF
expect_out "--snapshot reads that snapshot with its schema"
run st scan p.tt --as-of "$T1" --format csv
expect_out "--as-of epoch milliseconds"
ISO=$(python3 -c 'import datetime,sys; print(datetime.datetime.fromtimestamp(int(sys.argv[1])/1000, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3])' "$T1")
run st scan p.tt --as-of "$ISO" --format csv
expect_out "--as-of ISO without a zone is UTC"
run st table tag create p.tt first --snapshot "$S1"
run st scan p.tt --ref first --format csv -c id
want <<'EOF'
id
1
EOF
expect_out "--ref a tag"

# -------------------------------------------------------------- bad input
run st scan p.nope
expect_failure "a missing table"
run st scan p.t1 --filter "id >"
expect_failure "a bad filter"
expect_err_has "filter" "a bad filter: the message says so"
run st scan p.t1 --filter "nope = 1"
expect_failure "an unknown filter column"
expect_err_has "nope" "an unknown column is named"
run st scan p.t1 -c id,nope
expect_failure "an unknown column"
run st scan p.t1 --snapshot 123
expect_failure "an unknown snapshot"
run st scan p.t1 --ref nobranch
expect_failure "an unknown ref"
run st scan p.t1 --as-of 2001-01-01
expect_failure "a time before the history"
expect_err_has "no snapshot as of" "before the history: the message"
run st scan p.t1 --as-of yesterday
expect_usage "supertable scan" "a bad --as-of"
run st scan p.t1 --snapshot 1 --ref main
expect_failure "two snapshot selectors"
run st scan p.t1 --format xml
expect_usage "supertable scan" "a bad --format"
run st scan
expect_usage "supertable scan" "no table"
run st scan p.t1 --limit x
expect_usage "supertable scan" "a bad --limit"

finish
