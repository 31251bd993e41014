#!/bin/bash
# bench/frozen-host.sh: key-to-screen latency of the console in tmux, with
# every lab host answering and then with one host's libvirtd frozen
# (SIGSTOP on the lab's own libvirtd, by PID), in one run.  A key that
# changes the screen (t: the tasks pane opens or closes) is sent and the
# pane is captured until it changes.  Prints median, p95 and max of each
# and their ratio; the target is a median under 50 ms with the frozen host.
# Each capture-pane costs a fork and a tmux round trip, measured alone as
# the floor: on a loaded machine it dominates, so the figures less one
# capture are printed too.
# Needs root (the lab); prints figures only.
#   bench/frozen-host.sh [KEYS_PER_PHASE]
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_builddir:=$(cd "$here/.." && pwd)}"
: "${top_srcdir:=$(cd "$here/.." && pwd)}"
N=${1:-40}
LAB_N=2
LAB_IP_BASE=70
CONNECT_TIMEOUT=3
# lib-lab.sh prints TAP-style comments and skips without root
. "$top_srcdir/tests/lab/lib-lab.sh"
command -v tmux >/dev/null 2>&1 || { echo "bench/frozen-host: no tmux"; exit 0; }
printf 'keepalive_interval = 1;\nkeepalive_count = 2;\nha_grace = 2.0;\n' \
    >>"$T/lab.conf"

for i in 1 2; do
    define_guest "$i" "vd-f$i"
    eval "virsh -q -c \"\$LAB_URI_$i\" start vd-f$i" >/dev/null
done

SOCK=$T/tmux.sock
cat >"$T/run.sh" <<EOS
#!/bin/sh
exec env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME="$HOME" \
    XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME" \
    XDG_CACHE_HOME="$XDG_CACHE_HOME" VIRTDECK_SYSCONFDIR="$VIRTDECK_SYSCONFDIR" \
    "$VD" -c "$T/lab.conf" --db "$DB"
EOS
chmod +x "$T/run.sh"
stopped=""
bench_cleanup() {
    [ -z "$stopped" ] || kill -CONT "$stopped" 2>/dev/null
    tmux -S "$SOCK" kill-server 2>/dev/null
    lab_cleanup
}
trap bench_cleanup EXIT
tmux -S "$SOCK" -f /dev/null new-session -d -x 160 -y 48 "$T/run.sh"
screen() { tmux -S "$SOCK" capture-pane -p; }
wait_for 20 sh -c "tmux -S '$SOCK' capture-pane -p | grep -q 'Hosts 2/2 up'" || {
    echo "bench/frozen-host: the console did not show both hosts Up"
    exit 1
}
# the cluster's VMs: rows that refresh from both hosts
tmux -S "$SOCK" send-keys j
sleep 0.3
tmux -S "$SOCK" send-keys v
sleep 1

# one_key: ms from sending t to the first capture that differs
one_key() {
    local before after t0 t1
    before=$(screen)
    t0=$(date +%s%N)
    tmux -S "$SOCK" send-keys t
    while :; do
        after=$(screen)
        [ "$after" != "$before" ] && break
        t1=$(date +%s%N)
        [ $(((t1 - t0) / 1000000)) -gt 5000 ] && break
    done
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000)) # microseconds
}
phase() {  # phase FILE: N keys, 0.1 s apart
    : >"$1"
    for _ in $(seq 1 "$N"); do
        one_key >>"$1"
        sleep 0.1
    done
}
stats() {  # median p95 max in ms of a file of microseconds
    sort -n "$1" | awk '{ a[NR] = $1 }
        END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
              p = a[int(NR * 0.95 + 0.999)]
              printf "%.1f %.1f %.1f\n", m / 1000, p / 1000, a[NR] / 1000 }'
}
# the floor: capture-pane itself, no key
: >"$T/floor.us"
for _ in $(seq 1 20); do
    t0=$(date +%s%N)
    screen >/dev/null
    echo $((($(date +%s%N) - t0) / 1000)) >>"$T/floor.us"
done

phase "$T/normal.us"
stopped=$(cat "$LAB_ROOT/host2/libvirtd.pid")
kill -STOP "$stopped"
phase "$T/frozen.us"
nonresp=no
screen | grep -q 'Hosts 1/2 up' && nonresp=yes
kill -CONT "$stopped"
stopped=""

read -r fm fp fx <<<"$(stats "$T/floor.us")"
read -r nm np nx <<<"$(stats "$T/normal.us")"
read -r zm zp zx <<<"$(stats "$T/frozen.us")"
echo "bench/frozen-host: key-to-screen latency in tmux, $N keys per phase," \
    "$([ "$LAB_VIRT_TYPE" = kvm ] && echo KVM || echo TCG)"
printf '  capture-pane alone (floor):      median %6s ms  p95 %6s ms  max %6s ms\n' \
    "$fm" "$fp" "$fx"
printf '  both hosts answering:            median %6s ms  p95 %6s ms  max %6s ms\n' \
    "$nm" "$np" "$nx"
printf '  labhost2 libvirtd frozen:        median %6s ms  p95 %6s ms  max %6s ms\n' \
    "$zm" "$zp" "$zx"
awk -v f="$fm" -v a="$zm" -v b="$nm" 'BEGIN { printf "  less one capture (the tool'"'"'s own cost): normal %.1f ms, frozen %.1f ms\n", b - f, a - f }'
awk -v a="$zm" -v b="$nm" 'BEGIN { if (b > 0) printf "  frozen / normal (median): %.2f  (target: median < 50 ms)\n", a / b }'
echo "  labhost2 shown NonResponsive by the end of the frozen phase: $nonresp"
