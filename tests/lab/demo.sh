#!/bin/bash
# demo.sh: virtdeck on real hosts, on this machine.
#
#   demo.sh up [--no-ui]   start two lab hosts (lab.sh) with a few guests,
#                          register them in an inventory of their own, and
#                          open virtdeck on it; --no-ui, or no terminal, only
#                          prints the command that opens it
#   demo.sh down           stop the hosts and guests, remove the inventory
#
# The guests (guest.sh: they tick on their serial ports and echo what they
# are sent) are web-1 (HA) and db-1 on labhost1, web-2 (HA) and batch-1 on
# labhost2, all running, and spare-1 on labhost2, defined but shut off.  The
# inventory is $LAB_ROOT/virtdeck.db: data center "lab", cluster
# "lab-cluster", hosts labhost1 and labhost2 over qemu+tcp.  Running `up`
# again on a running demo only opens virtdeck.
#
# Needs root.  Environment: LAB_ROOT (default /tmp/virtdeck-lab) and the
# other LAB_* settings of lab.sh; VIRTDECK, the binary to run (default: the
# build tree's ./virtdeck, else virtdeck on PATH).
set -euo pipefail

PROG=demo.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LAB=$HERE/lab.sh
export LAB_ROOT=${LAB_ROOT:-/tmp/virtdeck-lab}
export LAB_N=2

die() {
    echo "$PROG: $*" >&2
    exit 1
}

find_virtdeck() {
    if [ -n "${VIRTDECK:-}" ]; then
        [ -x "$VIRTDECK" ] || die "VIRTDECK=$VIRTDECK is not an executable"
        echo "$VIRTDECK"
    elif [ -x "$HERE/../../virtdeck" ]; then
        (cd "$HERE/../.." && echo "$PWD/virtdeck")
    elif command -v virtdeck >/dev/null; then
        command -v virtdeck
    else
        die "no virtdeck binary: build it (make) or set VIRTDECK"
    fi
}

# define_guest URI NAME [domxml.sh options]: define (and keep) a lab guest
define_guest() {
    local uri=$1 name=$2
    shift 2
    virsh -q -c "$uri" dominfo "$name" >/dev/null 2>&1 && return 0
    bash "$HERE/domxml.sh" "$@" "$name" "$LAB_VIRT_TYPE" "$IMG" 32 \
        >"$LAB_ROOT/images/$name.xml"
    virsh -q -c "$uri" define "$LAB_ROOT/images/$name.xml" >/dev/null
}

start_guest() {
    local uri=$1 name=$2
    [ "$(virsh -q -c "$uri" domstate "$name")" = running ] ||
        virsh -q -c "$uri" start "$name" >/dev/null
}

up() {
    local ui=1 vd db
    while [ $# -gt 0 ]; do
        case $1 in
        --no-ui) ui=0; shift ;;
        *) echo "usage: $PROG up [--no-ui]" >&2; exit 2 ;;
        esac
    done
    [ "$(id -u)" = 0 ] || die "the demo needs root to start libvirtd in namespaces"
    vd=$(find_virtdeck)
    bash "$LAB" up
    eval "$(bash "$LAB" env)"
    IMG=$LAB_ROOT/images/guest.img
    [ -f "$IMG" ] || bash "$HERE/guest.sh" "$IMG"

    define_guest "$LAB_URI_1" web-1 --ha --graphics vnc
    define_guest "$LAB_URI_1" db-1
    define_guest "$LAB_URI_2" web-2 --ha --graphics vnc
    define_guest "$LAB_URI_2" batch-1
    define_guest "$LAB_URI_2" spare-1 --cdrom
    start_guest "$LAB_URI_1" web-1
    start_guest "$LAB_URI_1" db-1
    start_guest "$LAB_URI_2" web-2
    start_guest "$LAB_URI_2" batch-1

    db=$LAB_ROOT/virtdeck.db
    if [ ! -f "$db" ]; then
        "$vd" --db "$db" dc add lab --description "libvirt hosts on this machine"
        "$vd" --db "$db" cluster add lab-cluster --dc lab
        "$vd" --db "$db" host add labhost1 "$LAB_TCP_URI_1" --cluster lab-cluster --no-check
        "$vd" --db "$db" host add labhost2 "$LAB_TCP_URI_2" --cluster lab-cluster --no-check
    fi
    local how=TCG
    [ "$LAB_VIRT_TYPE" != kvm ] || how=KVM
    echo "$PROG: the demo is up (guests on $how); stop it with: bash $HERE/demo.sh down"
    if [ $ui = 1 ] && [ -t 0 ] && [ -t 1 ]; then
        exec "$vd" --db "$db"
    fi
    echo "$PROG: open it with: $vd --db $db"
}

down() {
    [ "$(id -u)" = 0 ] || die "stopping the demo needs root"
    bash "$LAB" down
}

case ${1:-} in
up) shift; up "$@" ;;
down) down ;;
*) echo "usage: $PROG up [--no-ui] | down" >&2; exit 2 ;;
esac
