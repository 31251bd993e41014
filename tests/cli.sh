#!/bin/sh
# cli.sh: the scripting CLI end to end: --dump of the demo, inventory
# commands with good and hostile input, VM operations, exit codes, bad
# configuration, corrupt and read-only databases, two processes writing
# one database.
. "$(dirname "$0")/lib.sh"

run "$VD" --version
is "$rc" 0 "--version exits 0"
like "$out" '^virtdeck [0-9]' "--version prints the version"
run "$VD" --help
like "$out" 'host add NAME URI --cluster' "--help lists the commands"
run "$VD" --bogus
is "$rc" 2 "unknown option exits 2"
like "$err" "unknown option '--bogus'" "and names it"
run "$VD" frobnicate
is "$rc" 2 "unknown command exits 2"

# --- the demo ---
run "$VD" --demo --dump
is "$rc" 0 "--demo --dump exits 0"
like "$out" '^dc Seoul' "demo has data center Seoul"
like "$out" '^dc Busan' "demo has data center Busan"
is "$(printf '%s\n' "$out" | grep -c '^    host ')" 6 "demo has 6 hosts"
is "$(printf '%s\n' "$out" | grep -c '^  cluster ')" 3 "demo has 3 clusters"
like "$out" 'host seoul-kvm01 +Up ' "demo hosts are Up"
like "$out" "vm 웹서버-01 +running" "Korean VM name shown with its state"
like "$out" "vm a'<b>& +running" "hostile VM name shown as is"
like "$out" 'storage iso-shared +iso +nfs' "storage domains recorded"
like "$out" 'cpu - ' "unknown numbers shown as '-', not invented"
ok "$( [ ! -e "$XDG_DATA_HOME/virtdeck/virtdeck.db" ]; echo $?)" \
    "the demo writes no database"
run "$VD" --demo --dump --json
is "$rc" 0 "--dump --json exits 0"
if command -v python3 >/dev/null 2>&1; then
    printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
hosts = [h for dc in d["datacenters"] for c in dc["clusters"] for h in c["hosts"]]
vms = [v for h in hosts for v in h["vms"]]
assert d["demo"] is True
assert len(hosts) == 6, len(hosts)
assert all(h["state"] == "Up" for h in hosts)
assert any(v["name"] == "a'"'"'<b>&" for v in vms)
assert all(v["cpu_pct"] is None for v in vms)
' >/dev/null 2>&1
    ok $? "JSON parses: 6 hosts Up, hostile name intact, unknown CPU is null"
else
    like "$out" '"name":"a'"'"'<b>&"' "JSON carries the hostile name"
fi
# plain virtdeck with an empty inventory uses the demo too
run "$VD" --dump
like "$out" '^# demo' "empty inventory: --dump shows the demo"

# --- inventory ---
DB=$T/inv.db
run "$VD" --db "$DB" dc add Lab
is "$rc" 0 "dc add exits 0"
like "$out" "Data center 'Lab' added" "and says so"
ok "$( [ "$(stat -c %a "$DB")" = 600 ]; echo $?)" "database created 0600"
run "$VD" --db "$DB" dc add Lab
is "$rc" 1 "duplicate dc exits 1"
like "$err" "already exists" "and says it exists"
run "$VD" --db "$DB" dc add "a'<b>&"
is "$rc" 1 "hostile dc name refused"
like "$err" "contains" "with what is wrong"
run "$VD" --db "$DB" dc add ../x
is "$rc" 1 "../x refused"
run "$VD" --db "$DB" dc add "$(printf 'x%.0s' $(seq 300))"
is "$rc" 1 "300-character name refused"
like "$err" "300 characters" "with the length"
run "$VD" --db "$DB" dc add "$(printf 'a\033b')"
is "$rc" 1 "control character refused"
like "$err" '\\x1b' "shown escaped, the terminal untouched"
run "$VD" --db "$DB" cluster add c1
is "$rc" 2 "cluster add without --dc is a usage error"
run "$VD" --db "$DB" cluster add c1 --dc Nowhere
is "$rc" 1 "cluster in a missing dc exits 1"
run "$VD" --db "$DB" cluster add c1 --dc Lab
is "$rc" 0 "cluster added"
NODE=$T/node.xml
cp "$VIRTDECK_DATADIR/demo/host1.xml" "$NODE"
# --no-check: the host checks resolve names; tests/preflight.sh runs them
# with a hosts file of its own
run "$VD" --db "$DB" host add kvm1 "test://$NODE" --cluster c1 --no-check
is "$rc" 0 "host with a test:// URI added"
run "$VD" --db "$DB" host add kvm2 "no-scheme" --cluster c1
is "$rc" 1 "a host with a bad URI is refused"
like "$err" "not a libvirt URI" "with the form to use"
run "$VD" --db "$DB" host add dead qemu+tcp://127.0.0.1:1/system --cluster c1 --no-check
is "$rc" 0 "a host on a closed port can be added"
run "$VD" --db "$DB" --dump
is "$rc" 0 "--dump of the new inventory"
like "$out" '^dc Lab' "shows the dc"
like "$out" 'host kvm1 +Up' "the test host is Up"
like "$out" 'vm db-primary +running' "and its VMs"
like "$out" 'host dead +NonResponsive' "the closed port is NonResponsive"
like "$out" 'reason: .*refused' "with the reason"

# --- VM operations (the node file is reloaded by each process) ---
run "$VD" --db "$DB" vm suspend db-primary
is "$rc" 0 "vm suspend exits 0"
like "$out" "db-primary" "and names the VM"
run "$VD" --db "$DB" vm start ci-runner-1
is "$rc" 0 "vm start of a shut-off VM"
run "$VD" --db "$DB" vm resume ci-runner-1
is "$rc" 1 "resuming a running VM fails"
like "$err" "Could not resume VM 'ci-runner-1'" "with libvirt's reason"
run "$VD" --db "$DB" vm start no-such-vm
is "$rc" 1 "unknown VM exits 1"
like "$err" "no VM named 'no-such-vm'" "and says so"
run "$VD" --db "$DB" vm explode db-primary
is "$rc" 2 "unknown operation is a usage error"

# --- audit log ---
run "$VD" --db "$DB" events
is "$rc" 0 "events lists the audit log"
like "$out" "Data center 'Lab' added" "with the changes"
like "$out" "failed .*already exists" "and the refusals"
run "$VD" --db "$DB" events --json --since -1h
like "$out" '"action":"dc-add"' "JSON events"
run "$VD" --db "$DB" events --since yesterday
is "$rc" 2 "a bad --since is a usage error"
# found by tests/fuzz: a huge "ago" overflowed (UBSan) instead of meaning
# "since the beginning"
run "$VD" --db "$DB" events --since -9223372036854775807d
is "$rc" 0 "--since further back than the epoch lists everything"
like "$out" "Data center 'Lab' added" "from the first event"

# --- migration defaults of a cluster ---
run "$VD" --db "$DB" cluster set c1 --bandwidth 100 --auto-converge --timeout 60 \
    --timeout-action suspend
is "$rc" 0 "cluster set stores migration defaults"
like "$out" "bandwidth 100 MiB/s.*auto-converge on.*timeout 60 s.*suspend" \
    "and reads them back"
run "$VD" --db "$DB" cluster set c1 --timeout-action postcopy
is "$rc" 2 "post-copy on timeout without post-copy is refused"
like "$err" "needs post-copy" "saying why"
run "$VD" --db "$DB" cluster set c1 --bandwidth lots
is "$rc" 2 "a bandwidth that is no number is refused"

# --- removal rules ---
run "$VD" --db "$DB" cluster remove c1
is "$rc" 1 "a cluster with hosts is not removed"
run "$VD" --db "$DB" host remove kvm1
is "$rc" 1 "a host running VMs is not removed"
like "$err" "still runs" "with the reason"
run "$VD" --db "$DB" host remove dead
is "$rc" 0 "an empty host is removed"

# --- configuration errors ---
printf 'refresh_interval = ;\n' > "$T/bad.conf"
cp "$DB" "$T/before.db"
run "$VD" -c "$T/bad.conf" --db "$DB" dc add X
is "$rc" 2 "a configuration syntax error exits 2"
like "$err" "bad.conf:1" "naming file and line"
cmp -s "$DB" "$T/before.db"
ok $? "the database was not touched"
printf 'refresh_interval = "fast";\n' > "$T/bad2.conf"
run "$VD" -c "$T/bad2.conf" --dump
is "$rc" 2 "a type error exits 2"
like "$err" "refresh_interval" "naming the setting"
run "$VD" -c "$T/missing.conf" --dump
is "$rc" 2 "a missing -c file exits 2"

# --- corrupt and read-only databases ---
head -c 8192 /dev/urandom > "$T/corrupt.db"
cp "$T/corrupt.db" "$T/corrupt.orig"
run "$VD" --db "$T/corrupt.db" dc add X
is "$rc" 1 "a corrupt database is refused"
like "$err" "corrupt.db" "naming the file"
cmp -s "$T/corrupt.db" "$T/corrupt.orig"
ok $? "and never overwritten"
run "$VD" --db "$T/corrupt.db" --dump
is "$rc" 1 "--dump refuses it too"
if [ "$(id -u)" -ne 0 ]; then
    chmod 400 "$DB"
    run "$VD" --db "$DB" dc add Y
    is "$rc" 1 "a read-only database file refuses changes"
    chmod 600 "$DB"
fi
run "$VD" --db "$DB" --read-only dc add Y
is "$rc" 1 "--read-only refuses changes"
like "$err" "read-only" "and says why"

# --- two processes writing one database ---
DB2=$T/two.db
"$VD" --db "$DB2" dc add Base >/dev/null
( for i in $(seq 1 25); do "$VD" --db "$DB2" dc add "a$i" >/dev/null || echo fail; done ) > "$T/a.log" &
( for i in $(seq 1 25); do "$VD" --db "$DB2" dc add "b$i" >/dev/null || echo fail; done ) > "$T/b.log" &
wait
is "$(cat "$T/a.log" "$T/b.log" | grep -c fail)" 0 "no write failed"
is "$("$VD" --db "$DB2" --dump | grep -c '^dc ')" 51 "all 51 data centers are there"

# --- two long-running virtdecks and two CLI writers on one database ---
# `virtdeck run` (the engine without a screen) and a console in tmux stay
# open on the file while two shells add data centers and clusters, and the
# console adds data centers through its form: nothing is lost and no
# "database is locked" reaches anyone.
if command -v tmux >/dev/null 2>&1; then
    DB3=$T/long.db
    SOCK=$T/tmux.sock
    "$VD" --db "$DB3" dc add Base >/dev/null
    "$VD" --db "$DB3" cluster add base-c --dc Base >/dev/null
    "$VD" --db "$DB3" host add h1 "test://$VIRTDECK_DATADIR/demo/host1.xml" \
        --cluster base-c >/dev/null
    "$VD" --db "$DB3" run >"$T/run.out" 2>"$T/run.err" &
    runpid=$!
    cat >"$T/tui.sh" <<EOS
#!/bin/sh
exec env TERM=screen-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 HOME="$HOME" \
    XDG_CONFIG_HOME="$XDG_CONFIG_HOME" XDG_DATA_HOME="$XDG_DATA_HOME" \
    XDG_CACHE_HOME="$XDG_CACHE_HOME" VIRTDECK_SYSCONFDIR="$VIRTDECK_SYSCONFDIR" \
    "$VD" --db "$DB3"
EOS
    chmod +x "$T/tui.sh"
    tmux -S "$SOCK" -f /dev/null new-session -d -x 120 -y 40 \
        "$T/tui.sh 2>$T/tui.err; echo virtdeck-exited-\$?; sleep 600"
    tshows() { tmux -S "$SOCK" capture-pane -p | grep -q -- "$1"; }
    twait() {  # twait TEXT: up to 10 s
        n=100
        while [ "$n" -gt 0 ]; do
            tshows "$1" && return 0
            sleep 0.1
            n=$((n - 1))
        done
        return 1
    }
    twait "Hosts 1/1 up"
    ok $? "the console is open on the database, beside virtdeck run"
    ( for i in $(seq 1 20); do
        "$VD" --db "$DB3" dc add "p$i" >/dev/null 2>>"$T/p.err" || echo fail
        "$VD" --db "$DB3" cluster add "pc$i" --dc "p$i" >/dev/null \
            2>>"$T/p.err" || echo fail
      done ) >"$T/p.log" &
    p1=$!
    ( for i in $(seq 1 20); do
        "$VD" --db "$DB3" dc add "q$i" >/dev/null 2>>"$T/q.err" || echo fail
        "$VD" --db "$DB3" cluster add "qc$i" --dc "q$i" >/dev/null \
            2>>"$T/q.err" || echo fail
      done ) >"$T/q.log" &
    p2=$!
    added=0
    for i in $(seq 1 10); do
        tmux -S "$SOCK" send-keys A
        twait "Add a data center" || break
        tmux -S "$SOCK" send-keys -l "ui$i"
        tmux -S "$SOCK" send-keys Enter
        twait "Data center 'ui$i' added." && added=$((added + 1))
    done
    wait "$p1" "$p2"
    is "$added" 10 "the console added 10 data centers through its form"
    is "$(cat "$T/p.log" "$T/q.log" | grep -c fail)" 0 \
        "no CLI write failed"
    tmux -S "$SOCK" capture-pane -p >"$T/tui.screen"
    is "$(cat "$T/p.err" "$T/q.err" "$T/run.err" "$T/run.out" \
        "$T/tui.screen" | grep -ci 'locked')" 0 \
        "nobody was told the database is locked"
    tmux -S "$SOCK" send-keys q
    twait "virtdeck-exited-0"
    ok $? "the console quits cleanly"
    kill -TERM "$runpid"
    wait "$runpid"
    is "$?" 0 "virtdeck run stops cleanly"
    tmux -S "$SOCK" kill-server 2>/dev/null
    run "$VD" --db "$DB3" --dump
    is "$(printf '%s\n' "$out" | grep -c '^dc ')" 51 \
        "all 51 data centers are there (1 + 20 + 20 + 10)"
    is "$(printf '%s\n' "$out" | grep -c '^  cluster ')" 41 \
        "and all 41 clusters"
    like "$(cat "$T/run.out")" "h1" "virtdeck run wrote its events meanwhile"
else
    echo "# tmux is missing: the long-running writers are left out"
fi

done_testing
