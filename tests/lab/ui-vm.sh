#!/bin/bash
# ui-vm.sh: through the console (in tmux) on a real lab host: create a VM
# in the form, see it run, and read its serial output in virtdeck's own
# console; Ctrl-] comes back to the main screen.
# shellcheck disable=SC2154
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi
LAB_N=1
LAB_IP_BASE=45
. "$(cd "$(dirname "$0")" && pwd)/lib-lab.sh"
command -v tmux >/dev/null 2>&1 || skip_all "tmux is not installed"

V1() {
    virsh -q -c "$LAB_URI_1" "$@"
}
V1 pool-define-as images dir --target /var/lib/libvirt/images >/dev/null
V1 pool-start images >/dev/null
cp "$GUEST_IMG" "$LAB_ROOT/host1/lib/images/guest.img"
V1 pool-refresh images >/dev/null

# shellcheck source=lib-console.sh
. "$here/lib-console.sh"
console_start
trap 'console_stop; lab_cleanup' EXIT

wait_screen 20 'Hosts 1/1 up'
ok $? "the console shows the lab host Up"
keys j
wait_screen 5 'Hosts of lab-cluster'
ok $? "cluster lab-cluster selected"
keys c
wait_screen 5 'Create a VM'
ok $? "c opens the create form"
type_text vd-ui
keys Tab Tab Tab Tab C-u
type_text 32
keys Tab Tab C-u
type_text images
keys Tab C-u Tab Tab C-u
type_text guest.img
keys Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab Tab
type_text y
wait_screen 5 'Start after create +yes'
ok $? "start after create: yes"
keys Enter
wait_screen 60 "VM 'vd-ui' created on host 'labhost1' and started"
ok $? "the VM is created and started"
run_state() { [ "$(domstate 1 vd-ui)" = running ]; }
wait_for 10 run_state
ok $? "virsh: vd-ui runs"

# open its console: the VMs of the cluster, then C on the VM
keys v
wait_screen 10 'vd-ui'
keys Tab
sleep 0.3
keys C
wait_screen 30 'tick [0-9]+'
ok $? "virtdeck's serial console shows the guest's ticks"
sleep 1
type_text "Lab"
keys Enter
wait_screen 15 "lAB"
r=$?
[ "$r" -eq 0 ] || { grep -c lAB "$LAB_LOG_1/vd-ui-serial.log"; tail -8 "$XDG_CACHE_HOME/virtdeck/virtdeck.log"; tail -5 "$LAB_ROOT"/host1/log/*.log; ps aux | grep -c "[l]ibvirtd"; } | sed "s/^/# /"
ok "$r" "what is typed reaches the guest, which answers"
keys C-]
wait_screen 10 'Hosts 1/1 up'
ok $? "Ctrl-] returns to the main screen"
keys q
sleep 0.5
keys y 2>/dev/null
done_testing
