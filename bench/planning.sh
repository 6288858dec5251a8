#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Scan benchmarks (`make bench` runs `sh ./bench/planning.sh build`); method in
# bench/README.md, output in bench/results/planning.md.
#
#  (a) planning: a table of 100,000 data files in 1,000 manifests (synthetic
#      entries, written by `bench_planning make`), planned with no filter, with
#      a filter on ts that the manifests' partition summaries prune to 1% of the
#      files, and with a filter on id that only the files' column metrics prune
#      (every manifest read); files/second against the 1,000,000 files/s target
#      and Java Iceberg's ~30,000 files/s per core.
#  (b) scan: the 10-million-row Parquet file of bench/run.sh imported into a
#      table; every row read through the table scan vs DuckDB reading the
#      table's data files, same threads, same aggregates (checked equal).
#
# Usage: bench/planning.sh BUILD_DIR
# Environment: ST_BENCH_PLAN_FILES (100000), ST_BENCH_PLAN_MANIFESTS (1000),
#              ST_BENCH_PLAN_RUNS (5: plans per filter, one process),
#              ST_BENCH_RUNS (5: scan runs per engine, each a fresh process),
#              ST_BENCH_ROWS (10000000: rows of the Parquet file when it must be made),
#              ST_BENCH_THREADS (nproc), NODE (node)
set -u
BUILD=${1:?usage: bench/planning.sh BUILD_DIR}
SRC=$(cd "$(dirname "$0")/.." && pwd)
case $BUILD in /*) ;; *) BUILD=$(cd "$BUILD" && pwd) ;; esac
NODE=${NODE:-node}
FILES=${ST_BENCH_PLAN_FILES:-100000}
MANIFESTS=${ST_BENCH_PLAN_MANIFESTS:-1000}
PRUNS=${ST_BENCH_PLAN_RUNS:-5}
RUNS=${ST_BENCH_RUNS:-5}
ROWS=${ST_BENCH_ROWS:-10000000}
THREADS=${ST_BENCH_THREADS:-$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN)}
BP=$BUILD/bench/bench_planning
CLI=$BUILD/supertable
DATA=$SRC/bench/data/planning
PARQUET=$SRC/bench/data/supertable_zstd.parquet
OUT=$SRC/bench/results/planning.md
JAVA_PER_CORE=30000
TARGET=1000000

die() { echo "bench/planning: $*" >&2; exit 1; }
duck() { "$NODE" "$SRC/bench/parquet_duckdb.mjs" "$@"; }
# get KEY LINE: the value of KEY=value in a result line
get() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }
# stats FILE: "best median" of the numbers in FILE, one a line
stats() { sort -g "$1" | awk '{v[NR] = $1} END {m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f %.3f\n", v[1], m}'; }
fmt_int() { printf '%.0f\n' "$1" | sed ':a;s/\B[0-9]\{3\}\>/,&/;ta'; }
day_iso() { date -u -d "@$(($1 * 86400))" '+%Y-%m-%d'; }

[ -x "$BP" ] || die "build first: $BP is missing"
[ -x "$CLI" ] || die "build first: $CLI is missing"
[ $((FILES % MANIFESTS)) = 0 ] || die "ST_BENCH_PLAN_FILES must be a multiple of ST_BENCH_PLAN_MANIFESTS"
sh "$SRC/tools/install-node-deps.sh" || die "cannot install node deps (tools/install-node-deps.sh)"
mkdir -p "$DATA" "$(dirname "$OUT")" || die "cannot create $DATA"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/st-bench-planning.XXXXXX") || die "mktemp"
trap 'rm -rf "$TMP"' EXIT INT TERM

# ------------------------------------------------------------- (a) planning
echo "bench/planning: making a table of $FILES files in $MANIFESTS manifests"
rm -rf "$DATA/files"
made=$("$BP" make "$DATA/files" --files "$FILES" --manifests "$MANIFESTS") || die "make failed"
echo "  $made"

# bench_planning's layout: manifest k holds days FIRST_DAY + 4k .. + 3, file g
# ids [g * 10^6, ...). 1% of the days starting half way, 1% of the files by id.
FIRST_DAY=16436
DAYS=$((MANIFESTS * 4))
D0=$((FIRST_DAY + MANIFESTS / 2 * 4))
DN=$((DAYS / 100 > 0 ? DAYS / 100 : 1))
TS_FILTER="ts >= '$(day_iso $D0)T00:00:00+00:00' AND ts < '$(day_iso $((D0 + DN)))T00:00:00+00:00'"
G0=$((FILES / 2))
GN=$((FILES / 100 > 0 ? FILES / 100 : 1))
ID_FILTER="id >= ${G0}000000 AND id < $((G0 + GN))000000"

: >"$TMP/plan.md"
# plan LABEL THREADS FILTER: one process planning $PRUNS times
plan() {
    label=$1 thr=$2 filter=$3
    if [ -n "$filter" ]; then
        line=$("$BP" plan "$DATA/files" --runs "$PRUNS" --threads "$thr" --filter "$filter") ||
            die "plan ($label) failed"
    else
        line=$("$BP" plan "$DATA/files" --runs "$PRUNS" --threads "$thr") || die "plan ($label) failed"
    fi
    echo "  $label: $line"
    best=$(get seconds "$line") med=$(get median "$line") fps=$(get files_per_second "$line")
    cpu=$(get cpu_seconds "$line") fpc=$(get files_per_cpu_second "$line")
    java=$(awk "BEGIN{printf \"%.1f\", $fpc / $JAVA_PER_CORE}")
    target=$(awk "BEGIN{printf \"%.1f%%\", 100 * $fps / $TARGET}")
    echo "| $label | $thr | $(printf '%.3f' "$best") / $(printf '%.3f' "$med") | $(fmt_int "$fps") | $(printf '%.3f' "$cpu") | $(fmt_int "$fpc") | $(get manifests_pruned "$line") / $(get manifests "$line") | $(get pruned_partition "$line") / $(get pruned_metrics "$line") | $(get selected "$line") | ${java}x | $target |" >>"$TMP/plan.md"
    OPEN_S=$(get open_seconds "$line")
}
echo "bench/planning: planning, $PRUNS plans each"
plan "no filter" "$THREADS" ""
plan "no filter" 1 ""
plan "\`$TS_FILTER\`" "$THREADS" "$TS_FILTER"
plan "\`$ID_FILTER\`" "$THREADS" "$ID_FILTER"

# ----------------------------------------------------------------- (b) scan
if [ ! -f "$PARQUET" ]; then
    echo "bench/planning: making $PARQUET ($ROWS rows, as bench/run.sh does)"
    "$BUILD/bench/bench_parquet" write --codec zstd --rows "$ROWS" --threads "$THREADS" \
        --row-group-rows 122880 --out "$PARQUET" >/dev/null || die "cannot write $PARQUET"
fi
echo "bench/planning: importing $PARQUET into a table"
rm -rf "$DATA/scan"
imported=$("$CLI" import "$DATA/scan" "$PARQUET" --create) || die "import failed"
echo "  $imported"
NROWS=$(echo "$imported" | sed -n 's/^imported \([0-9]*\) rows.*/\1/p')
[ -n "$NROWS" ] || die "cannot read the row count from: $imported"
"$BP" files --table "$DATA/scan" >"$TMP/files.txt" || die "cannot list the table's data files"
NFILES=$(wc -l <"$TMP/files.txt" | tr -d ' ')
DUCK_OUT=$(sed 's/^/--out /' "$TMP/files.txt" | tr '\n' ' ')
TABLE_BYTES=$(xargs stat -c %s <"$TMP/files.txt" | awk '{n += $1} END {print n}')
WANT=$(duck expect --rows "$NROWS" | sed 's/.*"read-all":"\([^"]*\)".*/\1/')

: >"$TMP/st.txt"; : >"$TMP/duck.txt"; : >"$TMP/pq.txt"
# check ENGINE LINE: the aggregates must be the formulas'
check() {
    c=$(get check "$2")
    [ "$c" = "$WANT" ] || die "$1 returned check=$c, expected $WANT (the formulas' values)"
}
echo "bench/planning: scan of $NROWS rows in $NFILES data file(s), $THREADS threads, $RUNS runs each"
k=1
while [ "$k" -le "$RUNS" ]; do
    line=$("$BP" scan --table "$DATA/scan" --threads "$THREADS") || die "SuperTable scan failed"
    check "SuperTable table scan" "$line"
    get seconds "$line" >>"$TMP/st.txt"
    echo "  supertable scan run $k: $line"
    # shellcheck disable=SC2086
    line=$(duck read-all --threads "$THREADS" $DUCK_OUT) || die "DuckDB read-all failed"
    check "DuckDB read-all" "$line"
    get seconds "$line" >>"$TMP/duck.txt"
    echo "  duckdb read-all run $k: $line"
    if [ "$NFILES" = 1 ]; then
        line=$("$BUILD/bench/bench_parquet" read-all --threads "$THREADS" --out "$(cat "$TMP/files.txt")") ||
            die "bench_parquet read-all failed"
        check "SuperTable Parquet reader" "$line"
        get seconds "$line" >>"$TMP/pq.txt"
    fi
    k=$((k + 1))
done
set -- $(stats "$TMP/st.txt"); ST_BEST=$1 ST_MED=$2
set -- $(stats "$TMP/duck.txt"); DU_BEST=$1 DU_MED=$2

# ----------------------------------------------------------------- report
ST_VERSION="$("$CLI" --version 2>/dev/null | head -n 1) (git $(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo '?'))"
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
{
    echo "# Scan benchmark: planning and table scans"
    echo
    echo "Generated by \`bench/planning.sh\` on $(date -u '+%Y-%m-%dT%H:%M:%SZ'). Method: \`bench/README.md\`."
    echo
    echo "- machine: $(nproc) logical CPUs ($CPU), RAM $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo); load average when the report was written: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews the figures)"
    echo "- SuperTable: $ST_VERSION; $(duck version)"
    echo
    echo "## Planning"
    echo
    echo "A table of $(fmt_int "$FILES") data files in $(fmt_int "$MANIFESTS") manifests of"
    echo "$((FILES / MANIFESTS)) entries (\`id long, ts timestamptz, region string, v double\`,"
    echo "partitioned by \`day(ts)\`; 4 days per manifest; every entry with bounds, value and null"
    echo "counts for all 4 columns and split offsets). Time of \`st_table_scan\` (planning only: no"
    echo "file is opened), best and median of $PRUNS plans in one process; opening the table"
    echo "(reading and parsing the metadata JSON) is not included: it took ${OPEN_S} s."
    echo "files/s = all $(fmt_int "$FILES") files of the snapshot / best wall time, including those"
    echo "skipped with their manifest; CPU s = the least CPU time of a plan, all threads"
    echo "together, which other load on the machine disturbs less than wall time. The"
    echo "reference is Java Iceberg's planning rate of about $(fmt_int $JAVA_PER_CORE) files/s per core (an"
    echo "estimate, not measured here): \"vs Java\" = our files per CPU-second / $(fmt_int $JAVA_PER_CORE)."
    echo "Target: $(fmt_int $TARGET) files/s of wall time on this machine."
    echo
    echo "| filter | threads | wall s best / median | files/s | CPU s | files per CPU-s | manifests pruned / total | files pruned by partition / metrics | files selected | vs Java per core | of target |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    cat "$TMP/plan.md"
    echo
    echo "## Table scan vs DuckDB"
    echo
    echo "\`bench/data/supertable_zstd.parquet\` ($(fmt_int "$NROWS") rows of \`bench/README.md\`)"
    echo "imported into a path table (\`supertable import --create\`, which rewrites the rows"
    echo "into the table's own data files: $NFILES file(s), $(awk "BEGIN{printf \"%.2f\", $TABLE_BYTES / 1e6}") MB). SuperTable reads every"
    echo "row through the table scan (\`st_table_scan\` + \`st_scan_reader\`; timed from opening the"
    echo "table, planning included); DuckDB reads exactly the table's data files"
    echo "(\`read_parquet([...])\`). Both compute \`count(*), sum(id), sum(a), min(b), max(b),"
    echo "sum(length(s)), max(t)\` with $THREADS threads; every run's values were checked equal"
    echo "to the formulas'. $RUNS runs each, each a fresh process; wall-clock seconds."
    echo
    echo "| operation | SuperTable best / median | DuckDB best / median | ratio DuckDB/SuperTable (median; > 1: we are faster) |"
    echo "|---|---:|---:|---:|"
    echo "| scan all rows and columns | $ST_BEST / $ST_MED | $DU_BEST / $DU_MED | $(awk "BEGIN{printf \"%.2f\", $DU_MED / $ST_MED}") |"
    if [ -s "$TMP/pq.txt" ]; then
        set -- $(stats "$TMP/pq.txt")
        echo "| (SuperTable's Parquet reader alone on the same file, \`bench_parquet read-all\`) | $1 / $2 | $DU_BEST / $DU_MED | $(awk "BEGIN{printf \"%.2f\", $DU_MED / $2}") |"
    fi
} >"$OUT"
cat "$OUT"
echo "bench/planning: results in $OUT"
