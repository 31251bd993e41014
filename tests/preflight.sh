#!/bin/sh
# preflight.sh: `virtdeck host add` and `host check` against hosts whose
# name resolution this test controls: every virtdeck runs inside
# `unshare --mount --uts` with a private hosts file bound over /etc/hosts
# and an nsswitch.conf saying `hosts: files` over /etc/nsswitch.conf, so
# no name ever goes to DNS, and with its own host name (what libvirt's
# test driver reports as the host's).  Only 127.0.0.71-79 are probed.
# Cases: a host that passes (and its web console answering), a name
# whose address resolves back to another name, an unresolvable name, an
# IP-literal URI, a filtered migration port (a listener whose accept queue
# is full drops new connections as a firewall would), libvirt
# unreachable, TCG only (libvirt's embedded QEMU driver), --json, and
# host add showing the checks while still adding the host.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "1..0 # SKIP needs root for unshare --mount --uts"
    exit 0
fi
if ! unshare --mount --uts true 2>/dev/null; then
    echo "1..0 # SKIP this machine refuses mount and UTS namespaces"
    exit 0
fi
PY=$(command -v python3 || true)

cat >"$T/hosts" <<'HOSTS'
127.0.0.1 localhost
127.0.0.71 node1.pf.test node1
127.0.0.72 other.pf.test a.pf.test
127.0.0.73 node3.pf.test
127.0.0.74 node4.pf.test
HOSTS
printf 'hosts: files\n' >"$T/nsswitch.conf"
printf 'connect_timeout = 30.0;\n' >"$T/vd.conf"
DB=$T/pf.db
NODE=$VIRTDECK_DATADIR/demo/host1.xml

# in_ns HOSTNAME CMD...: CMD with the test's hosts file, nsswitch.conf and
# host name
in_ns() {
    unshare --mount --uts --propagation private sh -c '
        mount --bind "$1/hosts" /etc/hosts &&
        mount --bind "$1/nsswitch.conf" /etc/nsswitch.conf &&
        hostname "$2" && shift 2 && exec "$@"' sh "$T" "$@"
}
VDN() {
    name=$1
    shift
    in_ns "$name" "$VD" -c "$T/vd.conf" --db "$DB" "$@"
}

pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT

# listen ADDR PORT BACKLOG FILL: a listener that never accepts; FILL
# connections are made first so that with backlog 0 its queue is full and
# the kernel drops further SYNs (what a filtering firewall looks like).
listen() {
    "$PY" -c '
import socket, sys, time
addr, port, backlog, fill = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(backlog)
held = []
for i in range(fill):
    c = socket.socket()
    c.settimeout(0.5)
    try:
        c.connect((addr, port))
    except OSError:
        pass
    held.append(c)
print("ready", flush=True)
time.sleep(120)
' "$@" >"$T/listen.$1.$2" 2>&1 &
    pids="$pids $!"
    n=0
    while [ "$n" -lt 100 ] && ! grep -q ready "$T/listen.$1.$2"; do
        sleep 0.05
        n=$((n + 1))
    done
}

# the check's line of the text output, as "[state] summary": check_line TITLE
check_line() {
    printf '%s\n' "$out" | grep "^\[[a-z]*\] $1:" |
        sed "s/^\(\[[a-z]*\]\) $1: /\1 /"
}

"$VD" --db "$DB" dc add pf >/dev/null
"$VD" --db "$DB" cluster add pf-c --dc pf >/dev/null

# --- a host that passes; its web console answers ---
if [ -n "$PY" ]; then
    listen 127.0.0.71 9090 16 0
fi
run VDN node1.pf.test host add good "test://$NODE" --cluster pf-c
is "$rc" 0 "host add of a good host exits 0"
like "$out" "Host 'good' .* added" "the host is added"
like "$out" "Host check of 'good'" "and its checks are shown"
like "$(check_line 'Host name')" "^\[pass\] .*'node1.pf.test'" \
    "FQDN from libvirt passes"
like "$(check_line 'Name resolution')" \
    "^\[pass\] .*'node1.pf.test' resolves to 127.0.0.71 \(hosts file\) and back \(hosts file\)" \
    "forward and reverse agree, from the hosts file"
like "$(check_line libvirt)" '^\[pass\]' "libvirt answers"
like "$(check_line KVM)" '^\[warn\] .*domain types: test' \
    "the test driver offers no QEMU/KVM guests: warned"
like "$(check_line 'Migration ports')" \
    '^\[pass\] Ports 49152, 49153, 49215 of 127.0.0.71 are reachable \(3 refused' \
    "closed migration ports (refused) are reachable"
like "$(check_line 'Console ports')" '^\[pass\] .*5900, 5901, 5902 of 127.0.0.71' \
    "console ports probed on the host's address"
like "$(check_line Clock)" '^\[pass\] .*engine machine' \
    "a URI without a host: the engine's own clock"
if [ -n "$PY" ]; then
    like "$(check_line 'Web console')" \
        '^\[pass\] https://node1.pf.test:9090 answers' \
        "the web console answering is shown as https://HOST:9090"
else
    ok 0 "# SKIP python3 missing: no listener for the web console"
fi
is "$(printf '%s\n' "$err" | grep -c warning)" 0 "nothing failed: no warning"

run VDN node1.pf.test host check good --json
is "$rc" 0 "host check --json of a host with only warnings exits 0"
like "$out" '"result":"warn"' "JSON: the worst state"
like "$out" '"check":"resolution","state":"pass"' "JSON: each check"
like "$out" '"fix":null' "JSON: no fix where it passes"

# --- reverse resolution disagrees ---
run VDN a.pf.test host add wrongrev "test://$NODE" --cluster pf-c
is "$rc" 0 "host add with a failing check still adds the host (exit 0)"
like "$(check_line 'Name resolution')" \
    "^\[fail\] 'a.pf.test' resolves to 127.0.0.72 \(hosts file\), but 127.0.0.72 resolves back to 'other.pf.test' \(hosts file\)" \
    "a name whose address resolves back to another name fails"
like "$out" "fix: Make 'a.pf.test' the first name of 127.0.0.72" \
    "with the fix"
like "$err" "warning: host 'wrongrev' was added, but 1 check failed" \
    "failures are warnings on host add"
run VDN a.pf.test host check wrongrev
is "$rc" 1 "host check exits 1 when a check fails"

# --- an unresolvable name ---
run VDN nowhere.pf.test host check good
is "$rc" 1 "an unresolvable host name fails"
like "$(check_line 'Name resolution')" "^\[fail\] 'nowhere.pf.test' does not resolve" \
    "and says so"
like "$(check_line 'Migration ports')" '^\[warn\] Unknown: no address to probe' \
    "no address: ports unknown (warn), not invented"

# --- an IP-literal URI: libvirt unreachable, its name from the hosts file ---
run VDN node1.pf.test host add lit "qemu+tcp://127.0.0.74:1/system" --cluster pf-c
is "$rc" 0 "a host whose libvirt is unreachable is still added"
like "$(check_line libvirt)" '^\[fail\] qemu\+tcp://127.0.0.74:1/system: .*(refused|connect)' \
    "libvirt unreachable: its error"
like "$(check_line 'Name resolution')" \
    "^\[pass\] 'node4.pf.test' resolves to 127.0.0.74 \(hosts file\) and back" \
    "an address in the URI resolves to a name and back"
like "$(check_line 'Host name')" '^\[warn\] Unknown' "no libvirt: the name is unknown"
like "$(check_line Clock)" '^\[pass\]' "a loopback address is this machine: one clock"
run VDN node1.pf.test host add lit2 "qemu+tcp://127.0.0.79:1/system" --cluster pf-c
like "$(check_line 'Name resolution')" '^\[fail\] 127.0.0.79 has no name' \
    "an address without a name fails"

# --- a filtered migration port ---
if [ -n "$PY" ]; then
    listen 127.0.0.73 49153 0 2
    run VDN node3.pf.test host add filtered "test://$NODE" --cluster pf-c
    like "$(check_line 'Migration ports')" \
        '^\[fail\] Ports 49153 of 127.0.0.73 did not answer' \
        "a port that drops connections fails: the firewall"
    like "$out" 'fix: Open TCP 49152-49215' "with the range to open"
    like "$(check_line 'Console ports')" '^\[pass\]' \
        "the refused console ports still pass"
else
    ok 0 "# SKIP python3 missing: no filtered listener"
fi

# --- TCG only: libvirt's embedded QEMU driver on this machine ---
if command -v qemu-system-x86_64 >/dev/null 2>&1; then
    run VDN node1.pf.test host add tcg "qemu:///embed?root=$T/embed" \
        --cluster pf-c
    if [ -e /dev/kvm ] && printf '%s\n' "$out" | grep -q '^\[pass\] KVM'; then
        ok 0 "# SKIP /dev/kvm works here: KVM passes, TCG cannot be shown"
    else
        like "$(check_line KVM)" '^\[warn\] TCG only' "no KVM: TCG only is flagged"
        like "$out" 'fix: Enable VT-x/AMD-V' "with the fix"
    fi
else
    ok 0 "# SKIP qemu-system-x86_64 missing: no TCG host"
fi

# --- usage and unknown hosts ---
run "$VD" --db "$DB" host check
is "$rc" 2 "host check without a name is a usage error"
run VDN node1.pf.test host check ghost
is "$rc" 1 "an unknown host fails"
like "$err" "there is no host 'ghost'" "and says so"
run VDN node1.pf.test host add quiet "test://$NODE" --cluster pf-c --no-check
is "$rc" 0 "host add --no-check"
is "$(printf '%s\n' "$out" | grep -c 'Host check')" 0 "--no-check skips the checks"

done_testing
