#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# `supertable table ...`: create, list, describe, the listings in every
# format, properties, refs, rollback, set-current, cherry-pick, tags and
# branches, expire, upgrade, rename, drop; a path table end to end; the
# PyIceberg fixture catalog through --location-map.
. "$(dirname "$0")/lib/common.sh"

WH=$T/wh
rm -rf "$WH" "$T/pt" "$T/fx"
st() { "$ST_BIN" --warehouse "$WH" "$@"; }

printf 'id,ts,name\n1,2026-11-21T10:00:00Z,a\n2,2026-11-22T11:00:00Z,b\n3,2026-11-22T12:00:00Z,c\n' \
    >"$T/rows1.csv"
printf 'id,ts,name\n4,2026-11-23T10:00:00Z,d\n5,2026-11-23T11:00:00Z,e\n' >"$T/rows2.csv"
printf 'id,ts,name\n6,2026-11-24T10:00:00Z,f\n' >"$T/rows3.csv"

# current_snapshot TABLE: the current snapshot id, or "None".
current_snapshot() {
    st table describe "$1" --format json >"$T/desc.json" 2>/dev/null
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["current_snapshot_id"])' \
        "$T/desc.json"
}

# total_rows TABLE [SNAPSHOT]: the sum of the live files' record counts.
total_rows() {
    st table files "$1" ${2:+--snapshot "$2"} --format json >"$T/files.json" 2>/dev/null
    python3 -c 'import json,sys; print(sum(f["record_count"] for f in json.load(open(sys.argv[1]))))' \
        "$T/files.json"
}

run st namespace create db
expect_rc 0 "namespace"

# ------------------------------------------------------------------ create
run st table create db.events --schema 'id long not null, ts timestamptz, name string' \
    --partition-by 'day(ts)' --sort-by 'ts desc, id' --property owner=ana --format-version 2
expect_rc 0 "create"
expect_out_has "created table db.events at $WH" "create"
run st table create db.events --schema 'id long'
expect_failure "create twice"
run st table create db.events --schema 'id long' --if-not-exists
expect_rc 0 "create --if-not-exists"
expect_out_has "exists already" "create --if-not-exists"
run st table create nope.t --schema 'id long'
expect_failure "create in a missing namespace"
run st table create db.bad --schema 'id long' --partition-by 'day(nosuch)'
expect_failure "create with a bad partition field"
expect_err_has "nosuch" "create with a bad partition field"
run st table create db.bad --schema 'id long' --partition-by 'frobnicate(id)'
expect_failure "create with an unknown transform"
run st table create db.bad --schema 'id long' --sort-by 'nosuch desc'
expect_failure "create with a bad sort order"
run st table list db --format json
expect_json "failed creates leave no table" '[r["table"] for r in d] == ["db.events"]'

# ------------------------------------------------------------ list, describe
run st namespace create db.sub
run st table create db.sub.t1 --schema 'a int' --format-version 1
expect_rc 0 "create v1"
run st table list
expect_rc 0 "list all"
expect_out_has "db.events" "list all"
expect_out_has "db.sub.t1" "list all"
expect_out_has "(2 rows)" "list all"
run st table list db.sub --format jsonl
expect_json "list ns" 'd == [{"table": "db.sub.t1", "namespace": "db.sub"}]'
run st table list --format csv
expect_out_has "table,namespace" "list csv"

run st table describe db.events --format json
expect_rc 0 "describe json"
expect_json "describe fields" '[(f["id"], f["name"], f["type"], f["required"]) for f in d["fields"]] == [(1, "id", "long", True), (2, "ts", "timestamptz", False), (3, "name", "string", False)]'
expect_json "describe spec" 'd["partition_spec"] == "ts_day=day(ts)" or d["partition_spec"] == "day(ts)"'
expect_json "describe order" 'd["sort_order"].startswith("ts desc") and "id" in d["sort_order"]'
expect_json "describe rest" 'd["format_version"] == 2 and d["current_snapshot_id"] is None and d["properties"]["owner"] == "ana" and d["location"].startswith("'"$WH"'") and d["metadata_location"].endswith(".metadata.json") and d["name"] == "db.events" and len(d["uuid"]) == 36'
run st table describe db.events
expect_rc 0 "describe text"
for want_text in "location" "uuid" "format version    2" "current snapshot  none" \
    "partition spec" "sort order" "metadata" "required" "optional" "owner = ana"; do
    expect_out_has "$want_text" "describe text"
done
run st table describe db.nope
expect_failure "describe a missing table"
expect_err_has "db.nope" "describe a missing table"
run st table snapshots db.nope
expect_failure "snapshots of a missing table"

# ------------------------------------------------------------- listings
run st table snapshots db.events --format json
expect_json "no snapshots yet" 'd == []'
run st table snapshots db.events
expect_out_has "(0 rows)" "no snapshots yet, table"

run st import db.events "$T/rows1.csv"
expect_rc 0 "import 1"
run st import db.events "$T/rows2.csv"
expect_rc 0 "import 2"

run st table snapshots db.events --format json
expect_rc 0 "snapshots json"
expect_json "snapshots" 'len(d) == 2 and d[0]["parent_id"] is None and d[1]["parent_id"] == d[0]["snapshot_id"]'
expect_json "snapshot fields" 'list(d[0].keys()) == ["committed_at", "snapshot_id", "parent_id", "operation", "manifest_list", "summary"]'
expect_json "snapshot values" 'all(s["operation"] == "append" and isinstance(s["summary"], dict) and "operation" not in s["summary"] and s["manifest_list"].endswith(".avro") and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", s["committed_at"]) for s in d)'
expect_json "summary counts" 'd[0]["summary"].get("added-records") == "3" and d[1]["summary"].get("total-records") == "5"'
S1=$(json_get 'd[0]["snapshot_id"]')
S2=$(json_get 'd[1]["snapshot_id"]')
# committed_at in epoch milliseconds (a --to-timestamp below)
T2=$(json_get '(lambda dt: round(dt.datetime.strptime(d[1]["committed_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=dt.timezone.utc).timestamp() * 1000))(__import__("datetime"))')
run st table snapshots db.events --format jsonl
expect_json "snapshots jsonl" 'len(d) == 2 and d[1]["snapshot_id"] == '"$S2"
run st table snapshots db.events --format csv
expect_rc 0 "snapshots csv"
[ "$(head -1 "$T/out")" = "committed_at,snapshot_id,parent_id,operation,manifest_list,summary" ] ||
    fail "snapshots csv header: $(head -1 "$T/out")"
# the summary map as compact text: {key: value, ...}
grep -q "^20[0-9-]*T[0-9:.]*Z,$S1,,append,[^,]*\.avro,\"{added-data-files: 2, added-records: 3, " "$T/out" ||
    fail "snapshots csv row: $(sed -n 2p "$T/out")"
run st table snapshots db.events
expect_out_has "(2 rows)" "snapshots table"
expect_out_has " snapshot_id " "snapshots table"
expect_out_has "| {added-data-files: 2, added-records: 3, " "snapshots table"

[ "$(current_snapshot db.events)" = "$S2" ] || fail "current snapshot is not the last import"

run st table history db.events --format json
expect_json "history" '[h["snapshot_id"] for h in d] == ['"$S1, $S2"'] and all(h["is_current_ancestor"] for h in d) and d[0]["parent_id"] is None'
expect_json "history times" 're.fullmatch(r"\d{4}-.*Z", d[0]["made_current_at"]) is not None'

run st table files db.events --format json
expect_rc 0 "files"
expect_json "files" 'sum(f["record_count"] for f in d) == 5 and all(f["content"] == 0 and f["file_format"].upper() == "PARQUET" and f["file_size_in_bytes"] > 0 and f["file_path"].endswith(".parquet") for f in d)'
expect_json "files partitioned by day" 'len(d) == 3 and all(f["partition"]["ts_day"].startswith("2026-11-2") for f in d)'
expect_json "files metrics" 'all({e["key"] for e in f["value_counts"]} == {1, 2, 3} and f["readable_metrics"]["id"]["lower_bound"] >= 1 and f["readable_metrics"]["ts"]["upper_bound"].endswith("Z") for f in d)'
run st table files db.events --snapshot "$S1" --format jsonl
expect_json "files of the first snapshot" 'sum(f["record_count"] for f in d) == 3'
run st table files db.events --snapshot 12345
expect_failure "files of a missing snapshot"
expect_err_has "12345" "files of a missing snapshot"
run st table files db.events --format csv
expect_out_has "content,file_path,file_format,spec_id,partition,record_count,file_size_in_bytes,column_sizes," "files csv"
expect_out_has ",{ts_day: 2026-11-23}," "files csv: a struct as compact text"
grep -q ',"{1: [0-9]*, 2: [0-9]*, 3: [0-9]*}",' "$T/out" || fail "files csv: a map as compact text"
expect_out_has ",[4]," "files csv: a list as compact text"
run st table files db.events
expect_out_has "| {ts_day: 2026-11-2" "files table: a struct as compact text"
expect_out_has "(3 rows)" "files table"

run st table entries db.events --format json
expect_rc 0 "entries"
expect_json "entries: added by" 'sorted(e["snapshot_id"] for e in d) == sorted(['"$S1, $S1, $S2"']) and all(e["status"] == 1 for e in d)'
expect_json "entries: sequence numbers" 'sorted(e["sequence_number"] for e in d) == [1, 1, 2] and all(e["file_sequence_number"] == e["sequence_number"] for e in d)'
expect_json "entries: data_file" 'all(e["data_file"]["file_path"].endswith(".parquet") and "id" in e["readable_metrics"] for e in d)'
run st table entries db.events --snapshot "$S1" --format jsonl
expect_json "entries of the first snapshot" 'len(d) == 2'

run st table partitions db.events --format json
expect_rc 0 "partitions"
expect_json "partitions" 'sorted((p["partition"]["ts_day"], p["record_count"], p["file_count"]) for p in d) == [("2026-11-21", 1, 1), ("2026-11-22", 2, 1), ("2026-11-23", 2, 1)]'
expect_json "partitions: last update" 'all(p["spec_id"] == 0 and p["total_data_file_size_in_bytes"] > 0 and p["position_delete_file_count"] == 0 for p in d) and {p["last_updated_snapshot_id"] for p in d} == {'"$S1, $S2"'}'
run st table partitions db.events --snapshot "$S1"
expect_out_has "(2 rows)" "partitions of the first snapshot"
expect_out_has "{ts_day: 2026-11-22}" "partitions table"

run st table manifests db.events --format json
expect_rc 0 "manifests"
expect_json "manifests" 'len(d) >= 1 and sum(m["added_data_files_count"] + m["existing_data_files_count"] for m in d) == 3 and all(m["content"] == 0 and m["path"].endswith(".avro") and m["added_delete_files_count"] == 0 for m in d)'
expect_json "manifest ids" ''"$S2"' in [m["added_snapshot_id"] for m in d]'
expect_json "manifest summaries" '[(s["contains_null"], s["lower_bound"], s["upper_bound"]) for m in d if m["added_snapshot_id"] == '"$S1"' for s in m["partition_summaries"]] == [(False, "2026-11-21", "2026-11-22")]'
run st table manifests db.events --snapshot "$S1" --format jsonl
expect_json "manifests of the first snapshot" 'len(d) == 1 and d[0]["added_snapshot_id"] == '"$S1"
run st table manifests db.events --format csv
grep -q '"\[{contains_null: false, contains_nan: [a-z]*, lower_bound: 2026-11-2[0-9], upper_bound: 2026-11-2[0-9]}\]"' "$T/out" ||
    fail "manifests csv: a list of structs: $(sed -n 2p "$T/out")"

# ------------------------------------------------------------ properties
run st table properties db.events --format json
expect_json "properties" '{p["key"]: p["value"] for p in d}.get("owner") == "ana"'
run st table properties db.events --set retention=7 --set 'note=x = y' --unset owner
expect_rc 0 "properties --set --unset"
expect_out_has "updated 3 properties of db.events" "properties --set"
run st table properties db.events --format json
expect_json "properties changed" '{p["key"]: p["value"] for p in d}.get("retention") == "7" and {p["key"]: p["value"] for p in d}.get("note") == "x = y" and "owner" not in {p["key"] for p in d}'
run st table properties db.events
expect_out_has "retention" "properties table"

# ------------------------------------------------------ refs, tags, branches
run st table refs db.events --format json
expect_json "refs" 'd == [{"name": "main", "type": "BRANCH", "snapshot_id": '"$S2"', "max_reference_age_in_ms": None, "min_snapshots_to_keep": None, "max_snapshot_age_in_ms": None}]'
run st table tag create db.events v1 --snapshot "$S1" --max-ref-age-ms 86400000
expect_rc 0 "tag create"
expect_out_has "created tag v1 of db.events at snapshot $S1" "tag create"
run st table tag create db.events v1
expect_failure "tag create twice"
run st table refs db.events --format json
expect_json "tag listed" '[(r["type"], r["snapshot_id"], r["max_reference_age_in_ms"]) for r in d if r["name"] == "v1"] == [("TAG", '"$S1"', 86400000)]'
run st table tag replace db.events v1 --snapshot "$S2"
expect_rc 0 "tag replace"
run st table refs db.events --format json
expect_json "tag moved" '[r["snapshot_id"] for r in d if r["name"] == "v1"] == ['"$S2"']'
run st table tag drop db.events main
expect_failure "tag drop of a branch"
expect_err_has "is a branch, not a tag" "tag drop of a branch"
run st table tag drop db.events nosuch
expect_failure "tag drop of a missing tag"
run st table tag drop db.events v1
expect_rc 0 "tag drop"
run st table refs db.events --format json
expect_json "tag gone" '[r["name"] for r in d] == ["main"]'

run st table branch create db.events audit --snapshot "$S1" --min-snapshots-to-keep 2
expect_rc 0 "branch create"
run st import db.events "$T/rows3.csv" --branch audit
expect_rc 0 "import into a branch"
run st table refs db.events --format json
expect_json "branch moved, main did not" '{r["name"]: r["snapshot_id"] for r in d}["main"] == '"$S2"' and {r["name"]: r["snapshot_id"] for r in d}["audit"] not in ('"$S1, $S2"') and [r["min_snapshots_to_keep"] for r in d if r["name"] == "audit"] == [2]'
SB=$(json_get '{r["name"]: r["snapshot_id"] for r in d}["audit"]')
[ "$(total_rows db.events)" = 5 ] || fail "a branch commit changed main"
[ "$(total_rows db.events "$SB")" = 4 ] || fail "the branch does not hold its rows"
run st table branch fast-forward db.events main --to audit
expect_failure "fast-forward to a branch that does not descend from main"
run st table branch create db.events dev
expect_rc 0 "branch create at the current snapshot"
run st import db.events "$T/rows3.csv" --branch dev
expect_rc 0 "import into dev"
run st table branch fast-forward db.events main --to dev
expect_rc 0 "fast-forward"
S3=$(current_snapshot db.events)
[ "$(total_rows db.events)" = 6 ] || fail "fast-forward: main lacks dev's rows"
run st table branch replace db.events audit --snapshot "$S3"
expect_rc 0 "branch replace"
run st table branch drop db.events dev
expect_rc 0 "branch drop"
run st table branch drop db.events audit
expect_rc 0 "branch drop audit"
run st table refs db.events --format json
expect_json "branches gone" '[r["name"] for r in d] == ["main"]'

# --------------------------------------------- rollback, set-current, cherry-pick
run st table rollback db.events --to "$S1"
expect_rc 0 "rollback --to"
expect_out_has "rolled back db.events to snapshot $S1" "rollback --to"
[ "$(current_snapshot db.events)" = "$S1" ] || fail "rollback did not move the current snapshot"
run st table history db.events --format json
expect_json "history after rollback" 'd[-1]["snapshot_id"] == '"$S1"' and any(not h["is_current_ancestor"] for h in d)'
run st table rollback db.events --to "$S3"
expect_failure "rollback to a snapshot that is not an ancestor"
run st table set-current db.events "$S3"
expect_rc 0 "set-current"
[ "$(current_snapshot db.events)" = "$S3" ] || fail "set-current"
run st table rollback db.events --to-timestamp "$T2"
expect_rc 0 "rollback --to-timestamp (epoch ms)"
[ "$(current_snapshot db.events)" = "$S2" ] || fail "rollback --to-timestamp $T2 is not $S2"
run st table set-current db.events "$S3"
ISO=$(python3 -c 'import datetime,sys; print(datetime.datetime.fromtimestamp(int(sys.argv[1])/1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")' "$T2")
run st table rollback db.events --to-timestamp "$ISO"
expect_rc 0 "rollback --to-timestamp (ISO)"
[ "$(current_snapshot db.events)" = "$S2" ] || fail "rollback --to-timestamp $ISO is not $S2"
run st table rollback db.events --to-timestamp 2000-01-01
expect_failure "rollback before the first snapshot"
run st table rollback db.events --to 999
expect_failure "rollback to a missing snapshot"
run st table set-current db.events 999
expect_failure "set-current to a missing snapshot"
run st table cherry-pick db.events "$S3"
expect_rc 0 "cherry-pick"
[ "$(total_rows db.events)" = 6 ] || fail "cherry-pick did not bring the rows of $S3"

# -------------------------------------------------------------- expire
run st table snapshots db.events --format json
BEFORE=$(json_get 'len(d)')
run st table expire db.events --retain-last 1
expect_rc 0 "expire"
expect_out_has "left" "expire"
run st table snapshots db.events --format json
expect_json "expire --retain-last 1" 'len(d) < '"$BEFORE"' and '"$(current_snapshot db.events)"' in [s["snapshot_id"] for s in d]'
[ "$(total_rows db.events)" = 6 ] || fail "expire changed the live rows"
run st table expire db.events
expect_rc 0 "expire with the defaults"
run st table expire db.events --older-than 2000-01-01T00:00:00Z
expect_rc 0 "expire --older-than"

# ----------------------------------------------------- upgrade, rename, drop
run st table upgrade db.sub.t1 --format-version 2
expect_rc 0 "upgrade"
expect_out_has "db.sub.t1 is at format version 2" "upgrade"
run st table upgrade db.sub.t1 --format-version 1
expect_failure "downgrade"
run st table rename db.sub.t1 db.t2
expect_rc 0 "rename"
run st table list --format json
expect_json "renamed" 'sorted(r["table"] for r in d) == ["db.events", "db.t2"]'
run st table describe db.sub.t1
expect_failure "the old name is gone"
run st table rename db.t2 db.events
expect_failure "rename onto an existing table"
LOC=$(st table describe db.t2 --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["location"])')
run st table drop db.t2
expect_rc 0 "drop"
run st table drop db.t2
expect_failure "drop twice"
run st table drop db.t2 --if-exists
expect_rc 0 "drop --if-exists"
[ -d "$LOC/metadata" ] || fail "drop without --purge deleted the files"
st table files db.events --format csv | tail -n +2 | cut -d, -f2 >"$T/live-files"
MLOC=$(st table describe db.events --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["metadata_location"])')
[ -s "$T/live-files" ] && [ -f "$MLOC" ] || fail "no files before drop --purge"
run st table drop db.events --purge
expect_rc 0 "drop --purge"
[ ! -e "$MLOC" ] || fail "drop --purge left the metadata file"
while read -r f; do
    [ ! -e "$f" ] || fail "drop --purge left a data file: $f"
done <"$T/live-files"
run st table list --format json
expect_json "all dropped" 'd == []'

# ------------------------------------------------------------- path table
run st table create "$T/pt" --schema 'id long, ts timestamptz, name string' --partition-by 'day(ts)'
expect_rc 0 "path table create"
[ -d "$T/pt/metadata" ] || fail "path table: no metadata folder"
run st import "$T/pt" "$T/rows1.csv"
expect_rc 0 "path table import"
(cd "$T" && "$ST_BIN" import ./pt rows2.csv >/dev/null 2>&1) || fail "path table import by ./pt"
run st table snapshots "$T/pt" --format json
expect_json "path table snapshots" 'len(d) == 2'
run st table files "$T/pt/" --format json
expect_json "path table files" 'sum(f["record_count"] for f in d) == 5'
run st table alter "$T/pt" --add-column 'note string'
expect_rc 0 "path table alter"
run st table describe "$T/pt" --format json
expect_json "path table describe" '[f["name"] for f in d["fields"]] == ["id", "ts", "name", "note"]'
run st table create "$T/pt" --schema 'id long'
expect_failure "path table create over a table"
run st table snapshots "$T/nothing-here"
expect_failure "a path that holds no table"
run st table list --format json
expect_json "path tables are not in the catalog" 'd == []'

# --------------------------------------------------- the PyIceberg fixture
FX=$ST_SRC/tests/resources/iceberg-fixtures/pyiceberg-v1-sql-catalog
mkdir -p "$T/fx"
cp "$FX/catalog.db" "$T/fx/catalog.db"
fx() { "$ST_BIN" --catalog "sqlite://$T/fx/catalog.db?catalog=repro" \
    --location-map "data/persistent/iceberg_v1_repro=$FX" "$@"; }
run fx table list repro
expect_rc 0 "fixture list"
expect_out_has "repro.merch_v1" "fixture list"
run fx table snapshots repro.merch_v1 --format json
expect_rc 0 "fixture snapshots"
expect_json "fixture snapshots" '[s["snapshot_id"] for s in d] == [3549704636346557910, 381223374871251311, 5191822260710938731] and [s["operation"] for s in d] == ["append", "append", "overwrite"]'
run fx table files repro.merch_v1 --format json
expect_rc 0 "fixture files"
expect_json "fixture files" 'len(d) == 2 and sum(f["record_count"] for f in d) == 4 and all(f["file_path"].startswith("data/persistent/iceberg_v1_repro/") for f in d)'
run fx table files repro.merch_v1 --snapshot 381223374871251311 --format json
expect_json "fixture files of snapshot 2" 'sum(f["record_count"] for f in d) == 6'
run fx table manifests repro.merch_v1 --format json
expect_rc 0 "fixture manifests"
run fx table entries repro.merch_v1 --format json
expect_json "fixture entries: v1 sequence numbers" 'len(d) >= 2 and all(e["sequence_number"] == 0 for e in d)'
run fx table describe repro.merch_v1 --format json
expect_json "fixture describe" 'd["format_version"] == 1 and [f["name"] for f in d["fields"]] == ["id", "league", "ats_qty"] and d["current_snapshot_id"] == 5191822260710938731'
run fx table history repro.merch_v1
expect_out_has "(3 rows)" "fixture history"
# Global options after the command work as well as before it.
run "$ST_BIN" table snapshots repro.merch_v1 --format jsonl \
    --catalog "sqlite://$T/fx/catalog.db?catalog=repro" --location-map "data/persistent/iceberg_v1_repro=$FX"
expect_json "fixture, options after the command" 'len(d) == 3'
run "$ST_BIN" --catalog "sqlite://$T/fx/catalog.db?catalog=repro" table files repro.merch_v1
expect_failure "fixture without --location-map"

# ------------------------------------------- Spark's bunnies: a delete file
FXB=$ST_SRC/tests/resources/iceberg-fixtures/icebird-spark-bunnies
bunnies() { "$ST_BIN" --location-map "s3a://hyperparam-iceberg/spark/bunnies=$FXB" "$@"; }
run bunnies table files "$FXB" --format json
expect_rc 0 "bunnies files"
expect_json "bunnies files" 'sorted((f["content"], f["record_count"]) for f in d) == [(0, 20), (1, 1)] and "partition" not in d[0]'
expect_json "bunnies readable metrics" '[f["readable_metrics"]["Breed Name"]["value_count"] for f in d if f["content"] == 0] == [20]'
run bunnies table partitions "$FXB" --format json
expect_json "bunnies partitions" 'd == [{"record_count": 20, "file_count": 1, "total_data_file_size_in_bytes": d[0]["total_data_file_size_in_bytes"], "position_delete_record_count": 1, "position_delete_file_count": 1, "equality_delete_record_count": 0, "equality_delete_file_count": 0, "last_updated_at": d[0]["last_updated_at"], "last_updated_snapshot_id": 2701171901096418979}]'
run bunnies table manifests "$FXB" --format jsonl
expect_json "bunnies manifests" 'sorted((m["content"], m["added_data_files_count"], m["deleted_data_files_count"], m["added_delete_files_count"]) for m in d) == [(0, 0, 1, 0), (0, 1, 0, 0), (1, 0, 0, 1)]'
run bunnies table entries "$FXB"
expect_out_has "(3 rows)" "bunnies entries"
run bunnies table history "$FXB" --format csv
expect_out_has "made_current_at,snapshot_id,parent_id,is_current_ancestor" "bunnies history"
expect_out_has ",7505300640432048841,,true" "bunnies history"

finish
