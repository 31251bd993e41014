#!/bin/sh
# vm-edit.sh: the edit-VM form changes only what was changed; a running
# VM's CPU change is refused by the engine and the form shows why; bad
# numbers are answered in the form.  Deleting a VM asks, naming it, with
# three answers: delete with disks, delete and keep disks, cancel.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

start 80 24 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts" wait_ready
# busan-kvm01: dns-01 erp-app erp-db file-server(shut off) ...
keys j j Tab j j j
check "file-server is selected" shows "VM" "file-server"
check "it has 2 vCPUs" wait_for ". file-server     shut off          2"

keys E
check "E opens the edit form, naming the VM" wait_for "Change VM 'file-server'"
check "it shows the vCPUs" form_shows "vCPUs" "2"
check "and the memory" form_shows "Memory \\(MiB\\)" "4096"
keys C-u
type_text "many"
keys Tab
check "a vCPU count that is not a number is refused" \
    wait_for "Type the number of vCPUs, e.g. 2."
keys BTab C-u
type_text "600"
keys Tab
check "600 vCPUs are refused" wait_for "A VM has 1 to 512 vCPUs, not 600."
keys BTab C-u
type_text "3"
keys Tab C-u
type_text "0"
keys Enter
check "memory 0 is refused" \
    wait_for "The memory must be 16 MiB to 16 TiB, not 0 MiB."
keys C-u
type_text "4096"
keys Enter
check "the change is applied" wait_for "VM 'file-server' changed."
check "the form closes" wait_gone "Change VM 'file-server'"
check "the list shows the new vCPU count" \
    wait_for ". file-server     shut off          3"
check "and the detail pane" shows "vCPUs" "3"

# nothing changed: nothing sent
keys E Enter
check "Enter on an unchanged form changes nothing" \
    wait_for "VM 'file-server': nothing changed."

# a running VM: the engine refuses a CPU change, the form shows it
keys k k
check "erp-app is selected" shows "VM" "erp-app"
keys E
check "the form says only HA can change" \
    wait_for "VM 'erp-app' is running: only HA can change now"
keys C-u
type_text "2"
keys Enter
check "the host's refusal is shown in the form" \
    wait_for "it is running: power it off first"
check "the form stays open" wait_for "Change VM 'erp-app'"
keys Escape
check "Esc closes it" wait_gone "Change VM 'erp-app'"
check "erp-app keeps 8 vCPUs" wait_for "> erp-app         running           8"

# F4 on a VM edits it too; HA changes on a running VM
keys F4
check "F4 on a VM opens its edit form" wait_for "Change VM 'erp-app'"
keys Tab Tab Tab Tab Tab Tab
check "HA is yes" form_shows "HA" "yes"
keys Space
check "Space makes it no" form_shows "HA" "no"
keys Enter
check "HA changes while the VM runs" wait_for "VM 'erp-app' changed."

# delete: asks, naming the VM, with three answers
keys j j
check "file-server is selected again" shows "VM" "file-server"
keys D
check "D asks, naming the VM" wait_for "Delete 'file-server'?"
check "delete with disks is offered" wait_for "[d] Delete with disks"
check "delete keeping disks is offered" wait_for "[k] Delete, keep disks"
check "cancel is offered" wait_for "[c] Cancel"
keys Escape
check "Esc cancels" wait_gone "Delete 'file-server'?"
check "the VM is still there" wait_for ". file-server "
keys D c
check "c cancels" wait_gone "Delete 'file-server'?"
check "the VM is still there after c" wait_for ". file-server "
keys D Enter
check "Enter takes Cancel, the highlighted answer" \
    wait_gone "Delete 'file-server'?"
check "the VM is still there after Enter" wait_for ". file-server "
keys D k
check "k deletes it and keeps the disks" \
    wait_for "VM 'file-server' deleted; its disks were kept."
check "it is gone from the list" wait_gone ". file-server "
check "the events pane has it" wait_for "ok     file-server"
check "the header counts one VM less" wait_for "VMs 18/29 running"

# a running VM cannot be deleted: the engine says why
keys Home
check "dns-01 is selected" shows "VM" "dns-01"
keys D k
check "deleting a running VM is refused with the reason" \
    wait_for "VM 'dns-01' is running: power it off before deleting it."
check "dns-01 is still there" wait_for "> dns-01 "

quit_and_check
finish
