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
run "$top_builddir/bench/fleet" 3 5 2 1
is "$rc" 0 "bench/fleet runs (3 hosts x 5 VMs)"
like "$out" 'engine tick \(stats \+ model\): +[0-9.]+ ms wall' "prints the engine tick"
like "$out" 'ratio engine/bare: wall [0-9.]+, CPU [0-9.]+' "prints the refresh ratios"
like "$out" 'paint the list \+ doupdate +[0-9.]+ ms +[0-9.]+ ms' "prints render times"
like "$out" 'CPU above the peer: -?[0-9.]+ %' "prints idle CPU against the peer"
like "$out" 'memory above the peer per VM: -?[0-9]+ bytes' "prints memory per VM"
printf '%s\n' "$out" | sed 's/^/# /'
# bench/keylat.py (bench/frozen-host.sh's pty driver) on the demo console:
# each t is answered with the tasks pane's title
if command -v python3 >/dev/null 2>&1; then
    printf 'quiet 200 10000\nmeasure %s 3 t 0 running of\nquit\n' "$T/kl.us" |
        HOME=$T TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        python3 "$top_srcdir/bench/keylat.py" -- "$VD" --demo >"$T/kl.out" 2>&1
    is "$?" 0 "bench/keylat.py drives the demo console"
    is "$(cat "$T/kl.out")" "$(printf 'ok\nok\nok')" "it answers each command"
    is "$(awk '$2 > 0 && $3 >= $2 && $2 >= $1' "$T/kl.us" | wc -l)" 3 \
        "each key's answer holds the pane's title"
fi
done_testing
