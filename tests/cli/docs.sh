#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# The documentation keeps up with the tool: every long option that a command's
# --help lists appears in docs/cli.md and in docs/supertable.1, and the man
# page renders without warnings when groff is installed.
. "$(dirname "$0")/lib/common.sh"

MD=$ST_SRC/docs/cli.md
MAN=$ST_SRC/docs/supertable.1
sed 's/\\-/-/g' "$MAN" >"$T/man.txt"

COMMANDS="parquet inspect|parquet cat|parquet convert|namespace create|namespace list|\
namespace describe|namespace drop|table create|table list|table describe|table alter|table drop|\
table rename|table history|table snapshots|table files|table manifests|table partitions|\
table entries|table refs|\
table properties|table rollback|table set-current|table cherry-pick|table tag|table branch|\
table expire|table upgrade|import|scan"

IFS='|'
set -f
for cmd in "" $COMMANDS; do
    IFS=' '
    # shellcheck disable=SC2086
    run "$ST_BIN" $cmd --help
    expect_rc 0 "$cmd --help"
    for opt in $(grep -o -- '--[a-z][a-z-]*' "$T/out" | sort -u); do
        grep -qF -- "$opt" "$MD" || fail "docs/cli.md does not mention $cmd $opt"
        grep -qF -- "$opt" "$T/man.txt" || fail "docs/supertable.1 does not mention $cmd $opt"
    done
done
IFS='|'
for cmd in $COMMANDS; do
    IFS=' '
    grep -qF "supertable $cmd" "$MD" || fail "docs/cli.md lacks 'supertable $cmd'"
    grep -qF "$(echo "$cmd" | tr a-z A-Z)" "$MAN" || fail "docs/supertable.1 lacks a section for $cmd"
done
IFS=' '
set +f

if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$MAN" >"$T/groff.err" 2>&1
    [ ! -s "$T/groff.err" ] || fail "groff warns about docs/supertable.1: $(head -5 "$T/groff.err")"
fi

finish
