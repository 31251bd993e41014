#!/bin/sh
# run-all.sh: the whole suite from a fresh checkout, as root on Debian 12.
#   1. install the missing Debian packages (data/install-deps.sh)
#   2. build with -Werror and run `make check` (unit, backend, CLI, UI tests
#      and the benchmarks' smoke run)
#   3. the libFuzzer targets (clang), FUZZ_SECONDS (15) each: tests/fuzz/run.sh
#   4. `make distcheck` with AddressSanitizer + UndefinedBehaviorSanitizer:
#      the release tarball builds out of tree and the suite passes again
# Exits non-zero on the first failure, printing the failing test logs.
set -eu
cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

sh data/install-deps.sh
autoreconf -fi
./configure --enable-werror
make -j"$jobs"

show_logs() {
    for f in $(find . -name '*.log' -newer config.status 2>/dev/null); do
        case "$f" in *config.log) continue ;; esac
        if grep -q '^not ok\|^# FAIL\|^ERROR' "$f" 2>/dev/null; then
            echo "==== $f"
            tail -n 60 "$f"
        fi
    done
}

if ! make -j"$jobs" check; then
    show_logs
    exit 1
fi

# Fuzzing: 7 targets, 15 s each by default (about 2.5 minutes with the
# clang build); a crash fails the run and keeps its input.
if ! FUZZ_SECONDS="${FUZZ_SECONDS:-15}" sh tests/fuzz/run.sh; then
    echo "run-all: a fuzz target crashed; inputs in tests/fuzz/crashes/" >&2
    exit 1
fi

# The sanitizer build, out of tree from the release tarball.
if ! make -j"$jobs" distcheck \
        DISTCHECK_CONFIGURE_FLAGS="--enable-werror --enable-sanitizers"; then
    find "$top" -path '*_build*' -name 'test-suite.log' -exec tail -n 80 {} \;
    show_logs
    exit 1
fi
echo "run-all: make check, the fuzz targets and the sanitizer distcheck passed"
