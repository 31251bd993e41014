#!/bin/sh
# readonly.sh: the console of an observer (--read-only).  Every action the
# action table marks as a change (tests/test-actions --list) is tried, by
# its keys and by name on the `:` line, on a VM, a host and a cluster: each
# says "read-only: 'NAME'" in the status line, opens nothing, and nothing
# changes: not the screen (the VMs' states on the test-driver hosts, the
# inventory, the events), not the database (its bytes, --dump --json and
# the audit log).  The function bar, the help screen and `:` completion
# offer none of them, and the header says READ-ONLY.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"

LIST=$top_builddir/tests/test-actions
[ -x "$LIST" ] || skip_all "no tests/test-actions (make check builds it)"
"$LIST" --list > "$TMPD/actions" || skip_all "tests/test-actions --list failed"
grep -q ' change ' "$TMPD/actions" || skip_all "the action table lists no change"

# an inventory of two test-driver hosts in a database of our own
DB=$TMPD/inv.db
vd() {
    env HOME="$TMPD/home" XDG_CONFIG_HOME="$TMPD/config" \
        XDG_DATA_HOME="$TMPD/data" XDG_CACHE_HOME="$TMPD/cache" \
        VIRTDECK_SYSCONFDIR="$TMPD/etc" LC_ALL=C.UTF-8 \
        "$VIRTDECK" --db "$DB" "$@"
}
vd dc add Lab >/dev/null &&
vd cluster add lab-1 --dc Lab >/dev/null &&
vd host add kvm1 "test://$VIRTDECK_DATADIR/demo/host1.xml" --cluster lab-1 \
    >/dev/null &&
vd host add kvm2 "test://$VIRTDECK_DATADIR/demo/host2.xml" --cluster lab-1 \
    >/dev/null || skip_all "cannot make the inventory"

db_state() {
    sha256sum "$DB" | cut -d' ' -f1
    vd --read-only --dump --json | sed 's/"cpu_pct":[^,]*,//g'
    vd events --json | wc -l
}
db_state > "$TMPD/db.before"

UI_DEMO= start 120 40 C.UTF-8 --db "$DB" --read-only || skip_all "cannot start tmux"
check "the console starts on the database" wait_for "Hosts 2/2" 15
check "the header says READ-ONLY" wait_for " virtdeck READ-ONLY "
check "the events say the console observes only" \
    wait_for "Read-only: this virtdeck observes only"

# the function bar offers only what looks
bar=$(screen | tail -1)
check "the function bar offers help, the command line and quit" \
    sh -c 'echo "$1" | grep -q "F1Help" && echo "$1" | grep -q "F10Quit"' _ "$bar"
hidden=0
for label in Start Stop Edit Add Delete; do
    echo "$bar" | grep -q "F[0-9]*$label" && hidden=1
done
check "and none of Start, Stop, Edit, Add, Delete" [ $hidden -eq 0 ]

# tmux key names for the table's (no changing action has these today)
tmux_key() {
    case $1 in
    PgUp) echo PPage ;; PgDn) echo NPage ;;
    *) echo "$1" ;;
    esac
}

# the screen without the status line and function bar
view() {
    screen | head -n -2 | sed 's/ *$//'
}

# sweep WHERE [by-name]: every changing action, by each of its keys and,
# with by-name, by its name on the `:` line
sweep() {
    where=$1 by_name=${2:-}
    before=$(view)
    tried=0 refused=0
    while read -r name kind keylist; do
        [ "$kind" = change ] || continue
        if [ "$keylist" != - ]; then
            for k in $(echo "$keylist" | tr ',' ' '); do
                tried=$((tried + 1))
                keys "$(tmux_key "$k")"
                if wait_for "read-only: '$name' changes things" 5 \
                        >/dev/null 2>&1; then
                    refused=$((refused + 1))
                else
                    echo "# $where: key $k ($name) was not refused" >&2
                    screen | sed 's/^/#   /' >&2
                fi
                # answer yes to anything that opened anyway, then cancel
                keys y Escape
            done
        fi
        [ -n "$by_name" ] || continue
        tried=$((tried + 1))
        keys :
        type_text "$name"
        keys Enter
        if wait_for "read-only: '$name' changes things" 5 >/dev/null 2>&1
        then
            refused=$((refused + 1))
        else
            echo "# $where: ':$name' was not refused" >&2
            screen | sed 's/^/#   /' >&2
        fi
        keys y Escape
    done < "$TMPD/actions"
    check "$where: every changing action ($tried tries) is refused" \
        [ "$refused" -eq "$tried" ]
    # let anything that slipped through reach the screen
    keys C-l
    sleep 1
    after=$(view)
    if [ "$before" = "$after" ]; then
        ok "$where: nothing changed on the screen"
    else
        not_ok "$where: nothing changed on the screen"
        echo "$before" > "$TMPD/view.before"
        echo "$after" > "$TMPD/view.after"
        diff "$TMPD/view.before" "$TMPD/view.after" | sed 's/^/# /'
    fi
}

# on a host, a running VM and the cluster, in the tree
keys Right
check "a host is selected" walk_detail j Host kvm1
sweep "on a host" by-name
keys Right
check "a running VM is selected" walk_detail j VM db-primary
sweep "on a running VM"
check "the cluster is selected" walk k "of lab-1"
sweep "on the cluster"

# completion and help offer none of them
keys :
type_text "vm-"
keys Tab
check ": completion offers no vm- action" \
    wait_for "No action starts with that"
keys Escape
keys F1
check "the help says so" wait_for "Read-only (--read-only): this console"
helptext=
for i in 1 2 3 4 5 6; do
    helptext="$helptext
$(screen)"
    keys PPage NPage NPage
done
keys Escape
found=0
while read -r name kind keylist; do
    [ "$kind" = change ] || continue
    if echo "$helptext" | grep -qE " $name +[A-Z]"; then
        echo "# the help lists $name" >&2
        found=1
    fi
done < "$TMPD/actions"
check "the help lists no changing action" [ $found -eq 0 ]
check "and lists the ones that look" sh -c 'echo "$1" | grep -q " sort-reverse "' _ "$helptext"

quit_and_check
db_state > "$TMPD/db.after"
if cmp -s "$TMPD/db.before" "$TMPD/db.after"; then
    ok "the database is unchanged: bytes, --dump --json and the audit log"
else
    not_ok "the database is unchanged: bytes, --dump --json and the audit log"
    diff "$TMPD/db.before" "$TMPD/db.after" | sed 's/^/# /'
fi
finish
