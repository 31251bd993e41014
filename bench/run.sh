#!/bin/sh
# run.sh BUILDDIR: every benchmark at full size, printing its figures.
set -eu
b=${1:-.}
"$b/bench/refresh" 10000 15
if [ "$(id -u)" -eq 0 ]; then
    top_builddir=$b bash "$(dirname "$0")/migrate.sh" 5
    top_builddir=$b bash "$(dirname "$0")/frozen-host.sh" 40
fi
if [ -x "$b/bench/render" ]; then
    "$b/bench/render"
fi
if [ -x "$b/bench/fleet" ]; then
    "$b/bench/fleet" 100 100 10 30
fi
