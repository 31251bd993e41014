#!/bin/sh
# bench-smoke.sh: the benchmarks run at a small size and print their
# figures (no timing is asserted; this proves they work).
. "$(dirname "$0")/lib.sh"

run "$top_builddir/bench/refresh" 300 3
is "$rc" 0 "bench/refresh runs"
like "$out" 'bare virConnectGetAllDomainStats: +[0-9.]+ ms' "prints the bare call"
like "$out" 'engine refresh \(stats \+ model\): +[0-9.]+ ms' "prints the engine refresh"
like "$out" 'ratio engine/bare: [0-9.]+' "prints the ratio"
if [ -x "$top_builddir/bench/render" ]; then
    run "$top_builddir/bench/render" 100 300
    is "$rc" 0 "bench/render runs"
    like "$out" 'ms' "prints frame times"
fi
printf '%s\n' "$out" | sed 's/^/# /'
done_testing
