# lib-netns.sh: run a lab test in a private network namespace that has
# only lo, with a private /run (bash).  There the standard ports of
# rpcbind (111), NFS (2049) and iSCSI (3260) are free whatever this machine
# runs, and rpcbind's socket and lock are the test's own.  QEMU's NFS
# client has no port setting, which is why the shared-storage tests need
# this.  Source it first thing in the test, then call
#
#   netns_enter WHAT CHECK...   outside: skip unless root and namespaces
#                               work, run each CHECK (a deps command, as
#                               need_deps takes it: "LABEL" CMD...,
#                               separated by --), then re-execute the test
#                               inside the namespaces
#   netns_setup PREFIX          inside: lo up, a private /run (made under
#                               /tmp/PREFIX.XXXXXX, in $NETNS_RUN); with
#                               rpcbind's folder owned by _rpc
#   netns_cleanup               remove $NETNS_RUN (the mount goes with the
#                               namespace)
# The namespace has no network: packages are installed before entering.

netns_enter() {
    local what=$1 label args
    shift
    [ "${VD_NETNS:-}" = 1 ] && return 0
    # shellcheck source=common.sh
    . "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
    need_root "$what needs root"
    unshare --net --mount --propagation private true 2>/dev/null ||
        skip_all "this machine refuses network and mount namespaces"
    while [ $# -gt 0 ]; do
        label=$1
        shift
        args=()
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
            args+=("$1")
            shift
        done
        [ $# -gt 0 ] && shift
        need_deps "$label" "${args[@]}"
    done
    rm -rf "$T"
    trap - EXIT
    VD_NETNS=1 exec unshare --net --mount --propagation private -- \
        bash "$0"
}

netns_setup() {
    ip link set lo up || { echo "Bail out! cannot bring lo up"; exit 1; }
    NETNS_RUN=$(mktemp -d "/tmp/$1.XXXXXX")
    mkdir -p "$NETNS_RUN/lock" "$NETNS_RUN/rpcbind" "$NETNS_RUN/libvirt" \
        "$NETNS_RUN/tgtd"
    chown _rpc "$NETNS_RUN/rpcbind" 2>/dev/null || true
    mount --bind "$NETNS_RUN" /run ||
        { echo "Bail out! cannot mount a private /run"; exit 1; }
}

netns_cleanup() {
    [ -n "${NETNS_RUN:-}" ] && rm -rf "$NETNS_RUN"
    return 0
}
