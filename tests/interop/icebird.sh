#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Interop test: Iceberg tables written by SuperTable read by icebird (hyparam's
# JavaScript Iceberg reader, npm). For format versions 1 and 2 and every
# partition transform (identity, bucket, truncate, year, month, day, hour, void,
# and unpartitioned), the CLI creates a table, imports rows, evolves the schema
# (renames a column, adds one) and imports more rows; icebird must then see the
# current schema (ids, names, types), every snapshot, and every row with the
# values imported (older files read the added column as null and the renamed
# column under its new name).
# Environment (CTest): ST_BIN, ST_SRC, ST_TMP; NODE (default node).
set -u
ST_SRC=${ST_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
ST_TMP=${ST_TMP:-${TMPDIR:-/tmp}/st-icebird-$$}
ST_BIN=${ST_BIN:-$ST_SRC/build/supertable}
NODE=${NODE:-node}
I=$ST_SRC/tests/interop
T=$ST_TMP
FAILS=0

die() { echo "FAIL: $*" >&2; exit 1; }
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }

sh "$ST_SRC/tools/install-node-deps.sh" || die "cannot install the npm peers"
rm -rf "$T" && mkdir -p "$T" || die "cannot create $T"
W=$T/wh

# Two CSV batches and the rows icebird must return, from one generator.
python3 - "$T" <<'EOF' || die "cannot generate the data"
import csv, datetime, json, sys
t = sys.argv[1]
def row(i):
    ts = datetime.datetime(2023, 12, 30, 22, 0, 0) + datetime.timedelta(hours=7 * i)
    d = datetime.date(1969, 12, 25) + datetime.timedelta(days=3 * i)
    return {"id": i, "cat": "c%d" % (i % 3), "name": "name-%03d" % i, "ts": ts, "d": d,
            "amount": round(i * 1.25, 2)}
def csv_val(k, v):
    if k == "ts": return v.strftime("%Y-%m-%dT%H:%M:%S")
    if k == "d": return v.isoformat()
    return str(v)
rows1 = [row(i) for i in range(0, 40)]
rows2 = [dict(row(i), note="n%d" % i) for i in range(40, 70)]
with open(t + "/part1.csv", "w", newline="") as f:
    w = csv.writer(f); w.writerow(["id", "cat", "name", "ts", "d", "amount"])
    for r in rows1: w.writerow([csv_val(k, r[k]) for k in ["id", "cat", "name", "ts", "d", "amount"]])
with open(t + "/part2.csv", "w", newline="") as f:
    w = csv.writer(f); w.writerow(["id", "cat", "title", "ts", "d", "amount", "note"])
    for r in rows2:
        w.writerow([csv_val(k, r[k]) for k in ["id", "cat", "name", "ts", "d", "amount", "note"]])
# icebird's values: long -> BigInt (decimal text), timestamps and dates -> Date
# (ISO text), doubles -> numbers, absent columns -> null
with open(t + "/expected.jsonl", "w") as f:
    for r in rows1 + rows2:
        o = {"id": str(r["id"]), "cat": r["cat"], "title": r["name"],
             "ts": r["ts"].strftime("%Y-%m-%dT%H:%M:%S.000Z"),
             "d": r["d"].strftime("%Y-%m-%dT00:00:00.000Z"),
             # JavaScript prints 10.0 as 10
             "amount": int(r["amount"]) if float(r["amount"]).is_integer() else r["amount"],
             "note": r.get("note")}
        f.write(json.dumps(o, sort_keys=True, separators=(",", ":")) + "\n")
EOF
sort "$T/expected.jsonl" >"$T/expected.sorted"

SCHEMA='id long not null, cat string, name string, ts timestamp, d date, amount double'
n=0
for fv in 1 2; do
    for spec in "" "identity(cat)" "bucket(4, id)" "truncate(3, name)" "year(ts)" \
                "month(ts)" "day(d)" "hour(ts)" "void(id)"; do
        n=$((n + 1))
        tbl=db.t$n
        what="v$fv partition-by '$spec'"
        st() { "$ST_BIN" --warehouse "$W" "$@" >"$T/out" 2>"$T/err"; }
        st namespace create db 2>/dev/null
        if [ -n "$spec" ]; then
            st table create "$tbl" --schema "$SCHEMA" --partition-by "$spec" \
                --format-version "$fv" || { fail "$what: create: $(cat "$T/err")"; continue; }
        else
            st table create "$tbl" --schema "$SCHEMA" --format-version "$fv" \
                || { fail "$what: create: $(cat "$T/err")"; continue; }
        fi
        st import "$tbl" "$T/part1.csv" || { fail "$what: import 1: $(cat "$T/err")"; continue; }
        st table alter "$tbl" --rename-column name=title --add-column 'note string' \
            || { fail "$what: alter: $(cat "$T/err")"; continue; }
        st import "$tbl" "$T/part2.csv" || { fail "$what: import 2: $(cat "$T/err")"; continue; }
        loc=$W/db/t$n
        meta=$(cd "$loc/metadata" && ls *.metadata.json | sort | tail -n 1)
        "$NODE" "$I/icebird_read.mjs" "$loc" "$meta" >"$T/icebird.jsonl" 2>"$T/err" \
            || { fail "$what: icebird: $(head -c 600 "$T/err")"; continue; }
        python3 - "$T/icebird.jsonl" "$fv" <<'EOF' >"$T/check" 2>&1 || fail "$what: $(cat "$T/check")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
schema = json.loads(lines[0])["schema"]
want = [[1, "id", "long", True], [2, "cat", "string", False], [3, "title", "string", False],
        [4, "ts", "timestamp", False], [5, "d", "date", False], [6, "amount", "double", False],
        [7, "note", "string", False]]
assert schema == want, "schema %r" % schema
snaps = json.loads(lines[1])["snapshots"]
assert len(snaps) == 2, "snapshots %r" % snaps
assert snaps[0][1] is None and snaps[1][1] == snaps[0][0], "parents %r" % snaps
assert [s[2] for s in snaps] == ["append", "append"], "operations %r" % snaps
open(sys.argv[1] + ".rows", "w").write("\n".join(sorted(lines[2:])) + "\n")
EOF
        if ! cmp -s "$T/icebird.jsonl.rows" "$T/expected.sorted"; then
            fail "$what: icebird's rows differ from the imported ones:"
            diff "$T/expected.sorted" "$T/icebird.jsonl.rows" | head -8 >&2
        fi
    done
done
[ "$FAILS" -eq 0 ] || { echo "icebird: $FAILS of $n tables failed" >&2; exit 1; }
echo "icebird: $n tables (v1 and v2, every transform, after schema evolution) read back identically"
