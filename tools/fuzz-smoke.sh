#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Short libFuzzer run of every fuzzer in a build (`make fuzz-smoke`). Each
# BUILD/fuzz/fuzz_<name> runs for FUZZ_SECONDS (default 20) over a scratch copy
# of its seeds in fuzz/corpus/<name>/, so the repository is never written to.
# Prints one line per fuzzer and exits 1 if any of them failed (crash, sanitizer
# report, leak, timeout or out-of-memory); failing inputs and logs are kept in
# BUILD/fuzz-artifacts/. A build without fuzzers (gcc, no -DST_FUZZ=ON) is not
# an error.
#
# Usage: tools/fuzz-smoke.sh [BUILD_DIR]    (default: build-asan)
set -u

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build-asan}
case $build in
/*) ;;
*) build=$(pwd)/$build ;;
esac
secs=${FUZZ_SECONDS:-20}

count=0
for bin in "$build"/fuzz/fuzz_*; do
    if [ -f "$bin" ] && [ -x "$bin" ]; then
        count=$((count + 1))
    fi
done
if [ "$count" -eq 0 ]; then
    echo "fuzz-smoke: no fuzzers in $build/fuzz (they need clang and -DST_FUZZ=ON); skipped"
    exit 0
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/st-fuzz-smoke.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT
trap 'exit 130' INT TERM

failed=0
for bin in "$build"/fuzz/fuzz_*; do
    if ! [ -f "$bin" ] || ! [ -x "$bin" ]; then
        continue
    fi
    name=${bin##*/}
    seeds=$root/fuzz/corpus/${name#fuzz_}
    work=$scratch/$name
    mkdir -p "$work/corpus" "$work/artifacts"
    if [ -d "$seeds" ]; then
        cp -R "$seeds/." "$work/corpus/"
    fi
    nseeds=$(find "$work/corpus" -type f | wc -l | tr -d ' ')

    # From inside the scratch directory, so nothing libFuzzer writes lands in the tree.
    (cd "$work" && "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
        -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log" 2>&1)
    rc=$?

    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        n='\([0-9]*\)'
        stats=$(sed -n "s/.*DONE *cov: $n ft: $n corp: $n.*/cov \\1, ft \\2, corpus \\3/p" \
            "$work/log" | tail -n 1)
        echo "ok    $name: ${runs:-?} runs in ${secs}s from $nseeds seeds, ${stats:-no stats}"
        continue
    fi

    failed=$((failed + 1))
    keep=$build/fuzz-artifacts
    mkdir -p "$keep"
    cp "$work/log" "$keep/$name.log"
    inputs=""
    for a in "$work"/artifacts/*; do
        if [ -f "$a" ]; then
            cp "$a" "$keep/$name-${a##*/}"
            inputs="$inputs $keep/$name-${a##*/}"
        fi
    done
    what=$(sed -n 's/^SUMMARY: \(.*\)/\1/p' "$work/log" | head -n 1)
    echo "FAIL  $name: exit $rc, ${what:-no sanitizer summary}"
    echo "      input:${inputs:- none saved}"
    echo "      log:  $keep/$name.log"
    echo "      reproduce: $bin <input>"
done

if [ "$failed" -ne 0 ]; then
    echo "fuzz-smoke: $failed of $count fuzzers failed"
    exit 1
fi
echo "fuzz-smoke: $count fuzzers ok"
exit 0
