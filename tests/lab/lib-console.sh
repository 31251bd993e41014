# lib-console.sh: virtdeck's console in tmux, for the lab tests and
# benches (bash).  Source it after lib-lab.sh (it uses T, VD, DB and the
# private HOME and XDG folders of tests/lib.sh).
#
#   console_start [ARGS...]   a fresh tmux server (200x60) running
#                             `virtdeck -c $T/lab.conf --db $DB ARGS...`,
#                             C.UTF-8; its pid lands in $T/vd.pid
#   console_stop              kill the tmux server
#   screen                    the screen's text
#   keys KEY...               tmux send-keys
#   type_text TEXT            literal text
#   shows REGEX               the screen matches (grep -E)
#   wait_screen SECONDS REGEX wait for it; on timeout print the screen
#
# The tmux server is started without the lab's lock descriptor (fd 9), so
# a console left behind never holds up the next lab test.
SOCK=$T/tmux.sock

console_start() {
    local a args=""
    for a in "$@"; do
        args="$args $(printf '%q' "$a")"
    done
    cat >"$T/console.sh" <<EOS
#!/bin/bash
echo \$\$ >"$T/vd.pid"
exec env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME="$HOME" \\
    XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME" \\
    XDG_CACHE_HOME="$XDG_CACHE_HOME" VIRTDECK_SYSCONFDIR="$VIRTDECK_SYSCONFDIR" \\
    "$VD" -c "$T/lab.conf" --db "$DB"$args
EOS
    chmod +x "$T/console.sh"
    tmux -S "$SOCK" kill-server 2>/dev/null
    rm -f "$T/vd.pid"
    tmux -S "$SOCK" -f /dev/null new-session -d -x 200 -y 60 \
        "$T/console.sh; echo virtdeck-exited-\$?; sleep 600" 9>&-
    wait_for 5 test -s "$T/vd.pid"
}

console_stop() {
    tmux -S "$SOCK" kill-server 2>/dev/null
    return 0
}

screen() { tmux -S "$SOCK" capture-pane -p -J; }
keys() { tmux -S "$SOCK" send-keys "$@"; }
type_text() { tmux -S "$SOCK" send-keys -l "$1"; }
shows() { screen | grep -qE -- "$1"; }

wait_screen() {  # wait_screen SECONDS REGEX
    local n=$(($1 * 10))
    while [ "$n" -gt 0 ]; do
        shows "$2" && return 0
        sleep 0.1
        n=$((n - 1))
    done
    screen | sed 's/^/#   /' | head -40
    return 1
}
