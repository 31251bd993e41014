#!/bin/bash
# drills.sh: fault drills on real lab hosts.
#  - kill -9 of virtdeck during a VM create (in the console, the host's
#    libvirtd held with SIGSTOP so that the create is in flight), during a
#    live migration (CLI, bandwidth-capped) and during an ISO upload (CLI,
#    nfs-ganesha): each time the next start finds the database intact
#    (PRAGMA integrity_check, the inventory tables unchanged), shows the
#    task as interrupted with what it may have left behind (console tasks
#    pane, `virtdeck tasks`, `--json`) and audits it; what it names is
#    really there to check (the migrating VM, the partial upload), and the
#    next upload of the name replaces the partial file and says so;
#  - a host whose libvirtd is frozen (SIGSTOP on the lab's own libvirtd,
#    by PID) does not hold up the console or the other host: keys are
#    answered, a change on the other host shows, and the frozen host
#    becomes NonResponsive.  bench/frozen-host.sh measures the latencies.
# shellcheck disable=SC2154
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi
LAB_N=2
LAB_IP_BASE=60
CONNECT_TIMEOUT=3
. "$(cd "$(dirname "$0")" && pwd)/lib-lab.sh"
command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"
command -v sqlite3 >/dev/null 2>&1 ||
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null 2>&1
command -v sqlite3 >/dev/null 2>&1 || skip_all "sqlite3 is missing"
printf 'keepalive_interval = 1;\nkeepalive_count = 2;\nha_grace = 2.0;\n' \
    >>"$T/lab.conf"

V() {  # V HOST_INDEX virsh-args...
    local i=$1
    shift
    eval "virsh -q -c \"\$LAB_URI_$i\" \"\$@\""
}
lvpid() { cat "$LAB_ROOT/host$1/libvirtd.pid"; }
frozen=""
thaw() {
    local p
    for p in $frozen; do
        kill -CONT "$p" 2>/dev/null
    done
    frozen=""
}
freeze() {  # freeze HOST_INDEX: SIGSTOP that lab host's libvirtd (by PID)
    local p
    p=$(lvpid "$1") && kill -STOP "$p" && frozen="$frozen $p"
}
SQL() { sqlite3 -batch "$DB" "$@"; }
# The inventory tables, row by row: what a kill must never change.
inventory() {
    SQL "SELECT 'dc', id, name, description FROM dc;
         SELECT 'cluster', id, dc_id, name FROM cluster;
         SELECT 'host', id, cluster_id, name, uri, maintenance FROM host;
         SELECT 'sd', id, name, role, address, path FROM storage_domain;
         SELECT 'sd_dc', sd_id, dc_id, active FROM sd_dc;"
}
intact() {  # intact WHAT: the database after a kill -9
    is "$(SQL 'PRAGMA integrity_check')" ok "$1: PRAGMA integrity_check ok"
    is "$(inventory)" "$inv0" "$1: the inventory is unchanged"
}

for i in 1 2; do
    V "$i" pool-define-as images dir --target /var/lib/libvirt/images >/dev/null
    V "$i" pool-start images >/dev/null
    cp "$GUEST_IMG" "$LAB_ROOT/host$i/lib/images/guest.img"
    V "$i" pool-refresh images >/dev/null
done

# shellcheck source=lib-console.sh
. "$here/lib-console.sh"
console() {  # a fresh console in a fresh tmux server
    console_start
}
nfs_state=""
drill_cleanup() {
    thaw
    console_stop
    [ -z "$nfs_state" ] || bash "$here/nfs-server.sh" stop "$nfs_state" \
        >/dev/null 2>&1
    lab_cleanup
}
trap drill_cleanup EXIT
running_task() {  # running_task KIND: a row of that kind is running
    [ "$(SQL "SELECT count(*) FROM task WHERE kind = '$1' AND
              state = 'running'")" -gt 0 ]
}
inv0=$(inventory)

# ---- 1. kill -9 during a VM create ----
console
wait_screen 20 'Hosts 2/2 up'
ok $? "the console shows both lab hosts Up"
keys j
wait_screen 5 'Hosts of lab-cluster'
keys c
wait_screen 5 'Create a VM'
ok $? "the create form is open"
type_text vd-drill
keys Tab Tab Tab Tab C-u
type_text 32
keys Tab Tab C-u
type_text images
keys Tab C-u Tab Tab C-u
type_text guest.img
# both hosts' libvirtd stop answering: the create is in flight and stays so
freeze 1
freeze 2
keys Enter
wait_for 10 running_task vm-create
ok $? "the VM create is stored as a running task before its host answers"
host=$(SQL "SELECT dst_host FROM task WHERE kind = 'vm-create'")
kill -9 "$(cat "$T/vd.pid")"
wait_screen 5 'virtdeck-exited-137' >/dev/null
thaw
intact "after kill -9 during a VM create"
is "$(SQL "SELECT state FROM task WHERE kind = 'vm-create'")" running \
    "the row still says running (nobody has looked yet)"

console
wait_screen 20 'Hosts 2/2 up'
wait_screen 10 'vd-drill +VM create +interrupted'
ok $? "the next console shows the create interrupted in its tasks pane"
keys q
sleep 0.3
keys y 2>/dev/null
run VDL tasks
like "$out" "vm-create +vd-drill +interrupted" "virtdeck tasks: interrupted"
like "$out" "left behind: domain 'vd-drill' may be defined on host '$host'" \
    "with the domain and the host it was being defined on"
run VDL tasks --json
like "$out" '"kind":"vm-create","object":"vd-drill".*"state":"interrupted"' \
    "--json: interrupted"
like "$out" "\"left_behind\":\\[\\{\"type\":\"domain\",\"what\":\"vd-drill\",\"where\":\"$host\"" \
    "--json: what may be left behind"
run VDL events
like "$out" "The VM create of 'vd-drill' was interrupted: virtdeck \\(process [0-9]+\\)" \
    "the interruption is in the audit log, once"
is "$(printf '%s\n' "$out" | grep -c "VM create of 'vd-drill' was interrupted")" 1 \
    "exactly once, though two processes started since"
hi=${host#labhost}
if V "$hi" dominfo vd-drill >/dev/null 2>&1; then
    echo "# what was left: domain vd-drill is defined on $host (the host" \
        "processed the define after virtdeck died)"
    V "$hi" undefine vd-drill >/dev/null
else
    echo "# what was left: nothing; the define never reached $host"
fi

# ---- 2. kill -9 during a live migration ----
define_guest 1 vd-mig
V 1 start vd-mig >/dev/null
wait_for 30 grep -q '^tick 2' "$LAB_LOG_1/vd-mig-serial.log"
ok $? "vd-mig ticks on host1"
"$VD" -c "$T/lab.conf" --db "$DB" vm migrate vd-mig --to labhost2 \
    --bandwidth 1 >"$T/mig.out" 2>"$T/mig.err" &
mpid=$!
progress() { grep -q 'migrating vd-mig: [0-9]*%' "$T/mig.err"; }
wait_for 40 progress
ok $? "the migration shows progress"
kill -9 "$mpid"
wait "$mpid" 2>/dev/null
intact "after kill -9 during a migration"
run VDL tasks
like "$out" "migrate +vd-mig +interrupted +labhost1 -> labhost2" \
    "virtdeck tasks: the migration interrupted, from and to"
like "$out" "left behind: VM 'vd-mig' may run on host 'labhost1' or on host 'labhost2'" \
    "and says to check both hosts"
# what it says to check: a job may still run on the source; the operator
# aborts it, and the VM must then run on exactly one host
V 1 domjobabort vd-mig >/dev/null 2>&1
one_host() {
    local n=0
    [ "$(domstate 1 vd-mig)" = running ] && n=$((n + 1))
    [ "$(domstate 2 vd-mig)" = running ] && n=$((n + 1))
    [ "$n" -eq 1 ]
}
wait_for 60 one_host
ok $? "vd-mig runs on exactly one host (host1: $(domstate 1 vd-mig);\
 host2: $(domstate 2 vd-mig))"

# ---- 3. a frozen host does not hold up the console or the other host ----
console
wait_screen 20 'Hosts 2/2 up'
ok $? "a fresh console, both hosts Up"
src=1
[ "$(domstate 2 vd-mig)" = running ] && src=2
other=$((3 - src))
freeze "$other"
keys j
wait_screen 5 'Hosts of lab-cluster'
keys v
wait_screen 10 'VMs of lab-cluster'
ok $? "keys are answered while labhost$other is frozen (the VM list opens)"
V "$src" suspend vd-mig >/dev/null
wait_screen 15 'vd-mig +paused'
ok $? "a change on labhost$src shows while labhost$other is frozen"
V "$src" resume vd-mig >/dev/null
keys v
wait_screen 30 "Hosts 1/2 up"
ok $? "the frozen labhost$other is not counted Up any more"
wait_screen 10 "labhost$other .*NonResponsive"
ok $? "it is shown NonResponsive"
keys '?'
wait_screen 5 'Keys and actions'
ok $? "the help screen opens"
keys Escape
thaw
wait_screen 30 'Hosts 2/2 up'
ok $? "once thawed, labhost$other is Up again"
keys q
sleep 0.3
keys y 2>/dev/null

# ---- 4. kill -9 during an ISO upload ----
if ! bash "$here/nfs-server.sh" deps >/dev/null 2>&1; then
    echo "# nfs-ganesha is missing: the upload drill is left out"
    done_testing
fi
nfs_state=$T/nfs
chmod 0755 "$T"
EXP=$T/exports/iso
mkdir -p "$EXP"
chown 36:36 "$EXP"
NPORT=$((36000 + RANDOM % 1500 * 2))
SERVER=$(bash "$here/nfs-server.sh" start "$nfs_state" "$NPORT" "$EXP" \
    2>"$T/nfs.err")
ok $? "nfs-ganesha serves the ISO export"
run VDL storage add isos --role iso --nfs "$SERVER:$EXP"
is "$rc" 0 "an ISO domain on it"
inv0=$(inventory)
head -c $((384 * 1048576)) /dev/urandom >"$T/drill.iso"
"$VD" -c "$T/lab.conf" --db "$DB" iso upload --domain isos "$T/drill.iso" \
    >"$T/up.out" 2>"$T/up.err" &
upid=$!
uploading() { grep -q '^uploading: ' "$T/up.err"; }
wait_for 30 uploading
ok $? "the upload runs"
kill -9 "$upid"
wait "$upid" 2>/dev/null
intact "after kill -9 during an upload"
test -f "$EXP/images/.drill.iso.part"
ok $? "the hidden partial file is on the export"
test ! -e "$EXP/images/drill.iso"
ok $? "and nothing under the final name"
run VDL tasks
like "$out" "iso-upload +drill.iso +interrupted" "virtdeck tasks: interrupted"
like "$out" "left behind: a partial file 'images/.drill.iso.part' may remain on '$SERVER:$EXP'" \
    "naming the partial file and the export"
run VDL iso upload --domain isos "$T/drill.iso"
is "$rc" 0 "the next upload of the name succeeds"
test ! -e "$EXP/images/.drill.iso.part"
ok $? "the partial file is gone"
cmp -s "$T/drill.iso" "$EXP/images/drill.iso"
ok $? "the uploaded file has the same bytes"
run VDL tasks
like "$out" "resolved: The partial file 'images/.drill.iso.part' .* was replaced by a later upload" \
    "the interrupted task says the partial file was replaced"
rm -f "$T/drill.iso"

done_testing
