#!/bin/sh
# resize.sh: the console follows the terminal size live, from 80x24 up to
# 200x60 and back, and keeps a modal on screen across a resize.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

start 80 24 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts at 80x24" wait_ready
check "80x24: the function bar fits" wait_for "F10Quit"
check "80x24: the events pane is there" wait_for "Events ("

keys j j
check "a host's VMs are listed" wait_for "VMs of busan-kvm01 (6)"
resize 200 60
check "200x60: more columns appear (Uptime)" wait_for "Uptime"
check "200x60: the Host column appears" wait_for "Host          vCPU"
check "200x60: the demo notice fits in the header" \
    wait_for "demo: nothing is saved"
check "200x60: the function bar is still on the last row" \
    sh -c "tmux -S '$SOCK' capture-pane -p | sed -n 60p | grep -q F10Quit"
check "200x60: the detail pane shows the host's cluster" \
    shows "Cluster" "busan-prod"

keys A
check "a form opens at 200x60" wait_for "Add a data center"
type_text "resized"
resize 80 24
check "80x24 again: the form is still there" wait_for "Add a data center"
check "and keeps what was typed" wait_for "resized"
check "80x24: the Uptime column is dropped" wait_gone "Uptime"
keys Escape
check "Esc closes the form" wait_gone "Add a data center"
check "80x24: the function bar is on row 24" \
    sh -c "tmux -S '$SOCK' capture-pane -p | sed -n 24p | grep -q F10Quit"
resize 40 10
check "a terminal that is too small says so" wait_for "too small"
resize 80 24
check "and the console comes back" wait_for "F10Quit"

quit_and_check
finish
