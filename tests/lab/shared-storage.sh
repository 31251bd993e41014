#!/bin/bash
# shared-storage.sh: VMs whose disks live on storage domains, on real
# libvirtd + QEMU hosts, with nfs-ganesha and tgtd:
#  - an NFS data domain, an NFS ISO domain and an iSCSI data domain are
#    added, attached and activated; the data center gets an SPM;
#  - a guest ISO (the lab guest's boot sector, El Torito) is uploaded to
#    the ISO domain as 0640 36:36, and a VM boots from it (nfs:// CD-ROM);
#  - a VM created with its disk on the NFS data domain gets a sparse raw
#    file disks/UUID.img (36:36, 0660) and opens it as an nfs:// disk; one
#    on the iSCSI domain gets a free LUN as an iscsi:// disk; both boot the
#    guest from that disk;
#  - each migrates live to the other host without a storage copy (the
#    same network disk on the destination, nothing new in the hosts' local
#    storage) and its guest goes on ticking;
#  - an HA VM on the NFS data domain is restarted on the other host when
#    its host dies, from the same disk;
#  - virtdeck killed while it makes a VM's disk: the create is shown
#    interrupted with the disk file it may have left;
#  - nfs-ganesha killed: the domains are reported unreachable, the
#    inventory keeps answering, and after a restart they answer again and
#    the guest goes on;
#  - a disk on a domain not attached, or on a used-up iSCSI domain, is
#    refused with the reason.
# QEMU's NFS client has no port setting: it asks rpcbind on port 111 and
# talks NFS on 2049.  So the whole test runs in a private network
# namespace with only lo (and a private /run for rpcbind's socket and
# lock), where those standard ports are free; the lab's libvirtd hosts,
# rpcbind, ganesha, tgtd and virtdeck all run inside it.
# shellcheck disable=SC2154
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi
# shellcheck source=lib-netns.sh
. "$(cd "$(dirname "$0")" && pwd)/lib-netns.sh"
netns_enter "the shared-storage lab" \
    "the lab's packages" bash "$(dirname "$0")/lab.sh" deps -- \
    "nfs-ganesha" bash "$(dirname "$0")/nfs-server.sh" deps -- \
    "tgt" bash "$(dirname "$0")/iscsi-target.sh" deps -- \
    "genisoimage" bash -c 'command -v genisoimage >/dev/null ||
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq genisoimage >/dev/null 2>&1'
netns_setup vdss-run

LAB_N=2
LAB_IP_BASE=70
# shellcheck source=lib-lab.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib-lab.sh"

NFS=$here/nfs-server.sh
ISCSI=$here/iscsi-target.sh

NSTATE=$T/nfs
ISTATE=$T/iscsi
EXP=$T/exports
RB_PID=
ss_cleanup() {
    bash "$NFS" stop "$NSTATE" >/dev/null 2>&1
    bash "$ISCSI" stop "$ISTATE" 3260 >/dev/null 2>&1
    [ -n "$RB_PID" ] && kill "$RB_PID" 2>/dev/null
    lab_cleanup
    netns_cleanup
}
trap ss_cleanup EXIT

# rpcbind stays up: QEMU asks it for the MOUNT port at every open.
setsid rpcbind -f </dev/null >"$T/rpcbind.log" 2>&1 &
RB_PID=$!
wait_for 5 rpcinfo -p 127.0.0.1 >/dev/null 2>&1
ok $? "rpcbind answers on 127.0.0.1:111 (inside the namespace)"

mkdir -p "$EXP/data" "$EXP/iso"
chown 36:36 "$EXP/data" "$EXP/iso"
if ! NFS_BIND_ADDR='' bash "$NFS" start "$NSTATE" 2049 "$EXP/data" \
        "$EXP/iso" >/dev/null 2>"$T/nfs.err"; then
    sed 's/^/# /' "$T/nfs.err"
    echo "Bail out! nfs-ganesha did not start on port 2049"
    exit 1
fi
ok 0 "nfs-ganesha serves two exports on the standard port 2049"
if ! bash "$ISCSI" start "$ISTATE" 3260 >/dev/null 2>"$T/iscsi.err"; then
    sed 's/^/# /' "$T/iscsi.err"
    echo "Bail out! tgtd did not start on port 3260"
    exit 1
fi
. "$ISTATE/target.env"
ok 0 "tgtd serves its targets on 127.0.0.1:3260"

# --- the domains ---
run VDL storage add nfsdata --role data --nfs "127.0.0.1:$EXP/data"
is "$rc" 0 "an NFS data domain is added (server without ports)"
run VDL storage add isos --role iso --nfs "127.0.0.1:$EXP/iso"
is "$rc" 0 "an NFS ISO domain is added"
run VDL storage add sandata --iscsi "$ISCSI_PORTAL" --target \
    "$ISCSI_TARGET_OPEN" --lun 1
is "$rc" 0 "an iSCSI data domain with one LUN is added"

# without an active data domain there is no SPM: disks cannot be made
run VDL vm create early --cluster lab-cluster --memory 64 \
    --storage-domain nfsdata --disk-size 1
ok "$([ "$rc" != 0 ]; echo $?)" "a disk on a domain that is not attached is refused"
like "$err" "not attached to data center 'lab'" "saying to attach it"

for d in nfsdata isos sandata; do
    run VDL storage attach "$d" --dc lab
    is "$rc" 0 "$d is attached to data center lab"
done
spm_line() { VDL --dump | grep -i 'spm'; }
wait_for 20 spm_line >/dev/null
ok $? "data center lab has an SPM: $(spm_line | head -n 1 | tr -s ' ')"

# --- an ISO that boots the lab guest, uploaded through virtdeck ---
mkdir -p "$T/isoroot"
cp "$GUEST_IMG" "$T/isoroot/boot.img"
genisoimage -quiet -o "$T/vdguest.iso" -b boot.img -no-emul-boot \
    -boot-load-size 4 -V VDGUEST "$T/isoroot" 2>"$T/geniso.err"
ok $? "a bootable guest ISO was made"
run VDL iso upload --domain isos "$T/vdguest.iso"
is "$rc" 0 "the ISO is uploaded to the ISO domain"
ISO_FILE=$EXP/iso/images/vdguest.iso
is "$(stat -c '%a %u:%g' "$ISO_FILE" 2>/dev/null)" "640 36:36" \
    "it is 0640 and owned by 36:36"
cmp -s "$T/vdguest.iso" "$ISO_FILE"
ok $? "with the same bytes"

serial() { eval "echo \"\$LAB_LOG_$1/$2-serial.log\""; }
last_tick() {
    sed -n 's/^tick \([0-9]*\).*/\1/p' "$1" 2>/dev/null | tail -n 1
}
ticks_past() {
    local n
    n=$(last_tick "$1")
    [ -n "$n" ] && [ "$n" -gt "$2" ]
}
dumpxml() { eval "virsh -q -c \"\$LAB_URI_$1\" dumpxml \"$2\"" 2>/dev/null; }
local_images() { eval "ls \"\$LAB_ROOT/host$1/lib/images\"" 2>/dev/null | sort; }

run VDL vm create isovm --cluster lab-cluster --host labhost1 --memory 64 \
    --iso isos/vdguest.iso --boot cdrom --graphics none --start
is "$rc" 0 "a VM booting from the ISO domain's image is created and started"
[ "$rc" = 0 ] || echo "# $out $err"
dumpxml 1 isovm >"$T/isovm.xml"
grep -q "protocol='nfs' name='$EXP/iso/images/vdguest.iso'" "$T/isovm.xml"
ok $? "its CD-ROM is an nfs:// network disk with the leading slash"
grep -q "<identity user='+36' group='+36'/>" "$T/isovm.xml"
ok $? "opened as vdsm:kvm (36:36)"
wait_for 60 grep -q '^tick 2' "$(serial 1 isovm)"
ok $? "the guest booted from the ISO and ticks on host1"

# --- the same through the console's create form ---
if command -v tmux >/dev/null 2>&1; then
    # shellcheck source=lib-console.sh
    . "$here/lib-console.sh"
    console_start
    wait_screen 20 'Hosts 2/2 up'
    ok $? "the console shows both lab hosts Up"
    keys j
    wait_screen 5 'Hosts of lab-cluster'
    keys c
    wait_screen 5 'Create a VM'
    ok $? "c opens the create form"
    type_text uivm
    keys Tab Tab Tab Tab C-u
    type_text 64
    keys Tab Space
    wait_screen 5 'Disk on +nfsdata'
    ok $? "the form offers the NFS data domain for the disk"
    keys Tab Tab C-u
    type_text 1
    keys Tab Tab Tab Tab Tab Space
    wait_screen 5 'ISO image +isos/vdguest.iso'
    ok $? "and lists the ISO domain's image for the CD-ROM"
    keys Tab Tab Tab Tab Tab
    type_text n
    keys Tab Tab Tab
    type_text y
    wait_screen 5 'Start after create +yes'
    keys Enter
    wait_screen 60 "VM 'uivm' created on host 'labhost[12]' and started"
    ok $? "the VM is created and started from the form"
    uihost=$(screen | sed -n "s/.*VM 'uivm' created on host 'labhost\([12]\)'.*/\1/p" | head -n 1)
    dumpxml "${uihost:-1}" uivm | grep -q "protocol='nfs' name='$EXP/data/disks/"
    ok $? "its disk is on the NFS data domain"
    wait_for 60 grep -q '^tick 2' "$(serial "${uihost:-1}" uivm)"
    ok $? "its empty disk falls through to the ISO, which boots and ticks"
    keys q
    sleep 0.3
    keys y
    console_stop
    # the console's disk is not the one the CLI test looks for below
    run VDL vm destroy uivm
    run VDL vm delete uivm --delete-disks
    is "$rc" 0 "deleting it with its disks works"
    like "$out" "removed from data domain 'nfsdata'" \
        "and removes its disk file from the data domain, for the SPM"
    ok "$(ls "$EXP"/data/disks/*.img >/dev/null 2>&1; [ $? != 0 ]; echo $?)" \
        "no disk file is left in disks/"
fi

# --- a VM with its disk on the NFS data domain ---
run VDL vm create nfsvm --cluster lab-cluster --host labhost1 --memory 64 \
    --storage-domain nfsdata --disk-size 1 --boot disk --graphics none
is "$rc" 0 "a VM with a 1 GiB disk on the NFS data domain is created"
[ "$rc" = 0 ] || echo "# $out $err"
DISK=$(ls "$EXP/data/disks"/*.img 2>/dev/null | head -n 1)
ok "$([ -n "$DISK" ]; echo $?)" "its disk is a file in disks/: ${DISK##*/}"
is "$(stat -c '%a %u:%g %s' "$DISK" 2>/dev/null)" "660 36:36 1073741824" \
    "0660, 36:36, 1 GiB"
ok "$([ "$(du -k "$DISK" | cut -f1)" -lt 1024 ]; echo $?)" "and sparse"
like "$(VDL events --json)" "SPM host" "the disk was made on behalf of the SPM"
dumpxml 1 nfsvm >"$T/nfsvm.xml"
grep -q "protocol='nfs' name='$EXP/data/disks/${DISK##*/}'" "$T/nfsvm.xml"
ok $? "the VM's disk is an nfs:// network disk"
# the lab guest onto the new disk, as an installer would have done
dd if="$GUEST_IMG" of="$DISK" bs=512 count=1 conv=notrunc status=none
run VDL vm start nfsvm
is "$rc" 0 "it starts"
wait_for 60 grep -q '^tick 2' "$(serial 1 nfsvm)"
ok $? "its guest boots from the NFS disk and ticks"

# --- a VM on the iSCSI data domain ---
run VDL vm create sanvm --cluster lab-cluster --host labhost1 --memory 64 \
    --storage-domain sandata --boot disk --graphics none
is "$rc" 0 "a VM with its disk on the iSCSI data domain is created"
[ "$rc" = 0 ] || echo "# $out $err"
dumpxml 1 sanvm >"$T/sanvm.xml"
grep -q "protocol='iscsi' name='$ISCSI_TARGET_OPEN/1'" "$T/sanvm.xml"
ok $? "its disk is LUN 1 as an iscsi:// network disk"
dd if="$GUEST_IMG" of="$ISTATE/open-lun1.img" bs=512 count=1 conv=notrunc \
    status=none
run VDL vm start sanvm
is "$rc" 0 "it starts"
wait_for 60 grep -q '^tick 2' "$(serial 1 sanvm)"
ok $? "its guest boots from the LUN and ticks"
run VDL vm create sanvm2 --cluster lab-cluster --memory 64 \
    --storage-domain sandata --boot disk
ok "$([ "$rc" != 0 ]; echo $?)" "a second VM on the one-LUN iSCSI domain is refused"
like "$err" "Every LUN of storage domain 'sandata'" "saying every LUN is used"

# --- live migration without a storage copy ---
before_local=$(local_images 1; local_images 2)
for vm in nfsvm sanvm isovm; do
    n=$(last_tick "$(serial 1 $vm)")
    run VDL vm migrate "$vm" --to labhost2
    is "$rc" 0 "$vm migrates live to labhost2"
    [ "$rc" = 0 ] || echo "# $out $err"
    printf '%s\n' "$out$err" | grep -qi 'copy'
    ok "$([ $? != 0 ]; echo $?)" "without copying its storage"
    is "$(domstate 2 $vm)" "running" "$vm runs on labhost2"
    wait_for 30 ticks_past "$(serial 2 $vm)" "${n:-0}"
    ok $? "its guest goes on ticking on labhost2 (from tick ${n:-?})"
done
dumpxml 2 nfsvm | grep -q "protocol='nfs' name='$EXP/data/disks/${DISK##*/}'"
ok $? "on labhost2 nfsvm opens the same NFS disk"
is "$(local_images 1; local_images 2)" "$before_local" \
    "nothing was copied into the hosts' local storage"

# --- the NFS server dies while VMs use it ---
printf 'storage_interval = 2.0;\nha_grace = 4.0;\n' >>"$T/lab.conf"
# (the binary itself, so that $! is its pid; without the lab's lock fd)
"$VD" -c "$T/lab.conf" --db "$DB" run >"$T/run.out" 2>&1 9>&- &
RUN_PID=$!
wait_for 20 grep -q "storage-monitor\|storage" "$T/run.out"
GPID=$(bash "$NFS" pid "$NSTATE")
kill -KILL "$GPID"
t0=$(now_ms)
wait_for 40 grep -q "Storage domain 'nfsdata' is unreachable" "$T/run.out"
ok $? "with nfs-ganesha killed, the data domain is reported unreachable" \
    "($(($(now_ms) - t0)) ms)"
grep -q "Storage domain 'isos' is unreachable" "$T/run.out"
ok $? "and so is the ISO domain"
t0=$(now_ms)
run timeout 60 "$VD" -c "$T/lab.conf" --db "$DB" --dump
is "$rc" 0 "the inventory still answers while QEMU waits for the server" \
    "($(($(now_ms) - t0)) ms)"
like "$out" "nfsvm" "and lists the VM whose disk is unreachable"
if bash "$NFS" restart "$NSTATE" >/dev/null 2>"$T/restart.err"; then
    ok 0 "nfs-ganesha starts again with the same exports"
else
    sed 's/^/# /' "$T/restart.err"
    ok 1 "nfs-ganesha starts again with the same exports"
fi
wait_for 40 grep -q "Storage domain 'nfsdata' answers again" "$T/run.out"
ok $? "the data domain answers again"
n=$(last_tick "$(serial 2 nfsvm)")
wait_for 30 ticks_past "$(serial 2 nfsvm)" "${n:-0}"
ok $? "nfsvm's guest goes on ticking after the server is back"

# --- HA: the host of an HA VM on shared storage dies ---
IP2=127.0.0.$((LAB_IP_BASE + 2))
run VDL vm create havm --cluster lab-cluster --host labhost2 --memory 64 \
    --storage-domain nfsdata --disk-size 1 --boot disk --graphics vnc \
    --listen "$IP2" --ha
is "$rc" 0 "an HA VM with its disk on the NFS data domain is created on labhost2"
[ "$rc" = 0 ] || echo "# $out $err"
HADISK=$(dumpxml 2 havm | sed -n "s|.*protocol='nfs' name='$EXP/data/disks/\([^']*\)'.*|\1|p")
dd if="$GUEST_IMG" of="$EXP/data/disks/$HADISK" bs=512 count=1 conv=notrunc \
    status=none
run VDL vm start havm
wait_for 60 grep -q '^tick 2' "$(serial 2 havm)"
ok $? "it boots from its NFS disk on labhost2"
sleep 3     # the run process sees its console port
kill -KILL "$(cat "$LAB_ROOT/host2/tini.pid")" "$(cat "$LAB_ROOT/host2/libvirtd.pid")"
pkill -KILL -f "guest=(havm|nfsvm|sanvm|isovm),"
t0=$(now_ms)
on_host1() { [ "$(domstate 1 havm)" = running ]; }
wait_for 90 on_host1
ok $? "labhost2 dies: the HA VM is restarted on labhost1" \
    "($(($(now_ms) - t0)) ms)"
like "$(cat "$T/run.out")" "HA: VM 'havm' restarted" "the restart is in the events"
dumpxml 1 havm | grep -q "protocol='nfs' name='$EXP/data/disks/$HADISK'"
ok $? "on labhost1 it opens the same disk on the data domain"
wait_for 60 grep -q '^tick 2' "$(serial 1 havm)"
ok $? "and its guest boots from it there"

kill -TERM "$RUN_PID" 2>/dev/null
wait "$RUN_PID" 2>/dev/null

# --- kill -9 while a disk is being made on the data domain ---
GPID=$(bash "$NFS" pid "$NSTATE")
kill -STOP "$GPID"
"$VD" -c "$T/lab.conf" --db "$DB" vm create killvm --cluster lab-cluster \
    --memory 64 --storage-domain nfsdata --disk-size 1 \
    >"$T/kill.out" 2>&1 9>&- &
VPID=$!
making() { VDL tasks 2>/dev/null | grep -q "killvm.*running"; }
wait_for 10 making
ok $? "the create is a running task while the NFS server holds the disk"
kill -KILL "$VPID"
wait "$VPID" 2>/dev/null
kill -CONT "$GPID"
run VDL tasks
like "$out" "killvm.*interrupted|interrupted.*killvm" \
    "after kill -9 the create is shown interrupted"
like "$out" "new disk file 'disks/[0-9a-f-]+\.img' may remain on '127\.0\.0\.1:$EXP/data'" \
    "naming the disk file it may have left on the data domain"

done_testing
