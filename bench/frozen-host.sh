#!/bin/bash
# bench/frozen-host.sh: key-to-screen latency of the console with every lab
# host answering and then with one host's libvirtd frozen (SIGSTOP on the
# lab's own libvirtd, by PID; SIGCONT on any exit), in one run, against a
# trivial curses program as the floor.
#
# The console runs on a pty that bench/keylat.py owns (TERM=screen-256color,
# 200x60): it writes t (the tasks pane opens) and timestamps the bytes the
# console writes back: the first byte, the byte that completes the pane's
# title (the answer, not a periodic repaint) and the end of the burst (20 ms
# of silence); t again closes the pane, untimed.  Keys go 20 s / N apart so
# the frozen phase spans the host's detection and reconnects; the repaints
# the console makes between keys (its refresh of the other host's rows)
# are counted per second as well.  No screen scraper runs, so
# the figures are the console's own.  Prints median, p95 and max of each
# phase and the frozen/normal ratio; the target is a median under 50 ms
# with the frozen host.
# Needs root (the lab) and python3; prints figures only.
#   bench/frozen-host.sh [KEYS_PER_PHASE]
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_builddir:=$(cd "$here/.." && pwd)}"
: "${top_srcdir:=$(cd "$here/.." && pwd)}"
N=${1:-40}
LAB_N=2
LAB_IP_BASE=70
CONNECT_TIMEOUT=3
KEYLAT=$top_srcdir/bench/keylat.py
# lib-lab.sh prints TAP-style comments and skips without root
. "$top_srcdir/tests/lab/lib-lab.sh"
command -v python3 >/dev/null 2>&1 || { echo "bench/frozen-host: no python3"; exit 0; }
printf 'keepalive_interval = 1;\nkeepalive_count = 2;\nha_grace = 2.0;\n' \
    >>"$T/lab.conf"

for i in 1 2; do
    define_guest "$i" "vd-f$i"
    eval "virsh -q -c \"\$LAB_URI_$i\" start vd-f$i" >/dev/null
done

stopped=""
bench_cleanup() {
    [ -z "$stopped" ] || kill -CONT "$stopped" 2>/dev/null
    if [ -n "${KL_PID:-}" ]; then
        kill "$KL_PID" 2>/dev/null
        wait "$KL_PID" 2>/dev/null
    fi
    lab_cleanup
}
trap bench_cleanup EXIT

# kl_start PROGRAM...: the driver, as the coprocess KL (fd 9, the lab's
# lock, closed for it); kl COMMAND: one command, its answer in $ans
kl_start() {
    coproc KL { exec env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        python3 "$KEYLAT" --cols 200 --rows 60 -- "$@" 9>&-; }
}
kl() {
    ans=""
    echo "$*" >&"${KL[1]}"
    read -r -t 600 ans <&"${KL[0]}"
}
kl_stop() {
    kl quit
    wait "$KL_PID" 2>/dev/null
    KL_PID=""
}
MARK='running of'   # the tasks pane's title: "Tasks (N running of M)"
# the frozen phase spans 20 s: keepalive expiry, the grace period, the host
# NonResponsive and reconnects that hang on it; the normal phase alike
GAP=$((20000 / N))
[ "$GAP" -ge 100 ] || GAP=100

# the floor: a trivial curses program with the same key and title
kl_start python3 "$KEYLAT" floor
kl quiet 200 5000
kl measure "$T/floor.us" "$N" t 100 "$MARK"
kl_stop

cat >"$T/run.sh" <<EOS
#!/bin/sh
exec env HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
    XDG_DATA_HOME="$XDG_DATA_HOME" XDG_CACHE_HOME="$XDG_CACHE_HOME" \
    VIRTDECK_SYSCONFDIR="$VIRTDECK_SYSCONFDIR" \
    "$VD" -c "$T/lab.conf" --db "$DB"
EOS
chmod +x "$T/run.sh"
kl_start "$T/run.sh"
connected() {
    [ "$(VDL events 2>/dev/null | grep -c "Host 'labhost[12]' is connected")" -ge 2 ]
}
wait_for 20 connected || {
    echo "bench/frozen-host: the console did not connect both hosts"
    exit 1
}
# the cluster's VMs: rows that refresh from both hosts
kl send j
kl quiet 100 2000
kl send v
kl quiet 300 3000

kl measure "$T/normal.us" "$N" t "$GAP" "$MARK"
stopped=$(cat "$LAB_ROOT/host2/libvirtd.pid")
t_stop=$(now_ms)
kill -STOP "$stopped"
kl measure "$T/frozen.us" "$N" t "$GAP" "$MARK"
frozen_s=$((($(now_ms) - t_stop) / 1000))
nonresp=no
VDL events 2>/dev/null | grep -q "Host 'labhost2' is not responding" && nonresp=yes
kill -CONT "$stopped"
stopped=""
kl_stop

# stats FILE COLUMN: median p95 max (ms) and misses of a column of us
stats() {
    awk -v c="$2" '$c >= 0 { print $c } $c < 0 { miss++ }
        END { print "miss", miss + 0 }' "$1" | sort -n | awk '
        $1 == "miss" { miss = $2; next } { a[++n] = $1 }
        END { if (!n) { print "- - - " miss; exit }
              m = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
              p = a[int(n * 0.95 + 0.999)]
              printf "%.1f %.1f %.1f %d\n", m / 1000, p / 1000, a[n] / 1000, miss }'
}
line() {  # line LABEL FILE
    local col what m p x miss
    for col in 1 2 3; do
        case $col in
            1) what="first byte" ;;
            2) what="pane drawn" ;;
            3) what="burst end " ;;
        esac
        read -r m p x miss <<<"$(stats "$2" $col)"
        printf '  %-26s %s: median %6s ms  p95 %6s ms  max %6s ms%s\n' \
            "$1" "$what" "$m" "$p" "$x" \
            "$([ "$miss" -gt 0 ] && echo "  ($miss keys without an answer in 5 s)")"
    done
}
echo "bench/frozen-host: key-to-screen latency on a pty (200x60," \
    "screen-256color), $N keys per phase," \
    "$([ "$LAB_VIRT_TYPE" = kvm ] && echo KVM || echo TCG)"
line "curses toggle (floor)" "$T/floor.us"
line "both hosts answering" "$T/normal.us"
line "labhost2 libvirtd frozen" "$T/frozen.us"
# the console's own repaints between keys: its periodic refresh of
# labhost1's rows, which a frozen labhost2 must not stall
for ph in normal frozen; do
    read -r nb secs <"$T/$ph.us.bg"
    awk -v n="$nb" -v s="$secs" -v ph="$ph" 'BEGIN {
        printf "  repaints no key asked for, %-6s phase: %d in %.1f s (%.2f/s)\n",
            ph, n, s, (s > 0 ? n / s : 0) }'
done
read -r nm _ <<<"$(stats "$T/normal.us" 3)"
read -r zm zp zx _ <<<"$(stats "$T/frozen.us" 3)"
awk -v a="$zm" -v b="$nm" -v p="$zp" -v x="$zx" 'BEGIN {
    if (b > 0) printf "  frozen / normal (median to burst end): %.2f\n", a / b
    printf "  target: median < 50 ms with the frozen host: %s (median %.1f ms, p95 %.1f ms, max %.1f ms)\n",
        (a < 50 ? "met" : "NOT met"), a, p, x }'
echo "  labhost2 frozen for ${frozen_s} s; shown not responding by the end: $nonresp"
