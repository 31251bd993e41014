#!/bin/sh
# render-smoke.sh: bench/render runs at a small size and prints its
# figures (timing is reported, never asserted).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
b=$top_builddir/bench/render
if [ ! -x "$b" ]; then
    echo "1..0 # SKIP bench/render is not built"
    exit 77
fi
out=$("$b" 500 20 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
if [ $rc -eq 0 ] && echo "$out" | grep -q "move the selection one row"; then
    echo "ok 1 - bench/render paints 100 and 500 VMs and prints its figures"
else
    echo "not ok 1 - bench/render paints 100 and 500 VMs and prints its figures"
fi
echo "1..1"
