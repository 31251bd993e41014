# common.sh: what every lab test script shares (bash).  Source it first:
# it sets here, top_builddir and top_srcdir, sources tests/lib.sh (TAP
# helpers, a private HOME and $T) and defines skip_all, need_root,
# need_deps, now_ms and wait_for.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${top_builddir:=$(cd "$here/../.." && pwd)}"
: "${top_srcdir:=$(cd "$here/../.." && pwd)}"
# shellcheck source=../lib.sh
. "$here/../lib.sh"

# skip_all REASON: the whole test is skipped (TAP plan 1..0, exit 0).
skip_all() {
    echo "1..0 # SKIP $*"
    exit 0
}

# need_root REASON: skip unless run as root.
need_root() {
    [ "$(id -u)" -eq 0 ] || skip_all "$*"
}

# need_deps WHAT CMD...: run CMD (a script's `deps`); when it fails, CI
# bails out (it must install everything) and elsewhere the test skips.
need_deps() {
    local what=$1 deps_err
    shift
    if ! deps_err=$("$@" 2>&1); then
        if [ "${CI:-}" = true ]; then
            echo "Bail out! $what did not install: $deps_err"
            exit 1
        fi
        skip_all "$what is missing and did not install: $deps_err"
    fi
}

now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# wait_for SECONDS CMD...: poll CMD every 0.05 s; 0 once it succeeds.
wait_for() {
    local n=$(($1 * 20))
    shift
    while [ "$n" -gt 0 ]; do
        "$@" && return 0
        sleep 0.05
        n=$((n - 1))
    done
    return 1
}
