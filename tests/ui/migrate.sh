#!/bin/sh
# migrate.sh: the live-migration form and the tasks pane on the demo.
# The demo's hosts are libvirt test-driver nodes: they cannot migrate and
# their disks are local, so every migration ends with the engine's
# refusal.  The form must list the cluster's destinations with their free
# memory, check its fields, show the refusal, and the tasks pane must show
# the task, its result and its detail; cancelling with nothing running
# says so.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

start 80 24 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts" wait_ready
# busan-kvm01: dns-01 erp-app erp-db file-server(shut off) ...
keys j j Tab
check "dns-01 is selected" shows "VM" "dns-01"

keys m
check "m opens the migrate form, naming the VM" \
    wait_for "Migrate VM 'dns-01'"
check "it says where the VM runs" \
    wait_for "on host 'busan-kvm01' of cluster"
check "it lists the cluster's destinations with their free memory" \
    wait_re "in cluster 'busan-prod': busan-kvm02 [0-9.]+[KMGT] free"
check "the destination starts automatic, naming the host it picks" \
    form_shows "Destination" "automatic: busan-kvm02, [0-9.]+[KMGT] of memory"
check "it warns that the VM's disks are local" \
    wait_for "Its disks are local: it moves only with Copy"
check "the policy is prefilled from the cluster: bandwidth" \
    form_shows "Bandwidth \\(MiB/s\\)" "0"
check "and the timeout action" form_shows "On timeout" "abort"

keys Space
check "Space chooses a host of the cluster, with its free memory" \
    form_shows "Destination" "busan-kvm02 \\([0-9.]+[KMGT] free\\)"
keys Space
check "and Space again comes back to automatic" \
    form_shows "Destination" "automatic:"

keys Tab C-u
type_text "fast"
keys Tab
check "a bandwidth that is not a number is refused when leaving it" \
    wait_for "Type the bandwidth limit in MiB/s"
keys BTab C-u
type_text "100"
keys Tab
check "a number is taken" wait_gone "Type the bandwidth limit"
# downtime, auto-converge, post-copy, copy storage, timeout, on timeout
keys Tab Tab Tab Tab Tab Space
check "the timeout action cycles" form_shows "On timeout" "switch to post-copy"
keys Tab
check "post-copy on timeout needs post-copy: refused" \
    wait_for "Switching to post-copy on timeout needs post-copy enabled."
keys BTab Space Space
check "and cycles back to abort" form_shows "On timeout" "abort"
keys Escape
check "Esc cancels the form" wait_gone "Migrate VM 'dns-01'"
check "and nothing started" wait_for "Tasks 0"

keys m
check "the form opens again from the cluster's defaults" \
    form_shows "Bandwidth \\(MiB/s\\)" "0"
keys Enter
check "Enter starts it: the tasks pane opens" wait_for "Tasks ("
check "the task is a migration of dns-01" wait_re "X dns-01 +migration"
check "with its hosts" wait_for "busan-kvm01 -> busan-kvm02"
check "the engine's refusal reaches the status line" \
    wait_for "shared storage (/var/lib/libvirt/images/dns-01.qcow2)"
check "the task ended failed" wait_re "failed +busan-kvm01 ->"
check "nothing runs: the header says Tasks 0" wait_for "Tasks 0"

# the detail of the selected task
keys Tab Tab
check "Tab reaches the tasks pane: the detail shows the task" \
    shows "Task" "migration dns-01"
check "its state" shows "State" "failed"
check "its source" shows "From" "busan-kvm01"
keys x
check "x on an ended task says there is nothing to cancel" \
    wait_for "has ended (failed): there is nothing to cancel."

keys t
check "t hides the tasks pane: the events are back" wait_for "Events ("
check "the events pane has the refusal" wait_for "failed dns-01"
keys x
check "x with no running task says so" \
    wait_for "No task is running: there is nothing to cancel."
keys t
check "t shows the tasks pane again" wait_for "Tasks (0 running of 1)"
keys t
check "and t hides it" wait_for "Events ("

# a VM that is off is refused at once
keys Tab Tab Home j j j
check "file-server is selected" shows "VM" "file-server"
keys m
check "a shut-off VM cannot migrate live: said at once" \
    wait_for "VM 'file-server' is shut off: only a running VM migrates live"

# a marked set
keys Home Space Space
check "two VMs are marked" wait_for "2 marked"
keys m
check "the form names the marked VMs" wait_for "Migrate 2 VMs"
check "and lists them" wait_for "2 VMs: 'dns-01', 'erp-app'"
keys Enter
check "both start: the tasks pane shows three tasks" \
    wait_for "Tasks (0 running of 3)"
check "the marks are cleared" wait_gone "2 marked"

# saving the policy as the cluster's defaults
keys Home m
check "the form opens on dns-01" wait_for "Migrate VM 'dns-01'"
keys Tab C-u
type_text "100"
keys Tab Tab Tab Tab Tab Tab Tab Space
check "Save as defaults is chosen" form_shows "Save as defaults" "yes"
check "its hint names the cluster" \
    wait_for "become the defaults of cluster 'busan-prod'"
keys Enter
check "the migration is sent" wait_for "Tasks (0 running of 4)"
keys m
check "the cluster's defaults now hold the bandwidth" \
    form_shows "Bandwidth \\(MiB/s\\)" "100"
keys Escape

# nothing selected to migrate
keys BTab g m
check "m on a data center asks for a VM" \
    wait_for "Select a VM first, or mark some with Space."

check "the tasks pane goes away by itself once the tasks have ended" \
    wait_for "Events (" 25

quit_and_check
finish
