#!/bin/sh
# vm-create.sh: the create-VM form.  Bad input (an empty name, quotes and
# markup, 300 characters, no memory, more memory than a host has, a bad
# listen address) is answered in the form with a message and creates
# nothing; the password shows as '*'; a VM made through the form appears
# in the list, started when asked, and the events pane has the result.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

start 80 24 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts" wait_ready
check "the demo has 30 VMs" wait_for "VMs 18/30 running"

# the cluster busan-prod is selected in the tree
keys j
check "cluster busan-prod is selected" wait_for "Hosts of busan-prod"
keys c
check "c opens the create form" wait_for "Create a VM"
check "the cluster is the tree's selection" form_shows "Cluster" "busan-prod"
check "the host is automatic, naming the host it would pick" \
    form_shows "Host" "automatic: busan-kvm02, [0-9.]+[KMGT] of memory free"
check "the form has pages at 80x24" wait_for "page 1/2"

# bad names
keys Enter
check "an empty name is refused" \
    wait_for "The VM name is empty: type a name."
type_text "a'<b>&"
keys Enter
check "a name with quotes and markup is refused, quoted back" \
    wait_for "The VM name 'a'<b>&' contains '''"
keys C-u
type_text "$(printf 'n%.0s' $(seq 300))"
keys Tab
check "a 300-character name is refused when leaving the field" \
    wait_for "The VM name is 300 characters long: use at most 64."
keys BTab C-u
type_text "ui-vm1"

# bad memory: none, more than any host has, more than the chosen host has
keys Tab Tab Tab Tab C-u
type_text "0"
keys Tab
check "memory 0 is refused" \
    wait_for "The memory must be 16 MiB to 16 TiB, not 0 MiB."
keys BTab C-u
type_text "999999"
keys Enter
check "more memory than any host has is refused, naming the cluster" \
    wait_for "No Up host of cluster 'busan-prod' has 999999 MiB"
keys C-u
type_text "40000"
keys BTab BTab
type_text "busan-kvm02"
check "typing a host name chooses it" form_shows "Host" "busan-kvm02 "
keys Enter
check "more memory than the chosen host has is refused" \
    wait_for "Host 'busan-kvm02' has 32768 MiB of memory: give the VM less."
check "the form is back on the memory field" \
    form_shows "Memory \\(MiB\\)" "40000"
keys BTab BTab Space
check "Space goes back to the automatic host" form_shows "Host" "automatic:"
keys Tab Tab C-u
type_text "512"

# a bad listen address, on the second page
keys PgDn
check "PgDn shows the second page" wait_for "page 2/2"
check "the listen address is there" form_shows "Listen address" "127.0.0.1"
keys Tab Tab C-u
type_text "1.2.3"
keys Enter
check "a bad listen address is refused" \
    wait_for "The console listen address '1.2.3' is not an IP address"
keys C-u
type_text "127.0.0.1"

keys Escape
check "Esc cancels the form" wait_gone "Create a VM"
check "the screen is alive" wait_for "Inventory"
check "nothing was created" wait_for "VMs 18/30 running"
check "no VM named ui-vm1 anywhere" \
    sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q ui-vm1"

# a VM without a disk that boots from the network, started at once
keys c
check "the form opens again, empty" form_shows "Name" ""
type_text "ui-vm1"
keys Tab Tab Tab Tab C-u
type_text "256"
keys Tab Tab Tab C-u
check "the disk size is emptied" form_shows "Disk size \\(GiB\\)" ""
keys Tab Tab Tab
type_text "network default"
keys Tab
type_text "network"
keys PgDn Tab Tab Tab
type_text "s3cret"
check "the password shows one '*' per character" form_shows "Password" '\*{6} *│'
check "and never itself" sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q s3cret"
keys Tab Space
check "start after create: yes" form_shows "Start after create" "yes"
keys Enter
check "the form closes" wait_gone "Create a VM"
check "the job's result reaches the status line" \
    wait_for "VM 'ui-vm1' created on host 'busan-kvm02'"
check "and the events pane" wait_for "ok     ui-vm1"
keys v
check "v lists the cluster's VMs" wait_for "VMs of busan-prod"
check "the new VM is in the list, running" wait_for "> ui-vm1 "
check "the header counts it" wait_for "VMs 19/31 running"
check "the password was never shown" \
    sh -c "! tmux -S '$SOCK' capture-pane -p | grep -q s3cret"

# a VM with a new 1 GiB qcow2 disk on a chosen host, left off
keys c
type_text "ui-disk"
keys Tab Tab
type_text "busan-kvm02"
keys Tab Tab C-u
type_text "128"
keys Tab Tab Tab C-u
type_text "1"
keys Enter
check "a VM with a new disk is created on the chosen host" \
    wait_for "VM 'ui-disk' created on host 'busan-kvm02'"
check "it is in the list, shut off" wait_for ". ui-disk "

# the engine's own refusal keeps the form open with what was typed
keys c
type_text "ui-vm1"
keys Enter
check "a duplicate name is refused by the engine, in the form" \
    wait_for "already has a VM named 'ui-vm1'"
check "the form stays open with the name" form_shows "Name" "ui-vm1"
keys Escape
check "Esc closes it" wait_gone "Create a VM"

# ':' reaches the form too
keys :
type_text "vm-create"
keys Enter
check ":vm-create opens the form" wait_for "Create a VM"
keys Escape

quit_and_check
finish
