#!/bin/sh
# vm-console.sh: the serial console from the console.  libvirt's test
# driver has no consoles, so on the demo the console answers with the
# driver's "not supported" and returns to the panes at once, which keep
# working; C with no VM selected says what to do.  (The console itself,
# with a guest that ticks, is exercised against real hosts in the lab.)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

start 80 24 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts" wait_ready

keys C
check "C without a VM selected says to select one" \
    wait_for "Select a VM first."

keys j j Tab
check "dns-01 is selected" shows "VM" "dns-01"
keys C
check "the console answers that the driver cannot" \
    wait_for "Cannot open the console of VM 'dns-01'"
check "with the driver's reason" wait_for "not supported"
check "and the panes are back" wait_for "Inventory"
check "no console screen is left over" \
    sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q 'Ctrl-] returns'"
keys j
check "the next key goes to the panes" shows "VM" "erp-app"

keys :
type_text "vm-console"
keys Enter
check ":vm-console does the same" \
    wait_for "Cannot open the console of VM 'erp-app'"

# a wide screen shows the whole reason on one row
resize 200 50
check "at 200 columns the reason fits" \
    wait_for "not supported by the connection driver: virDomainOpenConsole"
check "the screen keeps updating: the header counts VMs" \
    wait_for "VMs 18/30 running"

quit_and_check
finish
