#!/bin/bash
# vm-create.sh: create, run, read the console of, edit and delete VMs on a
# real lab host through virtdeck's CLI; bad input creates nothing; a
# creation that fails half-way (the ISO is missing once the disk exists,
# a pool removed behind virtdeck's back) leaves nothing behind.
# shellcheck disable=SC2154
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi
LAB_N=1
LAB_IP_BASE=40
. "$(cd "$(dirname "$0")" && pwd)/lib-lab.sh"

V1() {
    virsh -q -c "$LAB_URI_1" "$@"
}

# A storage pool on the host holding a copy of the guest disk.
IMGDIR=$LAB_ROOT/host1/lib/images
V1 pool-define-as images dir --target /var/lib/libvirt/images >/dev/null
V1 pool-start images >/dev/null
cp "$GUEST_IMG" "$IMGDIR/guest.img"
V1 pool-refresh images >/dev/null
ndom() { V1 list --all --name | grep -c .; }
nvol() { V1 pool-refresh images >/dev/null; V1 vol-list images | grep -c .; }
doms0=$(ndom)
vols0=$(nvol)

# --- create and start, on the guest disk ---
run VDL vm create vd-new --cluster lab-cluster --memory 64 --pool images \
    --disk-volume guest.img --graphics vnc --start --ha
is "$rc" 0 "vm create --start exits 0"
like "$out" "VM 'vd-new' created on host 'labhost1' and started" "and says so"
is "$(domstate 1 vd-new)" "running" "virsh sees it running"
like "$(V1 dumpxml vd-new)" 'virtdeck:ha>yes' "HA flag in the domain's metadata"
like "$(V1 dumpxml vd-new)" "<graphics type='vnc'" "with a VNC console"
ser=$LAB_LOG_1/vd-new-serial.log
wait_for 30 grep -q '^tick 2' "$ser"
ok $? "the new VM boots and ticks on its serial port"

# --- its serial console, through virtdeck ---
timeout -s TERM 8 "$VD" -c "$T/lab.conf" --db "$DB" vm console vd-new \
    </dev/null >"$T/console.out" 2>"$T/console.err"
grep -q 'tick [0-9]' "$T/console.out"
ok $? "vm console shows the guest's ticks"
like "$(cat "$T/console.err")" 'Ctrl-\]' "and says how to leave"
run VDL --dump
like "$out" 'vm vd-new +running .* HA vnc' "--dump: running, HA, VNC"

# --- bad input creates nothing ---
run VDL vm create "a'<b>&" --cluster lab-cluster --memory 64
is "$rc" 1 "a hostile name is refused"
run VDL vm create vd-big --cluster lab-cluster --host labhost1 --memory 999999
is "$rc" 1 "more memory than the host has is refused"
like "$err" "labhost1" "naming the host"
run VDL vm create vd-cpu --cluster lab-cluster --host labhost1 --memory 64 \
    --vcpus 500
is "$rc" 1 "more vCPUs than the host has is refused"
run VDL vm create vd-x --cluster lab-cluster --memory 64 --listen nowhere
is "$rc" 1 "a listen address that is no address is refused"
run VDL vm create vd-new --cluster lab-cluster --memory 64
is "$rc" 1 "a name the data center has is refused"
is "$(ndom)" "$((doms0 + 1))" "no domain was defined by the refusals"
is "$(nvol)" "$vols0" "no volume was created by the refusals"

# --- fails half-way: the disk exists when the ISO turns out missing ---
run VDL vm create vd-half --cluster lab-cluster --memory 64 --pool images \
    --disk-size 1 --iso images/missing.iso --boot cdrom,disk
is "$rc" 1 "a missing ISO fails the creation"
like "$err" "Nothing was left behind" "and says nothing is left"
is "$(nvol)" "$vols0" "the new disk was removed again"
ok "$(V1 dominfo vd-half >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" \
    "no domain vd-half"

# --- a pool removed behind virtdeck's back ---
V1 pool-define-as scratch dir --target /var/lib/libvirt/scratch >/dev/null
V1 pool-build scratch >/dev/null
V1 pool-start scratch >/dev/null
V1 pool-destroy scratch >/dev/null
V1 pool-undefine scratch >/dev/null
run VDL vm create vd-gone --cluster lab-cluster --memory 64 --pool scratch \
    --disk-size 1
is "$rc" 1 "a pool removed meanwhile fails the creation"
like "$err" "no active storage pool 'scratch'" "naming the pool"
is "$(ndom)" "$((doms0 + 1))" "and defines nothing"

# --- edit ---
run VDL vm edit vd-new --vcpus 2
is "$rc" 1 "changing vCPUs of a running VM is refused"
like "$err" "power it off" "saying what to do"
run VDL vm destroy vd-new
is "$rc" 0 "powered off"
run VDL vm edit vd-new --vcpus 2 --memory 96
is "$rc" 0 "vCPUs and memory changed while off"
like "$(V1 dumpxml --inactive vd-new)" '<vcpu placement=.static.>2</vcpu>' \
    "the definition has 2 vCPUs"
like "$(V1 dumpxml --inactive vd-new)" '<memory unit=.KiB.>98304</memory>' \
    "and 96 MiB"
run VDL vm edit vd-new --no-ha
is "$rc" 0 "HA flag cleared"
like "$(V1 dumpxml --inactive vd-new)" 'virtdeck:ha>no' "in the metadata"

# --- a VM with a new disk, deleted with its disk ---
run VDL vm create vd-disk --cluster lab-cluster --memory 64 --pool images \
    --disk-size 1 --disk-format qcow2
is "$rc" 0 "a VM with a new 1 GiB qcow2 disk"
is "$(nvol)" "$((vols0 + 1))" "its volume exists"
like "$(V1 vol-dumpxml --pool images vd-disk-disk0.qcow2)" "<format type='qcow2'/>" \
    "in qcow2"
run VDL vm delete vd-disk --delete-disks
is "$rc" 0 "deleted with its disks"
is "$(nvol)" "$vols0" "the volume is gone"
ok "$(V1 dominfo vd-disk >/dev/null 2>&1; [ $? -ne 0 ]; echo $?)" \
    "and the domain"

# --- deleted, keeping its disk ---
run VDL vm delete vd-new
is "$rc" 0 "vd-new deleted"
like "$out" "disks were kept" "keeping its disk"
is "$(ndom)" "$doms0" "no domain is left"
ok "$([ -f "$IMGDIR/guest.img" ]; echo $?)" "the guest disk is still there"

done_testing
