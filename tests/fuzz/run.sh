#!/bin/sh
# run.sh: build the libFuzzer targets (make fuzz) and run each for
# FUZZ_SECONDS (default 20) from its seeds in tests/fuzz/seeds/TARGET.
#
#   sh tests/fuzz/run.sh [TARGET...]        (in a configured build tree)
#
# Prints, per target, the inputs executed and whether it crashed; a crash,
# leak, sanitizer report, timeout or out-of-memory keeps its input in
# tests/fuzz/crashes/TARGET/ (re-run it with `build/TARGET FILE`) and
# makes the script exit 1.  The corpus each run grows is kept in
# tests/fuzz/corpus/TARGET for the next run.  Needs clang and its
# libFuzzer runtime (data/install-deps.sh installs them).
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
build=${top_builddir:-$(pwd)}
seconds=${FUZZ_SECONDS:-20}
all="fuzz_conf fuzz_names fuzz_cli fuzz_forms fuzz_domxml_build fuzz_domxml_parse fuzz_stats"
targets=${*:-$all}

if [ ! -f "$build/Makefile" ]; then
    echo "run.sh: $build is not a configured build tree: run ./configure" \
        "there first (or set top_builddir)" >&2
    exit 2
fi
if ! command -v clang >/dev/null 2>&1; then
    echo "run.sh: clang is missing: run 'sh data/install-deps.sh' as root" >&2
    exit 1
fi
out=$build/tests/fuzz
mkdir -p "$out"
if ! make -C "$build" -s -j2 fuzz >"$out/build.log" 2>&1; then
    tail -n 30 "$out/build.log" >&2
    echo "run.sh: building the fuzz targets failed (clang and" \
        "libclang-rt-14-dev: data/install-deps.sh)" >&2
    exit 1
fi

LSAN_OPTIONS="suppressions=$src/tests/fuzz/lsan.supp:print_suppressions=0"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:allocator_may_return_null=1"
UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS ASAN_OPTIONS UBSAN_OPTIONS

failed=0
total_runs=0
printf '%-20s %12s %8s  %s\n' target executions crashes result
for t in $targets; do
    bin=$out/build/$t
    if [ ! -x "$bin" ]; then
        echo "run.sh: no target '$t' (known: $all)" >&2
        exit 2
    fi
    mkdir -p "$out/corpus/$t" "$out/crashes/$t"
    log=$out/$t.log
    before=$(ls "$out/crashes/$t" | wc -l)
    "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=8192 -print_final_stats=1 \
        -artifact_prefix="$out/crashes/$t/" \
        "$out/corpus/$t" "$src/tests/fuzz/seeds/$t" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [ -n "$runs" ] || runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
    [ -n "$runs" ] || runs=0
    total_runs=$((total_runs + runs))
    crashes=$(( $(ls "$out/crashes/$t" | wc -l) - before ))
    if [ "$rc" -ne 0 ]; then
        [ "$crashes" -gt 0 ] || crashes=1
        failed=1
        printf '%-20s %12s %8s  %s\n' "$t" "$runs" "$crashes" "FAILED (exit $rc)"
        grep -aE 'ERROR: |SUMMARY: |runtime error|fuzz check failed|Test unit written' \
            "$log" | head -n 12 | sed 's/^/    /'
    else
        printf '%-20s %12s %8s  %s\n' "$t" "$runs" "$crashes" ok
    fi
done
echo "run.sh: $total_runs inputs in $(echo "$targets" | wc -w) targets," \
    "$seconds s each; logs in $out/TARGET.log"
if [ "$failed" -ne 0 ]; then
    echo "run.sh: crash inputs are in $out/crashes/" >&2
    exit 1
fi
