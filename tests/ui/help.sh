#!/bin/sh
# help.sh: the help screen lists every action of the action table, with
# its keys; the quit question appears while tasks run.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

actions=$(sed -n 's/^ *\[ACT_[A-Z_]*\] = { "\([a-z-]*\)".*/\1/p' \
    "$top_srcdir/ui/actions.c" | grep -v '^none$')
[ -n "$actions" ] || skip_all "no action names found in ui/actions.c"

start 80 24 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts" wait_ready
keys '?'
check "? opens the help" wait_for "Keys and actions"

# page through, keeping every page
: > "$TMPD/help.txt"
pages=0
while [ $pages -lt 30 ]; do
    screen >> "$TMPD/help.txt"
    seen "NO_COLOR in the environment" && break
    keys PgDn
    sleep 0.2
    pages=$((pages + 1))
done
screen >> "$TMPD/help.txt"

for a in $actions; do
    if grep -qE "(^| )$a( |\$)" "$TMPD/help.txt"; then
        ok "help lists $a"
    else
        not_ok "help lists $a"
    fi
done
check "help shows the default keys (vm-start: s, F5)" \
    grep -qE "s, F5 +vm-start" "$TMPD/help.txt"
check "help explains the state symbols" grep -q "VM shut off" "$TMPD/help.txt"
check "help lists the colour elements" grep -q "state-down" "$TMPD/help.txt"
keys Escape
check "Esc closes the help" wait_gone "Keys and actions"
check "the panes are back" wait_for "Inventory"

# F1 opens it too, q closes it without quitting
keys F1
check "F1 opens the help" wait_for "Keys and actions"
keys q
check "q in the help closes the help only" wait_for "Inventory"

quit_and_check
finish
