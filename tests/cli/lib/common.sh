# SPDX-License-Identifier: Apache-2.0
# Helpers sourced by the CLI tests (tests/cli/*.sh). CTest sets ST_BIN (the
# supertable binary), ST_SRC (the repository) and ST_TMP (a scratch directory).
# Each check records a failure and goes on; `finish` sets the exit status.
set -u
: "${ST_BIN:?ST_BIN must name the supertable binary}"
ST_SRC=${ST_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
ST_TMP=${ST_TMP:-${TMPDIR:-/tmp}/st-cli-$$}
mkdir -p "$ST_TMP" || exit 1
PT=$ST_SRC/tests/resources/parquet-testing
T=$ST_TMP
FAILS=0
CHECKS=0

fail() {
    echo "FAIL: $*" >&2
    FAILS=$((FAILS + 1))
}

# run CMD...: stdout to $T/out, stderr to $T/err, exit status in $RC.
run() {
    CHECKS=$((CHECKS + 1))
    "$@" >"$T/out" 2>"$T/err"
    RC=$?
    # Under ASan/UBSan a report may come with an ordinary exit status.
    if grep -q 'Sanitizer\|runtime error:' "$T/err"; then
        fail "sanitizer report from: $*"
        sed -n '1,30p' "$T/err" >&2
    fi
}

expect_rc() {
    [ "$RC" -eq "$1" ] || fail "$2: exit $RC, expected $1; stderr: $(head -c 400 "$T/err")"
}

# want: the expected stdout from standard input (a here-document).
want() {
    cat >"$T/want"
}

# expect_out LABEL: stdout equals what `want` was given.
expect_out() {
    if ! cmp -s "$T/want" "$T/out"; then
        fail "$1: stdout differs from the expected (- expected, + got):"
        diff -u "$T/want" "$T/out" | sed -n '3,40p' >&2
    fi
}

expect_err_has() {
    grep -qF -- "$1" "$T/err" || fail "$2: stderr lacks '$1'; got: $(head -c 400 "$T/err")"
}

expect_out_has() {
    grep -qF -- "$1" "$T/out" || fail "$2: stdout lacks '$1'; got: $(head -c 400 "$T/out")"
}

expect_err_empty() {
    [ ! -s "$T/err" ] || fail "$1: unexpected stderr: $(head -c 400 "$T/err")"
}

# A usage error: exit 2, one line of error, then "Try 'CMD --help'.".
expect_usage() {
    expect_rc 2 "$2"
    [ "$(wc -l <"$T/err" | tr -d ' ')" = 2 ] || fail "$2: stderr should be 2 lines: $(cat "$T/err")"
    [ "$(sed -n 2p "$T/err")" = "Try '$1 --help'." ] || fail "$2: no \"Try '$1 --help'.\" line"
    [ ! -s "$T/out" ] || fail "$2: usage error wrote to stdout"
}

# A runtime failure: exit 1 and "supertable: error: ..." on stderr.
expect_failure() {
    expect_rc 1 "$1"
    grep -q '^supertable: error: ' "$T/err" || fail "$1: no 'supertable: error:' line: $(cat "$T/err")"
}

# expect_json LABEL EXPR: stdout parsed as JSON -- one document, or JSON lines
# as a list of objects -- is `d`, and the Python expression EXPR holds for it.
expect_json() {
    python3 - "$T/out" "$2" <<'PY' || fail "$1: $2 does not hold; stdout: $(head -c 600 "$T/out")"
import json, re, sys
text = open(sys.argv[1], encoding="utf-8").read()
# --format json prints one document (an array, or describe's object spread
# over lines); jsonl one object per line, even when there is just one. Empty
# output is a failure, never an empty list.
lines = [line for line in text.splitlines() if line.strip()]
if not lines:
    sys.exit("no output")
if text.lstrip().startswith("[") or lines[0].strip() == "{":
    d = json.loads(text)
else:
    d = [json.loads(line) for line in lines]
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

# json_get EXPR: prints the Python expression EXPR over the JSON of stdout
# (as expect_json reads it), for use in later commands.
json_get() {
    python3 - "$T/out" "$1" <<'PY'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
# --format json prints one document (an array, or describe's object spread
# over lines); jsonl one object per line, even when there is just one. Empty
# output is a failure, never an empty list.
lines = [line for line in text.splitlines() if line.strip()]
if not lines:
    sys.exit("no output")
if text.lstrip().startswith("[") or lines[0].strip() == "{":
    d = json.loads(text)
else:
    d = [json.loads(line) for line in lines]
print(eval(sys.argv[2]))
PY
}

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$FAILS of $CHECKS checks failed"
        exit 1
    fi
    echo "ok: $CHECKS checks"
    exit 0
}
