#!/bin/sh
# forms.sh: the inventory forms answer bad input with a clear message and
# keep the screen alive; a host on a closed port becomes NonResponsive with
# its reason; removing a host that runs VMs is refused with the reason.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

start 80 24 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts" wait_ready

# a data center with bad names
keys A
check "A opens the data center form" wait_for "Add a data center"
keys Enter
check "an empty name is refused" \
    wait_for "The data center name is empty: type a name."
type_text "a'<b>&"
keys Enter
check "a name with quotes and markup is refused, quoted back" \
    wait_for "The data center name 'a'<b>&' contains '''"
keys C-u
type_text "$(printf 'n%.0s' $(seq 300))"
keys Tab
check "a 300-character name is refused when leaving the field" \
    wait_for "The data center name is 300 characters long: use at most 64."
keys Escape
check "Esc cancels the form" wait_gone "Add a data center"
check "and the screen is alive" wait_for "Inventory"

# a good one, then a duplicate
keys A
type_text "부산2"
keys Enter
check "a data center with a Hangul name is added" \
    wait_for "Data center '부산2' added."
check "it is in the tree" wait_for "부산2"
keys A
type_text "부산2"
keys Enter
check "a duplicate name is refused by the engine, in the form" \
    wait_for "already"
keys Escape

# a cluster needs an existing data center
keys a
check "a on a data center opens the cluster form" wait_for "Add a cluster"
type_text "c1"
keys Tab C-u
type_text "Nowhere"
keys Enter
check "an unknown data center is refused, naming the choices" \
    wait_for "There is no data center named 'Nowhere'"
keys Escape

# a host on a closed port: Connecting, then NonResponsive with the reason
keys g j
check "the cluster busan-prod is selected" wait_for "Hosts of busan-prod"
keys a
check "a on a cluster opens the host form" wait_for "Add a host"
type_text "lost-host"
keys Tab
keys Enter
check "an empty URI is refused" wait_for "The libvirt URI is empty"
type_text "not a uri"
keys Enter
check "a URI with spaces is refused" wait_for "space or control character"
keys C-u
type_text "qemu+tcp://127.0.0.1:1/system"
keys Enter
check "the new host's checks open after the form" \
    wait_for "Host check: lost-host"
check "they say libvirt is unreachable" wait_for "Connection refused" 20
keys Escape
check "Esc closes them" wait_gone "Host check: lost-host"
check "the host is added" \
    wait_for "Host 'lost-host' (qemu+tcp://127.0.0.1:1/system) added"
check "and becomes NonResponsive with the reason" \
    wait_for "NonResponsive" 30
check "the reason says the connection was refused" wait_for "refused"
check "the events pane has it" wait_for "failed lost-host"

# removing a host that runs VMs is refused with the reason
keys G
shows "Data center" "부산2"
check "host seoul-kvm02 is selected" walk_detail k "Host" "seoul-kvm02"
keys F8
check "F8 asks before removing the host, naming it" \
    wait_for "Remove host 'seoul-kvm02' from the inventory?"
keys y
check "removing a host that runs VMs is refused with the reason" \
    wait_for "Error: Host 'seoul-kvm02' still runs 5 VMs"
check "the host is still there" wait_for "seoul-kvm02"

# the lost host runs nothing: it can be removed, by name from ':'
keys g
shows "Data center" "Busan"
check "host lost-host is selected" walk_detail j "Host" "lost-host"
keys :
type_text "host-remove"
keys Enter
check ":host-remove asks, naming the host" \
    wait_for "Remove host 'lost-host' from the inventory?"
keys y
check "the host is removed" wait_for "Host 'lost-host' removed."
check "and is gone from the tree" wait_gone "! lost-host"

quit_and_check
finish
