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

# The catalog and table commands: nothing here reaches a catalog.
check "supertable namespace" "no subcommand given" namespace
check "supertable namespace" "unknown subcommand 'make'" namespace make
check "supertable namespace create" "no namespace given" namespace create
check "supertable namespace create" "--property needs KEY=VALUE, got 'x'" namespace create a --property x
check "supertable namespace list" "too many arguments ('b' is extra)" namespace list a b
check "supertable namespace describe" "--format must be table, csv, json or jsonl" \
    namespace describe a --format yaml
check "supertable namespace drop" "no namespace given" namespace drop
check "supertable table" "no subcommand given" table
check "supertable table" "unknown subcommand 'show'" table show
check "supertable table" "unknown option '--frob'" table --frob
check "supertable table create" "no table given" table create
check "supertable table create" "--schema is required" table create a.b
check "supertable table create" "bad --schema: unknown type 'lon'" table create a.b --schema 'x lon'
check "supertable table create" "--format-version must be 1, 2 or 3" \
    table create a.b --schema 'x int' --format-version 4
check "supertable table create" "--property needs KEY=VALUE" table create a.b -s 'x int' -p =v
check "supertable table create" "unknown option '--bogus'" table create a.b --bogus x
check "supertable table list" "unknown option '--all'" table list --all
check "supertable table describe" "--format must be text or json" table describe a.b -f csv
check "supertable table drop" "is a path table" table drop ./t
check "supertable table rename" "no new name given" table rename a.b
check "supertable table rename" "not paths" table rename a.b ./c
check "supertable table snapshots" "no table given" table snapshots
check "supertable table snapshots" "--format must be table, csv, json or jsonl, not 'xml'" \
    table snapshots a.b --format xml
check "supertable table files" "--snapshot must be a snapshot id" table files a.b --snapshot x1
check "supertable table manifests" "option '--snapshot' needs a value" table manifests a.b --snapshot
check "supertable table partitions" "--snapshot must be a snapshot id" table partitions a.b --snapshot z
check "supertable table entries" "no table given" table entries
check "supertable table properties" "--set needs KEY=VALUE, got 'k'" table properties a.b --set k
check "supertable table rollback" "give one of --to and --to-timestamp" table rollback a.b
check "supertable table rollback" "give one of --to and --to-timestamp" \
    table rollback a.b --to 1 --to-timestamp 2
check "supertable table rollback" "--to-timestamp needs a time" table rollback a.b --to-timestamp soon
check "supertable table rollback" "--to must be a snapshot id" table rollback a.b --to abc
check "supertable table set-current" "no snapshot id given" table set-current a.b
check "supertable table cherry-pick" "SNAPSHOT_ID must be a snapshot id" table cherry-pick a.b 1x
check "supertable table tag" "no action given" table tag
check "supertable table tag" "unknown action 'move'" table tag move a.b t
check "supertable table tag" "no tag given" table tag create a.b
check "supertable table tag" "--max-ref-age-ms needs a number" table tag create a.b t --max-ref-age-ms x
check "supertable table tag" "--snapshot and the retention options apply to create and replace" \
    table tag drop a.b t --snapshot 1
check "supertable table tag" "unknown option '--to'" table tag create a.b t --to main
check "supertable table branch" "fast-forward needs --to BRANCH" table branch fast-forward a.b b
check "supertable table branch" "--to applies to fast-forward" table branch create a.b b --to main
check "supertable table expire" "--retain-last needs a positive number" table expire a.b --retain-last 0
check "supertable table expire" "--older-than needs a time" table expire a.b --older-than 2024-13-01
check "supertable table upgrade" "--format-version is required" table upgrade a.b
check "supertable table upgrade" "--format-version must be 1, 2 or 3" table upgrade a.b --format-version 9
check "supertable table alter" "nothing to change" table alter a.b
check "supertable table alter" "no table given" table alter
check "supertable table alter" "--after must follow an --add-column or --move-column" \
    table alter a.b --after x
check "supertable table alter" "--first must follow an --add-column or --move-column" \
    table alter a.b --drop-column y --first
check "supertable table alter" "--doc must follow an --add-column" table alter a.b --doc x
check "supertable table alter" "--move-column x needs --after COL or --first" \
    table alter a.b --move-column x
check "supertable table alter" "the column's place is given already" \
    table alter a.b --add-column 'x int' --first --after y
check "supertable table alter" "--add-column needs 'NAME TYPE', got 'x'" table alter a.b --add-column x
check "supertable table alter" "bad type 'strin' in --add-column" table alter a.b --add-column 'x strin'
check "supertable table alter" "a new column is optional" table alter a.b --add-column 'x int not null'
check "supertable table alter" "--rename-column needs OLD=NEW" table alter a.b --rename-column x
check "supertable table alter" "one column at a time" table alter a.b --alter-column 'x long, y int'
check "supertable table alter" "unterminated \`quoted\` name" table alter a.b --add-column '`x int'
check "supertable import" "no table and files given" import
check "supertable import" "no file given" import a.b
check "supertable import" "cannot tell the format of 'x.dat'" import a.b x.dat
check "supertable import" "standard input ('-') needs --format" import a.b -
check "supertable import" "Parquet needs a file" import a.b - --format parquet
check "supertable import" "standard input ('-') can be read once" import a.b - - --format csv
check "supertable import" "--mode must be append or overwrite" import a.b x.csv --mode upsert
check "supertable import" "apply with --create" import a.b x.csv --partition-by 'day(ts)'
check "supertable import" "bad --schema" import a.b x.csv --create --schema 'a'
check "supertable import" "unknown format 'xml'" import a.b x.csv --format xml
check "supertable table list" "--location-map needs FROM=TO, got 'x'" table list --location-map x
check supertable "--location-map needs FROM=TO" --location-map =x table list
check supertable "option '--catalog' needs a value" --catalog

finish
