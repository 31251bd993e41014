#!/bin/sh
# cli-readonly.sh: the command line of an observer, and the audit log.
#
# The commands come from the command line's own table (tests/test-readonly
# --list-cli), which is also checked against --help: every command that
# changes something is refused with --read-only (exit 1, a "read-only:"
# message, nothing printed on stdout) and leaves the database as it was
# (its bytes, --dump --json, the audit log); every command that only looks
# still runs.  A command of the table with no sample below fails the test:
# add one when adding a command.  Then, without --read-only, changes are
# in `virtdeck events` with the unix user and SSH address, and --since and
# --json select and shape them.
. "$(dirname "$0")/lib.sh"

LIST=$top_builddir/tests/test-readonly
"$LIST" --list-cli > "$T/commands"
ok $? "the command table is listed"
[ -s "$T/commands" ]
ok $? "and has commands"

# every command in --help is in the table, and the reverse
run "$VD" --help
help=$(printf '%s\n' "$out" | sed -n '/^Commands:/,/^Options:/p')
missing=0
while read -r kind verb kindof; do
    if [ "$verb" = - ]; then
        pat="(^  |\\| )$kind( |\$)"
    else
        pat="(^  |\\| )$kind ([a-z-]+\\|)*$verb(\\|[a-z-]+)*( |\$)"
    fi
    if ! printf '%s\n' "$help" | grep -Eq -- "$pat"; then
        echo "# --help does not show '$kind $verb'"
        missing=1
    fi
done < "$T/commands"
is "$missing" 0 "--help shows every command of the table"
extra=0
for kind in $(cut -d' ' -f1 "$T/commands" | sort -u); do
    for verbs in $(printf '%s\n' "$help" |
                   sed -n -e "s/^  $kind \\([a-z|-]*\\).*/\\1/p" \
                       -e "s/.*| $kind \\([a-z|-]*\\).*/\\1/p"); do
        for verb in $(echo "$verbs" | tr '|' ' '); do
            grep -q "^$kind $verb " "$T/commands" || {
                echo "# --help shows '$kind $verb', the table has no such command"
                extra=1
            }
        done
    done
done
is "$extra" 0 "the table has every command --help shows"

# an inventory on libvirt's test driver
DB=$T/inv.db
NODE=$VIRTDECK_DATADIR/demo/host1.xml
"$VD" --db "$DB" dc add Lab >/dev/null &&
"$VD" --db "$DB" cluster add lab-1 --dc Lab >/dev/null &&
"$VD" --db "$DB" host add kvm1 "test://$NODE" --cluster lab-1 >/dev/null
ok $? "an inventory with a test-driver host"
echo "not an ISO" > "$T/x.iso"

# sample words for each command ("KIND VERB" first)
sample() {
    case "$1 $2" in
    "dc add") echo "dc add Lab2" ;;
    "dc remove") echo "dc remove Lab" ;;
    "cluster add") echo "cluster add c2 --dc Lab" ;;
    "cluster remove") echo "cluster remove lab-1" ;;
    "cluster set") echo "cluster set lab-1 --bandwidth 10" ;;
    "host add") echo "host add kvm9 test:///default --cluster lab-1" ;;
    "host remove") echo "host remove kvm1" ;;
    "host spm-priority") echo "host spm-priority kvm1 3" ;;
    "host maintenance") echo "host maintenance kvm1" ;;
    "host activate") echo "host activate kvm1" ;;
    "host confirm-rebooted") echo "host confirm-rebooted kvm1" ;;
    # (a host not in the inventory: the checks would resolve names)
    "host check") echo "host check no-such-host" ;;
    "vm start") echo "vm start ci-runner-1" ;;
    "vm shutdown"|"vm destroy"|"vm reboot"|"vm suspend")
        echo "vm $2 db-primary" ;;
    "vm resume") echo "vm resume 회계-앱" ;;
    "vm create") echo "vm create new-1 --cluster lab-1 --memory 64" ;;
    "vm edit") echo "vm edit ci-runner-1 --vcpus 1" ;;
    "vm delete") echo "vm delete ci-runner-1 --delete-disks" ;;
    "vm console") echo "vm console db-primary" ;;
    "vm migrate") echo "vm migrate db-primary" ;;
    "storage add") echo "storage add isos --role iso --nfs 127.0.0.1:/isos" ;;
    "storage attach"|"storage detach"|"storage activate"|"storage maintenance")
        echo "storage $2 isos --dc Lab" ;;
    "storage remove") echo "storage remove isos" ;;
    "storage discover") echo "storage discover 127.0.0.1:9" ;;
    "storage luns") echo "storage luns 127.0.0.1:9 --target iqn.2000-01.test:x" ;;
    "iso upload") echo "iso upload --domain isos $T/x.iso" ;;
    "iso list") echo "iso list isos" ;;
    "events -") echo "events --json" ;;
    "tasks -") echo "tasks --json" ;;
    "run -") echo "run" ;;
    *) return 1 ;;
    esac
}

# (SQLite makes its -wal and -shm files on any open: after the reads)
state() {
    sha256sum "$DB" | cut -d' ' -f1
    "$VD" --db "$DB" --read-only --dump --json
    "$VD" --db "$DB" events --json
    ls "$DB"* | sed "s|$T||"
}
state > "$T/before"

nochange=0 nread=0 bad=0
while read -r kind verb kindof; do
    words=$(sample "$kind" "$verb") || {
        ok 1 "a sample for '$kind $verb' (add one to sample())"
        continue
    }
    if [ "$kindof" = change ]; then
        # shellcheck disable=SC2086
        run timeout 20 "$VD" --db "$DB" --read-only $words </dev/null
        if [ "$rc" = 1 ] && [ -z "$out" ] &&
           printf '%s\n' "$err" | grep -q "read-only: '$kind $verb'"; then
            nochange=$((nochange + 1))
        else
            bad=1
            echo "# --read-only $words: exit $rc, out '$out', err '$err'"
        fi
    elif [ "$kind" = run ]; then
        # the engine without a screen watches, read-only; SIGTERM ends it
        timeout -s TERM 3 "$VD" --db "$DB" --read-only run \
            >"$T/run.out" 2>"$T/run.err"
        rc=$?
        if grep -q "Read-only: this virtdeck observes only" "$T/run.out" &&
           grep -q "Host 'kvm1' is connected" "$T/run.out"; then
            nread=$((nread + 1))
        else
            bad=1
            echo "# --read-only run: exit $rc"
            sed 's/^/#   /' "$T/run.out" "$T/run.err"
        fi
    else
        # shellcheck disable=SC2086
        run timeout 20 "$VD" --db "$DB" --read-only $words </dev/null
        if printf '%s\n' "$err" | grep -q "read-only"; then
            bad=1
            echo "# --read-only $words was refused: $err"
        else
            nread=$((nread + 1))
        fi
    fi
done < "$T/commands"
nchange=$(grep -c ' change$' "$T/commands")
is "$nochange" "$nchange" "with --read-only, all $nchange changing commands are refused"
is "$nread" "$(grep -c ' read$' "$T/commands")" "and the commands that look still run"
is "$bad" 0 "none misbehaves"
state > "$T/after"
if cmp -s "$T/before" "$T/after"; then
    ok 0 "the database is unchanged: bytes, --dump --json and the audit log"
else
    ok 1 "the database is unchanged: bytes, --dump --json and the audit log"
    diff "$T/before" "$T/after" | head -20 | sed 's/^/#   /'
fi
run "$VD" --db "$DB" --read-only --dump
is "$rc" 0 "--dump runs read-only"
like "$out" "kvm1" "and shows the inventory"

# --- the audit log: who did what ---
before=$(date +%s)
sleep 1
export SSH_CONNECTION="192.0.2.9 40000 192.0.2.1 22"
run "$VD" --db "$DB" dc add Lab2
is "$rc" 0 "a change over SSH"
run "$VD" --db "$DB" host spm-priority kvm1 7
is "$rc" 0 "another"
run "$VD" --db "$DB" vm suspend db-primary
is "$rc" 0 "a VM operation"
run "$VD" --db "$DB" dc remove Lab
is "$rc" 1 "a refusal"
unset SSH_CONNECTION
export SSH_CLIENT="192.0.2.10 40001 22"
run "$VD" --db "$DB" cluster add c2 --dc Lab2
is "$rc" 0 "a change with only SSH_CLIENT"
unset SSH_CLIENT
me=$(id -un)
run "$VD" --db "$DB" events --json --since "$before"
is "$rc" 0 "events --json --since"
like "$out" "\"user\":\"$me(\\([^)]*\\))?@192\\.0\\.2\\.9\",\"object\":\"Lab2\",\"action\":\"dc-add\",\"result\":\"ok\"" \
    "dc add: user, SSH address, object, action, result"
like "$out" "\"user\":\"$me(\\([^)]*\\))?@192\\.0\\.2\\.9\",\"object\":\"kvm1\",\"action\":\"host-spm-priority\",\"result\":\"ok\"" \
    "host spm-priority"
like "$out" "\"user\":\"$me(\\([^)]*\\))?@192\\.0\\.2\\.9\",\"object\":\"db-primary\",\"action\":\"suspend\",\"result\":\"ok\"" \
    "vm suspend"
like "$out" "\"user\":\"$me(\\([^)]*\\))?@192\\.0\\.2\\.9\",\"object\":\"Lab\",\"action\":\"dc-remove\",\"result\":\"failed\"" \
    "the refused dc remove"
like "$out" "\"user\":\"$me(\\([^)]*\\))?@192\\.0\\.2\\.10\",\"object\":\"c2\",\"action\":\"cluster-add\"" \
    "SSH_CLIENT when there is no SSH_CONNECTION"
printf '%s\n' "$out" | grep -q '"object":"kvm1","action":"host-add"'
ok $((1 - $?)) "--since leaves out what came before"
printf '%s\n' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if len(d) >= 5 and all(set(e) == {"id","time","user","object","action","result","message"} for e in d) else 1)' 2>/dev/null
ok $? "--json is a JSON array of entries with every field"
run "$VD" --db "$DB" events --since "$(( $(date +%s) + 3600 ))" --json
is "$out" "[]" "--since in the future lists nothing"
run "$VD" --db "$DB" events --since -1h
like "$out" "ok +$me(\\([^)]*\\))?@192\\.0\\.2\\.9 +Data center 'Lab2' added" \
    "the text listing shows the user"
done_testing
