#!/bin/sh
# host-ops.sh: host maintenance, activation, confirm rebooted and the SPM
# priority on the demo.  The demo's VMs have local disks, so maintenance
# is refused with that reason after the question; activating an Up host
# and confirming that an Up host was rebooted are refused at once; the
# SPM priority form checks its number, and the tree and the detail panes
# follow the SPM as it moves.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

start 100 40 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts" wait_ready
keys j j
check "busan-kvm01 is selected" shows "Host" "busan-kvm01"
# SPM or not (the demo elects one of Busan's two hosts at random)
spm_re="│ SPM +(SPM of data center 'Busan' \\()?priority"
check "the detail shows its SPM priority" wait_re "$spm_re 5"

keys M
check "M asks first, naming the host and the VMs that move" \
    wait_for "Put host 'busan-kvm01' in maintenance? Its 5 running VMs migrate"
check "the question names the cluster" wait_for "cluster 'busan-prod' first."
keys n
check "n keeps it Up" wait_gone "Put host 'busan-kvm01' in maintenance?"
keys M y
check "yes: refused, the VMs' disks are local" \
    wait_for "has disks on the local storage of host 'busan-kvm01'"
check "the host stays Up" shows "State" "\\+ Up"
check "the refusal is in the events pane" wait_re "failed +busan-kvm01"

keys V
check "activate on an Up host is refused" \
    wait_for "Host 'busan-kvm01' is not in maintenance."
keys B
check "confirm rebooted on an Up host is refused, without the warning" \
    wait_for "Host 'busan-kvm01' is Up: only a NonResponsive host can be"
check "no question was asked" wait_gone "Only confirm if host"

# the SPM priority form
keys I
check "I opens the SPM priority form, naming the host" \
    wait_for "SPM priority of host 'busan-kvm01'"
check "it explains the numbers" wait_for "the Up host with the highest priority"
keys C-u
type_text "11"
keys Enter
check "11 is refused" \
    wait_for "The SPM priority is 0 (lowest) to 10 (highest), or -1 for never."
keys C-u
type_text "9"
keys Enter
check "9 is taken" wait_for "Host 'busan-kvm01' has SPM priority 9."
check "the detail shows it" wait_re "$spm_re 9"

# never SPM: the other host of Busan takes the role
keys I C-u
type_text "-1"
keys Enter
check "-1: never SPM" shows "SPM" "never \\(priority -1\\)"
check "busan-kvm02 is the SPM, marked in the tree" \
    wait_for "busan-kvm02 SPM"
keys j I C-u
type_text "-1"
keys Enter
check "with no host allowed, Busan has no SPM" wait_gone "busan-kvm02 SPM"
keys g
check "the data center says it is NonResponsive" \
    shows "Status" "NonResponsive"
check "and has no SPM" shows "SPM" "-"
check "its tree row says so" wait_for "! Busan"
check "the events pane has it" \
    wait_for "Data center 'Busan' has no SPM"
keys j j I C-u
type_text "5"
keys Enter
check "busan-kvm01 takes the SPM again" wait_for "busan-kvm01 SPM"
keys g
check "Busan is Up again" shows "Status" "Up"
check "with busan-kvm01 as its SPM" shows "SPM" "busan-kvm01"

# the actions need a host
keys M
check "M on a data center asks for a host or a storage domain" \
    wait_for "Select a host or a storage domain first."
keys :
type_text "host-confirm-rebooted"
keys Enter
check "the named action works from the command line" \
    wait_for "Select a host first."

quit_and_check
finish
