#!/bin/sh
# host-check.sh: H on a selected host opens its checks, listed with their
# state and fix, scrollable, closed with Esc; on a VM it asks for a host.
# The console runs inside `unshare --mount --uts` with a private hosts
# file over /etc/hosts, `hosts: files` over /etc/nsswitch.conf (nothing
# asks DNS) and the host name deck1.pf.test, which libvirt's test driver
# reports for the demo's hosts.
W=$(mktemp -d "${TMPDIR:-/tmp}/vdhc.XXXXXX")
top_builddir=${top_builddir:-$(cd "$(dirname "$0")/../.." && pwd)}
REAL=${VIRTDECK:-$top_builddir/virtdeck}
VIRTDECK=$W/virtdeck
printf '127.0.0.1 localhost\n127.0.0.76 deck1.pf.test deck1\n' >"$W/hosts"
printf 'hosts: files\n' >"$W/nsswitch.conf"
cat >"$VIRTDECK" <<EOS
#!/bin/sh
exec unshare --mount --uts --propagation private sh -c '
    mount --bind "$W/hosts" /etc/hosts &&
    mount --bind "$W/nsswitch.conf" /etc/nsswitch.conf &&
    hostname deck1.pf.test && exec "\$0" "\$@"' "$REAL" "\$@"
EOS
chmod +x "$VIRTDECK"
# lib.sh checks that $VIRTDECK runs: the wrapper comes first
. "${top_srcdir:-$(dirname "$0")/../..}/tests/ui/lib.sh"
trap 'cleanup; rm -rf "$W"' EXIT

[ "$(id -u)" -eq 0 ] || skip_all "needs root for unshare --mount --uts"
unshare --mount --uts true 2>/dev/null ||
    skip_all "this machine refuses mount and UTS namespaces"

start 100 40 C.UTF-8 || skip_all "cannot start tmux"
check "the console starts" wait_ready
keys j j
check "busan-kvm01 is selected" shows "Host" "busan-kvm01"
keys H
check "H opens the host's checks" wait_for "Host check: busan-kvm01"
check "name resolution passes, from the hosts file" \
    wait_for "'deck1.pf.test' resolves to 127.0.0.76 (hosts file) and back"
check "the FQDN libvirt reports passes" wait_re "\\[pass\\] +Host name:"
check "the test driver has no KVM: a warning" wait_re "\\[warn\\] +KVM:"
check "with its fix" wait_for "Fix: Install QEMU"
check "ports are probed on the host's address" \
    wait_for "of 127.0.0.76 are reachable"
keys Down
check "Down scrolls to the next check" wait_gone "Host name:"
keys Up
check "Up scrolls back" wait_re "\\[pass\\] +Host name:"
keys Escape
check "Esc closes it" wait_gone "Host check: busan-kvm01"

# on a VM: a host first
keys Enter
keys l j
keys H
check "on something else, H asks for a host" wait_for "Select a host first."

# the help screen is generated from the action table
keys '?'
check "the help opens" wait_for "Keys and actions"
help_has_check() {
    for page in 1 2 3 4; do
        screen | grep -qE "^ *H +host-check +Check the selected host" && return 0
        keys NPage
        sleep 0.2
    done
    return 1
}
check "the help lists host-check with its key" help_has_check
keys Escape
quit_and_check
finish
