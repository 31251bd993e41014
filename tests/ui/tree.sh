#!/bin/sh
# tree.sh: the demo tree, navigation between panes and rows, the filter.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

start 80 24 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts and every demo host connects" wait_ready
check "data center Busan is in the tree" wait_for "Busan"
check "data center Seoul is in the tree" wait_for "Seoul"
check "cluster seoul-prod is in the tree" wait_for "seoul-prod"
check "host seoul-kvm01 is in the tree" wait_for "seoul-kvm01"
check "storage domains are under their data center" wait_for "# busan-data"
check "the header counts data centers" wait_for "Data centers 2"
check "the function bar comes from the action table" wait_for "F10Quit"

# Busan is selected: its hosts are listed
check "a data center lists its hosts" wait_for "Hosts of Busan (2)"
# down to the cluster, then the first host, and open it
keys j j
check "selecting a host lists its VMs" wait_for "VMs of busan-kvm01 (6)"
check "the detail pane shows the host" wait_for "URI"
keys Enter
check "Enter opens the host in the tree" wait_for "    > dns-01"
keys l
check "l goes to the first VM" shows "VM" "dns-01"
keys h
check "h goes back to the host" shows "Host" "busan-kvm01"
keys h
check "h on an open host closes it" wait_gone "    > dns-01"
# Tab to the list, move, the detail follows
keys Tab j j
check "Tab moves to the list and the detail follows its selection" \
    shows "VM" "erp-db"
keys End
check "End selects the last row" shows "VM" "창고-관리"
keys Home
check "Home selects the first row" shows "VM" "dns-01"
# sort by the next column (State)
keys o
check "o sorts by the next column" wait_for "State^"
keys O
check "O reverses the sort" wait_for "Statev"

# the filter follows the typing; Esc cancels it
keys /
check "/ opens the filter" wait_for "Type part of a name"
type_text "erp"
check "the filter applies as it is typed" wait_for "VMs of busan-kvm01 (2)  filter: erp"
check "rows that do not match are gone" wait_gone "dns-01"
keys Escape
check "Esc in the filter cancels it" wait_for "VMs of busan-kvm01 (6)"
keys / ; type_text "zzz-none" ; keys Enter
check "a filter that matches nothing says so" wait_for "Nothing matches the filter"
keys Escape
check "Esc clears the filter kept with Enter" wait_for "VMs of busan-kvm01 (6)"

# Korean names scroll like any other
keys Tab Tab Tab
check "Tab cycles back to the tree" shows "Host" "busan-kvm01"
keys BTab
check "Shift-Tab goes back one pane" wait_for "Events (6)"
keys :
type_text "foc"
keys Tab
check ": completes action names with Tab" wait_for ":focus-"
keys C-u
type_text "nosuch"
keys Enter
check "an unknown action name is refused with a message" \
    wait_for "There is no action 'nosuch'"
keys Escape
keys z
check "an unbound key says so in the status line" \
    wait_for "z does nothing here"

quit_and_check
finish
