# lib.sh: TAP helpers for virtdeck's shell tests.  Source it; it sets
# VD (the binary), a private HOME / XDG folders in a temp dir, and
# ok/is/done helpers.  Every test's files live under $T, removed at exit.
set -u
: "${top_builddir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_srcdir:=$top_builddir}"
: "${VIRTDECK_DATADIR:=$top_srcdir/data}"
export VIRTDECK_DATADIR
VD=${VIRTDECK:-$top_builddir/virtdeck}    # check-valgrind wraps it
T=$(mktemp -d "${TMPDIR:-/tmp}/vdsh.XXXXXX")
export HOME=$T/home XDG_DATA_HOME=$T/data XDG_CONFIG_HOME=$T/config \
    XDG_CACHE_HOME=$T/cache VIRTDECK_SYSCONFDIR=$T/etc
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
export LC_ALL=C.UTF-8 LANG=C.UTF-8
unset SSH_CONNECTION SSH_CLIENT
tap_n=0
tap_failed=0
trap 'rm -rf "$T"' EXIT

ok() {  # ok CONDITION-EXIT-CODE DESCRIPTION
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_n - $2"
    else
        echo "not ok $tap_n - $2"
        tap_failed=$((tap_failed + 1))
    fi
}

# run CMD...: runs it, keeping stdout in $out, stderr in $err, status in $rc
run() {
    "$@" >"$T/out" 2>"$T/err"
    rc=$?
    out=$(cat "$T/out")
    err=$(cat "$T/err")
}

is() {  # is GOT WANT DESCRIPTION
    if [ "$1" = "$2" ]; then
        ok 0 "$3"
    else
        ok 1 "$3"
        echo "#   got:  '$1'"
        echo "#   want: '$2'"
    fi
}

like() {  # like TEXT PATTERN DESCRIPTION (grep -E)
    if printf '%s\n' "$1" | grep -Eq -- "$2"; then
        ok 0 "$3"
    else
        ok 1 "$3"
        printf '%s\n' "$1" | sed 's/^/#   /' | head -20
    fi
}

done_testing() {
    echo "1..$tap_n"
    [ "$tap_failed" -eq 0 ]
    exit $?
}
