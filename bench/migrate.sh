#!/bin/bash
# bench/migrate.sh: the same live migration through virtdeck and through
# `virsh migrate --live --p2p`, back and forth between two lab hosts, in one
# run; prints the median wall time of each and their ratio (target <= 1.1).
# Needs root (the lab); prints figures only.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${top_builddir:=$(cd "$here/.." && pwd)}"
: "${top_srcdir:=$(cd "$here/.." && pwd)}"
ROUNDS=${1:-5}
LAB_N=2
LAB_IP_BASE=80
CONNECT_TIMEOUT=5
# lib-lab.sh prints TAP-style comments and skips without root
. "$top_srcdir/tests/lab/lib-lab.sh"

define_guest 1 vd-bench --graphics vnc --listen "127.0.0.$((LAB_IP_BASE + 1))"
virsh -q -c "$LAB_URI_1" start vd-bench >/dev/null
wait_for 30 grep -q '^tick 2' "$LAB_LOG_1/vd-bench-serial.log"

median() {
    sort -n | awk '{ a[NR] = $1 }
        END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
: >"$T/vd.ms"
: >"$T/virsh.ms"
for r in $(seq 1 "$ROUNDS"); do
    t0=$(now_ms)
    VDL vm migrate vd-bench --to labhost2 >/dev/null || { echo "virtdeck migrate failed"; exit 1; }
    echo $(($(now_ms) - t0)) >>"$T/vd.ms"
    t0=$(now_ms)
    virsh -q -c "$LAB_URI_2" migrate --live --p2p --persistent --undefinesource \
        vd-bench "$LAB_TCP_URI_1" >/dev/null || { echo "virsh migrate failed"; exit 1; }
    echo $(($(now_ms) - t0)) >>"$T/virsh.ms"
done
vd=$(median <"$T/vd.ms")
vs=$(median <"$T/virsh.ms")
echo "bench/migrate: $ROUNDS round trips of a 32 MiB guest (24 MiB in use)," \
    "$([ "$LAB_VIRT_TYPE" = kvm ] && echo KVM || echo TCG)"
echo "  virtdeck vm migrate (whole command):   $vd ms (median)"
echo "  virsh migrate --live --p2p:            $vs ms (median)"
awk -v a="$vd" -v b="$vs" 'BEGIN { printf "  ratio virtdeck/virsh: %.2f (target <= 1.10)\n", a / b }'
