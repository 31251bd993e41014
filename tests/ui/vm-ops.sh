#!/bin/sh
# vm-ops.sh: start and stop VMs, on the selection and on a marked set; the
# results reach the events pane and the status line; destructive actions
# ask first, naming the VMs, and Esc cancels.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

start 80 24 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts" wait_ready
# busan-kvm01: dns-01 erp-app erp-db file-server(shut off) ...
keys j j Tab j j j
check "file-server is selected" shows "VM" "file-server"
check "file-server is shut off" wait_for ". file-server     shut off"

keys s
check "s starts it: the list shows it running" \
    wait_for "> file-server     running"
check "the status line reports the result" \
    wait_for "VM 'file-server' on host 'busan-kvm01': start done."
check "the events pane has the result" wait_for "ok     file-server"

keys S
check "S asks first, naming the VM" \
    wait_for "Shut down 'file-server'? The guest is asked to stop."
keys Escape
check "Esc cancels the question" wait_gone "Shut down 'file-server'?"
check "and the VM still runs" wait_for "> file-server     running"
keys S n
check "n answers no" wait_for "> file-server     running"
keys S y
check "y shuts it down: the list shows it shut off" \
    wait_for ". file-server     shut off"
check "the events pane has the shutdown" \
    wait_for "VM 'file-server' on host 'busan-kvm01': shutdown done."

# a marked set: mark two running VMs and pause them together
keys Home Space Space
check "Space marks and moves down" wait_for "2 marked"
keys p
check "p pauses the marked VMs" wait_for " | dns-01"
check "both of them" wait_for "| erp-app"
check "the marks are cleared after the action" wait_gone "2 marked"
keys Home Space Space r
check "r resumes the marked VMs" wait_for "> erp-app "
check "dns-01 runs again" wait_for "> dns-01 "

# power off asks and names every marked VM
keys Home Space Space P
check "power off names the marked VMs" \
    wait_for "Power off 'dns-01', 'erp-app' now?"
keys Escape
check "Esc keeps them running" wait_for "> erp-app "
keys Escape
check "Esc in the list clears the marks" wait_gone "2 marked"

# an operation that fails says why
keys Home s
check "starting a running VM fails with the host's reason" \
    wait_for "Error: Could not start VM 'dns-01'"
check "the failure is in the events pane" wait_for "failed dns-01"
check "the screen keeps updating: header counts VMs" wait_for "VMs 18/30 running"

quit_and_check
finish
