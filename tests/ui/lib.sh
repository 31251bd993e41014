# lib.sh: shared helpers for the UI tests (sourced, not run).
#
# Each test drives the real binary in a detached tmux server of its own
# (private socket, fixed size, explicit locale), types keys and waits for
# the text it expects with a timeout: never a bare sleep.  The operator's
# files are never touched: HOME and the XDG folders point into a temporary
# directory and the console runs on --demo.  Output is TAP.

top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$top_srcdir}
VIRTDECK=${VIRTDECK:-$top_builddir/virtdeck}
VIRTDECK_DATADIR=${VIRTDECK_DATADIR:-$top_srcdir/data}
export VIRTDECK_DATADIR

tap_n=0
tap_failed=0
# check-valgrind runs the console under valgrind: every wait is longer
scale=${VD_TIMEOUT_SCALE:-1}
SOCK=
TMPD=

skip_all() {
    echo "1..0 # SKIP $*"
    exit 77
}

command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
[ -x "$VIRTDECK" ] || skip_all "no virtdeck binary at $VIRTDECK"

TMPD=$(mktemp -d "${TMPDIR:-/tmp}/vdui.XXXXXX")
SOCK=$TMPD/tmux.sock
mkdir -p "$TMPD/home" "$TMPD/config" "$TMPD/data" "$TMPD/cache" \
    "$TMPD/locale/ko/LC_MESSAGES"

cleanup() {
    tmux -S "$SOCK" kill-server >/dev/null 2>&1
    rm -rf "$TMPD"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

ok() {
    tap_n=$((tap_n + 1))
    echo "ok $tap_n - $*"
}

not_ok() {
    tap_n=$((tap_n + 1))
    tap_failed=$((tap_failed + 1))
    echo "not ok $tap_n - $*"
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
    desc=$1
    shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# start COLS ROWS LANG [ARGS...]: the console in a new tmux server, on
# the demo unless UI_DEMO is set (UI_DEMO= : the ARGS say what to open).
start() {
    cols=$1 rows=$2 lang=$3
    shift 3
    if [ "$lang" = ko_KR.UTF-8 ] && command -v msgfmt >/dev/null 2>&1; then
        msgfmt -o "$TMPD/locale/ko/LC_MESSAGES/virtdeck.mo" \
            "$top_srcdir/po/ko.po" || return 1
    fi
    cat > "$TMPD/run.sh" <<EOS
#!/bin/sh
cd "$TMPD"
exec env HOME="$TMPD/home" XDG_CONFIG_HOME="$TMPD/config" \\
    XDG_DATA_HOME="$TMPD/data" XDG_CACHE_HOME="$TMPD/cache" \\
    VIRTDECK_SYSCONFDIR="$TMPD/etc" VIRTDECK_LOCALEDIR="$TMPD/locale" \\
    VIRTDECK_DATADIR="$VIRTDECK_DATADIR" TERM=screen-256color \\
    LANG="$lang" LC_ALL="$lang" "$VIRTDECK" ${UI_DEMO---demo} $*
EOS
    chmod +x "$TMPD/run.sh"
    # remain-on-exit keeps the pane (and what it printed) for the checks
    tmux -S "$SOCK" -f /dev/null new-session -d -x "$cols" -y "$rows" \
        "$TMPD/run.sh; echo; echo virtdeck-exited-\$?; sleep 600"
}

screen() {
    tmux -S "$SOCK" capture-pane -p -J
}

# keys KEY...: tmux key names ("Enter", "Tab", "j", "F5").
keys() {
    tmux -S "$SOCK" send-keys "$@"
}

# type TEXT: literal text.
type_text() {
    tmux -S "$SOCK" send-keys -l -- "$1"
}

# poll_screen GREP-OPTION PATTERN TENTHS: poll the screen every 0.1 s until
# `grep GREP-OPTION PATTERN` matches; 1 after TENTHS tries, with the screen.
poll_screen() {
    i=0
    while [ "$i" -lt $(( $3 * scale )) ]; do
        if screen | grep -q"$1" -- "$2"; then
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "# timed out waiting for: $2" >&2
    screen | sed 's/^/#   /' >&2
    return 1
}

# wait_for TEXT [SECONDS]: poll the screen every 0.1 s until TEXT (a fixed
# string) shows; returns 1 after the timeout (default 10 s).
wait_for() {
    poll_screen F "$1" $(( ${2:-10} * 10 ))
}

# wait_gone TEXT [SECONDS]: the opposite.
wait_gone() {
    want=$1
    limit=$(( ${2:-10} * 10 * scale ))
    i=0
    while [ $i -lt $limit ]; do
        if ! screen | grep -qF -- "$want"; then
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "# still on screen after the timeout: $want" >&2
    return 1
}

# The demo is up once every host has connected.
wait_ready() {
    wait_for "Hosts 6/6" 15 || wait_for "호스트 6/6" 1
}

resize() {
    tmux -S "$SOCK" resize-window -x "$1" -y "$2"
}

# quit: q, and the console must exit with 0.
quit_and_check() {
    keys q
    if wait_for "virtdeck-exited-0" 10; then
        ok "q quits with exit code 0"
    else
        not_ok "q quits with exit code 0"
    fi
}

finish() {
    echo "1..$tap_n"
    [ $tap_failed -eq 0 ]
}

# seen TEXT: is TEXT on the screen now?
seen() {
    screen | grep -qF -- "$1"
}

# walk_detail KEY LABEL VALUE: walk until the detail pane shows it.
walk_detail() {
    k=$1 l=$2 v=$3
    i=0
    while [ $i -lt 40 ]; do
        seen_detail "$l" "$v" && return 0
        before=$(screen)
        keys "$k"
        j=0
        while [ $j -lt $((30 * scale)) ] && [ "$(screen)" = "$before" ]; do
            sleep 0.1
            j=$((j + 1))
        done
        i=$((i + 1))
    done
    shows "$l" "$v" 2
}

# walk KEY TEXT [N]: press KEY until TEXT shows (at most N times, 40).
# After each press it waits for the screen to change, so a slow machine
# cannot make it overshoot.
walk() {
    key=$1 want=$2 n=${3:-40}
    i=0
    while [ $i -lt $n ]; do
        seen "$want" && return 0
        before=$(screen)
        keys "$key"
        j=0
        while [ $j -lt $((30 * scale)) ] && [ "$(screen)" = "$before" ]; do
            sleep 0.1
            j=$((j + 1))
        done
        i=$((i + 1))
    done
    wait_for "$want" 2
}

# shows LABEL VALUE [SECONDS]: the detail pane shows VALUE for LABEL,
# whatever the width of the label column.
shows() {
    label=$1 value=$2
    limit=$(( ${3:-10} * 10 * scale ))
    i=0
    while [ $i -lt $limit ]; do
        if screen | grep -qE -- "│ $label +$value( |\$)"; then
            return 0
        fi
        sleep 0.1
        i=$((i + 1))
    done
    echo "# timed out waiting for the detail: $label $value" >&2
    screen | sed 's/^/#   /' >&2
    return 1
}

# seen_detail LABEL VALUE: the same, looking once.
seen_detail() {
    screen | grep -qE -- "│ $1 +$2( |\$)"
}

# form_shows LABEL VALUE: a form's row for LABEL holds VALUE (a regex).
form_shows() {
    poll_screen E "│ $1 +$2" 50
}

# wait_re REGEX: the screen matches the extended regular expression.
wait_re() {
    poll_screen E "$1" 100
}
