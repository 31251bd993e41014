#!/bin/sh
# storage.sh: storage domains in data centers on the demo.  The detail
# pane shows a domain's role, backend, address, path and attachments;
# maintenance of Busan's only data domain asks, saying the data center
# becomes Uninitialized, and it does; detach asks and the domain then
# shows as attached nowhere; attach is a form that checks the data center
# and brings Busan back Up; an active or attached domain is not detached
# or removed; an export domain says it is deprecated.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

start 100 40 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts" wait_ready
check "Busan is Up" shows "Status" "Up"
keys j j j j
check "busan-data is selected" shows "Storage" "busan-data"
check "its role" shows "Role" "data"
check "its backend" shows "Type" "NFS"
check "its address" shows "Address" "127.0.0.1"
check "its path" shows "Path" "/exports/busan-data"
check "its data center and state" shows "Data center" "Busan: active"
check "its space, unknown before a check" shows "Space" "- \\(not checked"
check "the list shows every domain with its data center and state" \
    wait_re "busan-data +Busan +active +data +nfs"
check "an ISO domain has a row per data center" \
    wait_re "iso-shared +Seoul +active +ISO"

keys X
check "detach of an active domain is refused, without a question" \
    wait_for "is active in data center 'Busan': put it in maintenance first."
keys F8
check "remove of an attached domain is refused" \
    wait_for "'busan-data' is attached to data center 'Busan': put it in"

keys M
check "M asks first: Busan would become Uninitialized" \
    wait_for "It is the last active data domain there: the data center"
keys n
check "n leaves it active" shows "Data center" "Busan: active"
keys M y
check "y puts it in maintenance" shows "Data center" "Busan: maintenance"
check "the tree marks it" wait_for "    m busan-data"
check "the events pane says Busan is Uninitialized" \
    wait_for "Data center 'Busan' is Uninitialized"
keys g
check "Busan's detail says Uninitialized" shows "Status" "Uninitialized"
check "with no SPM" shows "SPM" "-"
check "Busan's tree row says u" wait_for "▾ u Busan"
check "its storage lines show the domain in maintenance" \
    wait_re "busan-data +data +maintenance"

keys j j j j V
check "V activates it" shows "Data center" "Busan: active"
keys g
check "Busan is Up again" shows "Status" "Up"

keys j j j j M y
check "in maintenance again" shows "Data center" "Busan: maintenance"
keys X
check "X asks before detaching, naming the domain and the data center" \
    wait_for "Detach storage domain 'busan-data' from data center 'Busan'?"
keys y
check "detached: attached nowhere" shows "Data center" "attached nowhere"
check "the tree shows it at the end, attached nowhere" \
    wait_for "  - busan-data"
check "the list says unattached" wait_re "busan-data +- +unattached"

keys T
check "T opens the attach form, naming the domain" \
    wait_for "Attach storage domain 'busan-data'"
check "it lists the data centers" \
    wait_for "Type the data center to attach it to: Busan, Seoul."
keys C-u
type_text "Nowhere"
keys Enter
check "an unknown data center is refused in the form" \
    wait_for "There is no data center named 'Nowhere'"
keys C-u
type_text "Busan"
keys Enter
check "attached to Busan and active" \
    wait_for "Storage domain 'busan-data' attached to data center 'Busan' and"
check "back under Busan in the tree" wait_for "    # busan-data"
check "the detail follows" shows "Data center" "Busan: active"
keys g
check "and Busan is Up" shows "Status" "Up"

# an ISO domain attached to both data centers
keys j j j j j j
check "iso-shared under Busan is selected" shows "Storage" "iso-shared"
check "it is in both data centers" wait_for "Seoul: active"
keys T
check "attach says it is everywhere already" \
    wait_for "Storage domain 'iso-shared' is attached to every data center"
keys Escape

# the export domain: deprecated; maintenance, detach, remove
keys k
check "busan-export is selected" shows "Storage" "busan-export"
check "it is marked deprecated" \
    shows "Role" "export \\(deprecated: import only\\)"
keys M y
check "in maintenance" shows "Data center" "Busan: maintenance"
keys X y
check "detached" shows "Data center" "attached nowhere"
keys F8
check "F8 asks before removing it" \
    wait_for "Remove storage domain 'busan-export' from the inventory?"
keys y
check "removed" wait_for "Storage domain 'busan-export' removed"
check "gone from the tree" wait_gone "- busan-export"

keys g :
type_text "storage-detach"
keys Enter
check "storage actions need a storage domain" \
    wait_for "Select a storage domain first"

quit_and_check
finish
