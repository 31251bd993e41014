#!/bin/bash
# migrate.sh: live migration, cancel, maintenance and HA on real lab hosts.
#  - a running guest migrates with progress, its serial output goes on on
#    the destination (its tick counter continues: the same guest);
#  - a bandwidth-capped migration is cancelled half-way; the guest still
#    runs on the source;
#  - maintenance empties a host of 3 guests, activate brings it back;
#  - with `virtdeck run` watching: a host whose libvirtd and QEMU die is
#    NonResponsive after the grace, its HA guest runs on the other host,
#    its plain guest is shown down, it is Up again when libvirtd returns;
#  - a partitioned host (libvirtd gone, QEMU running) does not get its HA
#    guest started twice.
# shellcheck disable=SC2154
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi
LAB_N=2
LAB_IP_BASE=50
CONNECT_TIMEOUT=3
. "$(cd "$(dirname "$0")" && pwd)/lib-lab.sh"
printf 'ha_grace = 4.0;\n' >>"$T/lab.conf"

IP1=127.0.0.$((LAB_IP_BASE + 1))
IP2=127.0.0.$((LAB_IP_BASE + 2))
V() {  # V HOST_INDEX virsh-args...
    local i=$1
    shift
    eval "virsh -q -c \"\$LAB_URI_$i\" \"\$@\""
}
last_tick() {
    sed -n 's/^tick \([0-9]*\).*/\1/p' "$1" 2>/dev/null | tail -n 1
}
on_host() {  # on_host I NAME: the guest runs on host I
    [ "$(domstate "$1" "$2")" = running ]
}

# --- migration with progress ---
define_guest 1 vd-mig --graphics vnc --listen "$IP1"
V 1 start vd-mig >/dev/null
wait_for 30 grep -q '^tick 3' "$LAB_LOG_1/vd-mig-serial.log"
ok $? "vd-mig ticks on host1"
before=$(last_tick "$LAB_LOG_1/vd-mig-serial.log")
t0=$(now_ms)
run VDL vm migrate vd-mig --to labhost2
mig_ms=$(($(now_ms) - t0))
is "$rc" 0 "vm migrate exits 0"
like "$out" "VM 'vd-mig' migrated from host 'labhost1' to host 'labhost2'" \
    "and says where to"
echo "# migration of a 64 MiB guest: $mig_ms ms through virtdeck"
on_host 2 vd-mig
ok $? "virsh: vd-mig runs on host2"
ok "$(V 1 dominfo vd-mig >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" \
    "and is gone from host1"
after() {
    local n
    n=$(last_tick "$LAB_LOG_2/vd-mig-serial.log")
    [ -n "$n" ] && [ "$n" -gt $((before + 1)) ]
}
wait_for 20 after
ok $? "its ticks go on on host2 from where they were ($before ->" \
    "$(last_tick "$LAB_LOG_2/vd-mig-serial.log"))"
ok "$(grep -c 'virtdeck lab guest' "$LAB_LOG_2/vd-mig-serial.log" |
    grep -qx 0; echo $?)" "without a reboot on host2"

# --- a capped migration, cancelled half-way ---
"$VD" -c "$T/lab.conf" --db "$DB" vm migrate vd-mig --to labhost1 \
    --bandwidth 1 >"$T/cancel.out" 2>"$T/cancel.err" &
mpid=$!
progress() { grep -q 'migrating vd-mig: [0-9]*%' "$T/cancel.err"; }
wait_for 40 progress
ok $? "progress is shown while it runs"
grep 'migrating vd-mig' "$T/cancel.err" | head -n 3 | sed 's/^/# /'
kill -INT "$mpid"
wait "$mpid"
crc=$?
is "$crc" 1 "the cancelled migration exits 1"
like "$(cat "$T/cancel.err")" "cancelled; the VM still runs on host 'labhost2'" \
    "and says the VM stayed"
on_host 2 vd-mig
ok $? "virsh: vd-mig still runs on host2"
ok "$(V 1 dominfo vd-mig >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" \
    "and is not on host1"
n1=$(last_tick "$LAB_LOG_2/vd-mig-serial.log")
still_ticks() { [ "$(last_tick "$LAB_LOG_2/vd-mig-serial.log")" -gt "$n1" ]; }
wait_for 10 still_ticks
ok $? "it keeps ticking"

# --- maintenance empties a host of 3 guests ---
for g in vd-a vd-b vd-c; do
    define_guest 1 "$g"
    V 1 start "$g" >/dev/null
done
run VDL host maintenance labhost1
is "$rc" 0 "host maintenance exits 0"
[ "$rc" -eq 0 ] || printf "%s\n" "$err" | sed "s/^/# /"
like "$out" "Host 'labhost1' is in maintenance" "and says so"
for g in vd-a vd-b vd-c; do
    on_host 2 "$g"
    ok $? "$g now runs on host2"
done
is "$(V 1 list --name | grep -c .)" 0 "host1 runs nothing"
run VDL --dump
like "$out" 'host labhost1 +Maintenance' "--dump: labhost1 in Maintenance"
run VDL vm migrate vd-a --to labhost1
is "$rc" 1 "nothing migrates to a host in maintenance"
run VDL host activate labhost1
is "$rc" 0 "host activate exits 0"
run VDL --dump
like "$out" 'host labhost1 +Up' "labhost1 is Up again"
for g in vd-a vd-b vd-c vd-mig; do
    V 2 destroy "$g" >/dev/null 2>&1
    V 2 undefine "$g" >/dev/null 2>&1
done

# --- HA: a host dies ---
define_guest 1 vd-ha --ha --graphics vnc --listen "$IP1"
define_guest 1 vd-plain --graphics vnc --listen "$IP1"
V 1 start vd-ha >/dev/null
V 1 start vd-plain >/dev/null
"$VD" -c "$T/lab.conf" --db "$DB" run >"$T/run.log" 2>&1 &
rpid=$!
both_up() { [ "$(grep -c 'is connected' "$T/run.log")" -ge 2 ]; }
wait_for 20 both_up
ok $? "virtdeck run watches both hosts"
sleep 2   # two refreshes: the guests' console ports are known
qemu1=$(pgrep -f "guest=vd-ha," | head -n 1)
t0=$(now_ms)
kill -KILL "$(cat "$LAB_ROOT/host1/tini.pid")" "$(cat "$LAB_ROOT/host1/libvirtd.pid")"
pkill -KILL -f "guest=vd-(ha|plain)," 
nonresp() { grep -q "the connection was lost and did not come back" "$T/run.log"; }
wait_for 30 nonresp
ok $? "host1 is NonResponsive after the grace"
echo "# NonResponsive $(($(now_ms) - t0)) ms after the kill (grace 4 s)"
restarted() { on_host 2 vd-ha; }
wait_for 60 restarted
ok $? "the HA guest runs on host2"
echo "# HA restart $(($(now_ms) - t0)) ms after the kill"
like "$(cat "$T/run.log")" "HA: VM 'vd-ha' restarted" "the restart is in the events"
like "$(cat "$T/run.log")" "VM 'vd-plain' is down" "the plain guest is shown down"
ok "$(on_host 2 vd-plain; [ $? -ne 0 ]; echo $?)" "and was not restarted"
run bash "$LAB" host-up 1
is "$rc" 0 "host1's libvirtd starts again"
back() { [ "$(grep -c "Host 'labhost1' is connected" "$T/run.log")" -ge 2 ]; }
wait_for 30 back
ok $? "host1 is Up again"
stale_gone() { ! V 1 dominfo vd-ha >/dev/null 2>&1; }
wait_for 20 stale_gone
ok $? "the stale vd-ha definition on host1 is removed"
on_host 2 vd-ha
ok $? "vd-ha still runs on host2, once"

# --- a partition: libvirtd gone, QEMU still running ---
define_guest 1 vd-part --ha --graphics vnc --listen "$IP1"
V 1 start vd-part >/dev/null
sleep 3   # known to the watching virtdeck, with its console port
kill -KILL "$(cat "$LAB_ROOT/host1/tini.pid")" "$(cat "$LAB_ROOT/host1/libvirtd.pid")"
told() { grep -q "VM 'vd-part' still answers" "$T/run.log"; }
wait_for 40 told
ok $? "virtdeck sees vd-part still answering on host1"
sleep 6   # a few more HA looks
ok "$(on_host 2 vd-part; [ $? -ne 0 ]; echo $?)" \
    "vd-part was not started on host2: it never runs twice"
pgrep -f "guest=vd-part," >/dev/null
ok $? "its QEMU still runs on host1"

kill -TERM "$rpid"
wait "$rpid"
rrc=$?
is "$rrc" 0 "virtdeck run stops on SIGTERM"
[ "$rrc" -eq 0 ] || grep -v '^20' "$T/run.log" | head -40 | sed 's/^/# /'
grep -E 'HA|NonResponsive|lost|down|still' "$T/run.log" | sed 's/^/# /' | head -20
done_testing
