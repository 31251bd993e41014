#!/bin/bash
# lab-hosts.sh: virtdeck against two real libvirt hosts (lab.sh): both
# answer as different machines, lab guests boot and tick on their serial
# ports, the CLI registers the hosts and --dump shows them Up with their
# guests running, vm destroy and vm start reach QEMU, a killed and a frozen
# libvirtd turn NonResponsive with a reason within the connect timeout, and
# `lab.sh down` leaves no process, mount, socket or folder behind.
# Needs root (libvirtd in namespaces); installs its packages when missing.

# shellcheck disable=SC2154,SC2317  # run() in lib.sh sets rc, out and err;
# the helpers are called through run and wait_for.
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi
# shellcheck source=common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

LAB=$here/lab.sh
CONNECT_TIMEOUT=3

if [ "$(id -u)" -ne 0 ]; then
    skip_all "the lab needs root to start libvirtd in namespaces"
fi
if ! unshare --mount --uts true 2>/dev/null; then
    skip_all "this machine refuses new mount and UTS namespaces (unshare)"
fi
need_deps "the lab's packages" bash "$LAB" deps

# one lab test at a time (see lib-lab.sh)
exec 9>/tmp/virtdeck-lab-tests.lock
flock 9

# The lab lives in its own folder and on 127.0.0.31-32, away from a demo
# (lab.sh's default 127.0.0.11-12) that may be running.
LAB_ROOT=$(mktemp -d /tmp/vdlab.XXXXXX)
LAB_N=2
LAB_IP_BASE=30
LAB_QUIET=1
export LAB_ROOT LAB_N LAB_IP_BASE LAB_QUIET
lab_up=0

cleanup() {
    [ "$lab_up" = 0 ] || bash "$LAB" down >/dev/null 2>&1
    rm -rf "$T"
    if [ -d "$LAB_ROOT" ] && [ -z "$(ls -A "$LAB_ROOT")" ]; then
        rmdir "$LAB_ROOT"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- two hosts ---
t0=$(now_ms)
lab_up=1
run bash "$LAB" up
up_ms=$(($(now_ms) - t0))
is "$rc" 0 "lab.sh up starts two hosts"
if [ "$rc" -ne 0 ]; then
    printf '%s\n' "$err" | sed 's/^/# /'
    echo "Bail out! the lab did not start"
    exit 1
fi
eval "$(bash "$LAB" env)"
echo "# lab up in $up_ms ms (2 hosts)"
echo "# guests run on $([ "$LAB_VIRT_TYPE" = kvm ] && echo KVM || echo TCG):" \
    "$(cat "$LAB_ROOT/virt-type.reason")"
like "$LAB_VIRT_TYPE" '^(kvm|qemu)$' "env says KVM or TCG"
run bash "$LAB" status
is "$rc" 0 "status: all hosts up"
like "$out" '^virtualization: (KVM|TCG)' "status says KVM or TCG"

# Each host by both ways in, naming itself: hostname comes from the host's
# own UTS namespace, so this also proves which daemon answered.
for i in 1 2; do
    eval "uri=\$LAB_URI_$i tcp=\$LAB_TCP_URI_$i"
    run virsh -q -c "$uri" hostname
    is "$out" "labhost$i" "host$i answers on its UNIX socket as labhost$i"
    run virsh -q -c "$tcp" hostname
    is "$out" "labhost$i" "host$i answers on $tcp as labhost$i"
done
host_uuid() {
    virsh -q -c "$1" capabilities | sed -n 's:^ *<uuid>\(.*\)</uuid>$:\1:p' |
        head -n 1
}
ns1=$(cat "$LAB_ROOT/host1/mntns")
ns2=$(cat "$LAB_ROOT/host2/mntns")
u1=$(host_uuid "$LAB_URI_1")
u2=$(host_uuid "$LAB_URI_2")
is "$u1" "$LAB_UUID_1" "host1 reports its host_uuid"
is "$u2" "$LAB_UUID_2" "host2 reports its host_uuid"
ok "$([ "$u1" != "$u2" ]; echo $?)" "the host UUIDs differ"
ok "$([ "$ns1" != "$ns2" ]; echo $?)" "each host has its own mount namespace"

# --- a guest on each ---
IMG=$LAB_ROOT/images/guest.img
run bash "$here/guest.sh" "$IMG"
is "$rc" 0 "guest.sh makes the guest disk"
bash "$here/domxml.sh" --ha vd-web "$LAB_VIRT_TYPE" "$IMG" >"$T/vd-web.xml"
bash "$here/domxml.sh" vd-db "$LAB_VIRT_TYPE" "$IMG" >"$T/vd-db.xml"
run virsh -q -c "$LAB_URI_1" define "$T/vd-web.xml"
is "$rc" 0 "vd-web defined on host1"
run virsh -q -c "$LAB_URI_2" define "$T/vd-db.xml"
is "$rc" 0 "vd-db defined on host2"
t0=$(now_ms)
run virsh -q -c "$LAB_URI_1" start vd-web
is "$rc" 0 "vd-web starts"
echo "# guest start: $(($(now_ms) - t0)) ms"
run virsh -q -c "$LAB_URI_2" start vd-db
is "$rc" 0 "vd-db starts"
SER1=$LAB_LOG_1/vd-web-serial.log
SER2=$LAB_LOG_2/vd-db-serial.log
wait_for 30 grep -q '^tick 2' "$SER1"
ok $? "vd-web ticks on its serial port"
wait_for 30 grep -q '^tick 2' "$SER2"
ok $? "vd-db ticks on its serial port"
echo "# first tick $(($(now_ms) - t0)) ms after the start"

# The guest answers on its console: "Lab" comes back as "lAB".
if command -v python3 >/dev/null 2>&1; then
    python3 - "$LAB_URI_1" vd-web <<'PY' >"$T/console.out" 2>&1
import os, pty, select, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp("virsh", ["virsh", "-c", sys.argv[1], "console", sys.argv[2]])
def until(needle, seconds):
    buf, end = b"", time.time() + seconds
    while time.time() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                buf += os.read(fd, 4096)
            except OSError:
                break
            if needle in buf:
                return True
    return False
seen = until(b"tick ", 15)
os.write(fd, b"Lab\r")
echoed = until(b"lAB\r\n", 10)
os.write(fd, b"\x1d")
os.waitpid(pid, 0)
print("output", seen, "echo", echoed)
sys.exit(0 if seen and echoed else 1)
PY
    ok $? "the console shows ticks and the guest echoes input"
    sed 's/^/# /' "$T/console.out" | grep -v '^# output True echo True'
fi

# A shut-off guest whose name needs escaping, on a qcow2 disk.
HOSTILE="a'<b>& x"
run bash "$here/guest.sh" --format qcow2 "$LAB_ROOT/images/other.qcow2"
is "$rc" 0 "guest.sh makes a qcow2 disk"
bash "$here/domxml.sh" --rw "$HOSTILE" "$LAB_VIRT_TYPE" \
    "$LAB_ROOT/images/other.qcow2" >"$T/hostile.xml"
run virsh -q -c "$LAB_URI_1" define "$T/hostile.xml"
is "$rc" 0 "a guest named $HOSTILE is defined"

# --- virtdeck on the lab ---
DB=$T/lab.db
printf 'connect_timeout = %s.0;\n' "$CONNECT_TIMEOUT" >"$T/lab.conf"
VDL() {
    "$VD" -c "$T/lab.conf" --db "$DB" "$@"
}
run VDL dc add lab
is "$rc" 0 "dc add lab"
run VDL cluster add lab-cluster --dc lab
is "$rc" 0 "cluster add lab-cluster"
run VDL host add labhost1 "$LAB_TCP_URI_1" --cluster lab-cluster --no-check
is "$rc" 0 "host add labhost1 over qemu+tcp"
run VDL host add labhost2 "$LAB_URI_2" --cluster lab-cluster --no-check
is "$rc" 0 "host add labhost2 over the UNIX socket"

run VDL --dump
is "$rc" 0 "--dump exits 0"
like "$out" 'host labhost1 +Up ' "labhost1 is Up"
like "$out" 'host labhost2 +Up ' "labhost2 is Up"
like "$out" 'vm vd-web +running .* HA' "vd-web runs, marked HA"
like "$out" 'vm vd-db +running ' "vd-db runs"
like "$out" "vm $HOSTILE +shut off " "$HOSTILE is there, shut off"
printf '%s\n' "$out" | sed 's/^/# /'
run VDL --dump --json
is "$rc" 0 "--dump --json exits 0"
if command -v python3 >/dev/null 2>&1; then
    printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
hosts = {h["name"]: h for dc in d["datacenters"] for c in dc["clusters"]
         for h in c["hosts"]}
assert d["demo"] is False
assert hosts["labhost1"]["state"] == "Up", hosts["labhost1"]
assert hosts["labhost2"]["state"] == "Up", hosts["labhost2"]
vms = {v["name"]: v for h in hosts.values() for v in h["vms"]}
assert vms["vd-web"]["state"] == "running" and vms["vd-web"]["ha"] is True
assert vms["vd-db"]["state"] == "running" and vms["vd-db"]["ha"] is False
assert hosts["labhost1"]["cpus"] > 0
' 2>"$T/json.err"
    ok $? "JSON parses: both hosts Up, both guests running, vd-web HA"
    sed 's/^/# /' "$T/json.err"
else
    like "$out" '"name":"vd-web".*"state":"running","ha":true' \
        "JSON: vd-web running and HA"
fi

# --- VM operations reach QEMU ---
run VDL vm destroy vd-db
is "$rc" 0 "vm destroy vd-db exits 0"
is "$(virsh -q -c "$LAB_URI_2" domstate vd-db)" "shut off" \
    "virsh sees vd-db shut off"
run VDL vm start vd-db
is "$rc" 0 "vm start vd-db exits 0"
is "$(virsh -q -c "$LAB_URI_2" domstate vd-db)" "running" \
    "virsh sees vd-db running again"
boots() {
    [ "$(grep -c 'virtdeck lab guest' "$SER2")" -ge 2 ]
}
wait_for 30 boots
ok $? "vd-db booted a second time (its serial log says so)"

# --- hosts that stop answering ---
kill -KILL "$(cat "$LAB_ROOT/host2/libvirtd.pid")"
t0=$(now_ms)
run VDL --dump
ms=$(($(now_ms) - t0))
echo "# --dump with a dead libvirtd: $ms ms"
like "$out" 'host labhost2 +NonResponsive' "a killed libvirtd: NonResponsive"
like "$out" 'reason: .*(refused|No such file)' "with the reason"
like "$out" 'host labhost1 +Up ' "the other host stays Up"
ok "$([ "$ms" -lt $((CONNECT_TIMEOUT * 1000 + 5000)) ]; echo $?)" \
    "known within the connect timeout"

lv1=$(cat "$LAB_ROOT/host1/libvirtd.pid")
kill -STOP "$lv1"
t0=$(now_ms)
run VDL --dump
ms=$(($(now_ms) - t0))
kill -CONT "$lv1"
echo "# --dump with a frozen libvirtd: $ms ms (connect_timeout $CONNECT_TIMEOUT s)"
like "$out" 'host labhost1 +NonResponsive' "a frozen libvirtd: NonResponsive"
like "$out" "reason: no answer within $CONNECT_TIMEOUT seconds" \
    "with the timeout as the reason"
ok "$([ "$ms" -lt $((CONNECT_TIMEOUT * 1000 + 5000)) ]; echo $?)" \
    "known within the connect timeout"

# --- down leaves nothing ---
t0=$(now_ms)
run bash "$LAB" down
is "$rc" 0 "lab.sh down exits 0"
echo "# lab down in $(($(now_ms) - t0)) ms"
lab_up=0
run bash "$LAB" check
is "$rc" 0 "lab.sh check finds nothing left"
[ "$rc" -eq 0 ] || printf '%s\n' "$out" | sed 's/^/# /'
ok "$([ ! -e "$LAB_ROOT" ]; echo $?)" "the lab folder is gone"
left=$(pgrep -a -f "$LAB_ROOT")
is "$left" "" "no process names the lab folder"
left=$({ stat -L -c '%i %n' /proc/[0-9]*/ns/mnt 2>/dev/null || true; } |
    awk -v a="$ns1" -v b="$ns2" '$1 == a || $1 == b')
is "$left" "" "no process is left in the hosts' namespaces"
left=$(grep -lF "$LAB_ROOT" /proc/[0-9]*/mountinfo 2>/dev/null)
is "$left" "" "no mount of the lab folder in any namespace"
is "$(mount | grep -cF "$LAB_ROOT")" 0 "mount lists nothing of the lab"
! (exec 3<>/dev/tcp/127.0.0.31/16509) 2>/dev/null
ok $? "nothing listens on 127.0.0.31:16509"

done_testing
