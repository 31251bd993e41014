#!/bin/bash
# nfs-server.sh: a private NFS server for virtdeck's NFS tests and benches.
#
# It runs NFS-Ganesha with its VFS backend on 127.0.0.1 only, on the ports
# the caller chooses, with its configuration, log and pid file in a state
# folder of the caller's, so several tests can run servers side by side.
# NFSv3 only: libnfs 4.0's NFSv4 client cannot write more than about 3.9 KB
# at once.  No kernel nfsd, no systemd, no dbus.
#
#   nfs-server.sh deps [PACKAGE...]     install what is missing (root)
#   nfs-server.sh start STATE NFSPORT EXPORT[:ro]...
#   nfs-server.sh restart STATE         start again after a kill, same config
#   nfs-server.sh stop STATE            SIGTERM, then SIGKILL after 10 s
#   nfs-server.sh pid STATE             the server's pid (status 1: none)
#
# `start` serves each EXPORT folder (created when missing, never chowned)
# read-write, or read-only with ":ro", with no root squash, on NFSPORT and
# MOUNT on NFSPORT+1.  It prints the server as virtdeck spells it:
# 127.0.0.1:NFSPORT:MOUNTPORT.  The export path seen by clients is the
# folder's absolute path.
#
# NFS_BIND_ADDR (default 127.0.0.1) is the address ganesha binds; set it
# empty inside a network namespace that has only lo: ganesha then binds the
# wildcard address, which reaches only lo there (with Bind_addr it refuses
# to start in such a namespace).
#
# ganesha registers NFSv3 and MOUNT with rpcbind when it starts and exits
# if it cannot.  When no rpcbind answers, the script runs one for a moment
# in a private network namespace (so nothing listens on port 111 of this
# machine): ganesha reaches it through the /run/rpcbind.sock file, and
# clients never need it because they are given both ports.
set -u

PROG=${0##*/}
PKGS="nfs-ganesha nfs-ganesha-vfs rpcbind libnfs-utils"
RPCBIND_LOCK=/tmp/virtdeck-nfs-rpcbind.lock

die() {
    echo "$PROG: $*" >&2
    exit 1
}

usage() {
    sed -n '10,14p' "$0" | sed 's/^# *//' >&2
    exit 2
}

# ---------------------------------------------------------------- deps
pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

deps() {
    local p missing=""
    for p in $PKGS "$@"; do
        if command -v dpkg-query >/dev/null; then
            pkg_installed "$p" || missing="$missing $p"
        fi
    done
    if ! command -v dpkg-query >/dev/null; then
        command -v ganesha.nfsd >/dev/null && command -v rpcbind >/dev/null ||
            die "nfs-ganesha (with FSAL VFS) and rpcbind are missing and this is not Debian: install them by hand"
        return 0
    fi
    [ -n "$missing" ] || return 0
    [ "$(id -u)" = 0 ] || die "missing packages:$missing (run as root: apt-get install$missing)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null 2>&1 || die "apt-get update failed"
    # shellcheck disable=SC2086  # a list of package names
    apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1 ||
        die "apt-get install$missing failed"
    for p in $missing; do
        pkg_installed "$p" || die "$p is still missing after apt-get"
    done
    # The packages' scripts may start daemons where an init system exists;
    # the tests start their own.
    return 0
}

# ---------------------------------------------------------------- helpers
port_open() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The pid of the ganesha that runs with STATE's configuration, or nothing.
server_pid() {
    local state=$1 pid
    [ -r "$state/ganesha.pid" ] || return 1
    pid=$(cat "$state/ganesha.pid" 2>/dev/null)
    [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || return 1
    # a pid may be reused: it must be ganesha with this configuration
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-f $state/ganesha.conf " ||
        return 1
    echo "$pid"
}

rpcbind_answers() {
    timeout 3 rpcinfo -p >/dev/null 2>&1
}

write_conf() {
    local state=$1 nfsport=$2 mntport=$3 id=0 e dir access
    shift 3
    cat <<EOF
# ganesha.conf for virtdeck's tests, written by $PROG
NFS_CORE_PARAM {
$([ -n "${NFS_BIND_ADDR-127.0.0.1}" ] && echo "    Bind_addr = ${NFS_BIND_ADDR-127.0.0.1};")
    NFS_Port = $nfsport;
    MNT_Port = $mntport;
    Protocols = 3;
    Enable_NLM = false;
    Enable_RQUOTA = false;
    Enable_UDP = false;
    mount_path_pseudo = true;
}
NFSv4 {
    Graceless = true;
    RecoveryRoot = "$state/recovery";
}
NFS_KRB5 {
    Active_krb5 = false;
    CCacheDir = "$state/ccache";
}
LOG {
    Default_Log_Level = EVENT;
}
EOF
    for e in "$@"; do
        id=$((id + 1))
        dir=${e%:ro}
        access=RW
        [ "$dir" = "$e" ] || access=RO
        # Attr_Expiration_Time = 0: the tests change the folders behind the
        # server's back (chown, rm) and must see it at once.
        cat <<EOF
EXPORT {
    Export_Id = $id;
    Path = "$dir";
    Pseudo = "$dir";
    Access_Type = $access;
    Squash = No_Root_Squash;
    SecType = sys;
    Transports = TCP;
    Protocols = 3;
    Attr_Expiration_Time = 0;
    FSAL { Name = VFS; }
}
EOF
    done
}

# run_ganesha STATE: start the daemon with STATE's configuration and wait
# until it serves (or fails)
run_ganesha() {
    local state=$1 nfsport i rb_pid="" rb_made="" f ok=0
    nfsport=$(sed -n 's/^ *NFS_Port = \([0-9]*\);/\1/p' "$state/ganesha.conf")
    port_open "$nfsport" && die "127.0.0.1:$nfsport is already in use"
    : >"$state/ganesha.log"
    rm -f "$state/ganesha.pid"

    # One server at a time goes through the rpcbind step: the socket file
    # is shared by the whole machine.
    exec 9>>"$RPCBIND_LOCK"
    flock -w 60 9 || die "could not take $RPCBIND_LOCK"
    if ! rpcbind_answers; then
        command -v rpcbind >/dev/null || die "rpcbind is missing: run '$PROG deps'"
        unshare -n true 2>/dev/null ||
            die "cannot make a network namespace for rpcbind (unshare -n)"
        for f in /run/rpcbind.sock /run/rpcbind.lock /run/rpcbind \
            /run/rpcbind/rpcbind.xdr /run/rpcbind/portmap.xdr; do
            [ -e "$f" ] || rb_made="$f $rb_made"
        done
        unshare -n rpcbind -f </dev/null >"$state/rpcbind.log" 2>&1 &
        rb_pid=$!
        for i in $(seq 1 50); do
            rpcbind_answers && break
            sleep 0.1
        done
        if ! rpcbind_answers; then
            kill "$rb_pid" 2>/dev/null
            die "rpcbind did not start: $(cat "$state/rpcbind.log")"
        fi
    fi

    ganesha.nfsd -f "$state/ganesha.conf" -L "$state/ganesha.log" \
        -p "$state/ganesha.pid" -N NIV_EVENT </dev/null >/dev/null 2>&1
    for i in $(seq 1 200); do   # 10 s
        if grep -q 'NFS SERVER INITIALIZED' "$state/ganesha.log" 2>/dev/null &&
            port_open "$nfsport"; then
            ok=1
            break
        fi
        # ganesha keeps running without exports when a block is wrong
        grep -q -e ':CONFIG :CRIT' -e 'No export entries found' \
            "$state/ganesha.log" 2>/dev/null && break
        [ -s "$state/ganesha.pid" ] && ! server_pid "$state" >/dev/null && break
        sleep 0.05
    done

    if [ -n "$rb_pid" ]; then
        # ganesha has registered (or failed): rpcbind is not needed any more
        kill -TERM "$rb_pid" 2>/dev/null
        wait "$rb_pid" 2>/dev/null
        for f in $rb_made; do
            if [ -d "$f" ]; then rmdir "$f" 2>/dev/null; else rm -f "$f"; fi
        done
    fi
    flock -u 9
    exec 9>&-

    if [ "$ok" != 1 ]; then
        echo "$PROG: ganesha did not start; from $state/ganesha.log:" >&2
        grep -e ':CRIT' -e ':MAJ' -e ':FATAL' -e 'No export' "$state/ganesha.log" |
            grep -v -e DBUS -e krb5 -e principal | cut -c1-300 | tail -n 10 >&2
        f=$(server_pid "$state") && kill -KILL "$f" 2>/dev/null
        exit 1
    fi
}

# ---------------------------------------------------------------- commands
start() {
    local state=$1 nfsport=$2 mntport e dir exports=()
    shift 2
    [ $# -ge 1 ] || usage
    case $nfsport in '' | *[!0-9]*) die "the port must be a number" ;; esac
    mntport=$((nfsport + 1))
    [ "$(id -u)" = 0 ] || die "ganesha's VFS backend needs root"
    command -v ganesha.nfsd >/dev/null || die "ganesha.nfsd is missing: run '$PROG deps'"
    server_pid "$state" >/dev/null && die "a server already runs for $state"
    mkdir -p "$state/recovery" "$state/ccache" || die "cannot create $state"
    state=$(realpath "$state")
    for e in "$@"; do
        dir=${e%:ro}
        mkdir -p "$dir" || die "cannot create $dir"
        dir=$(realpath "$dir")
        case $e in *:ro) exports+=("$dir:ro") ;; *) exports+=("$dir") ;; esac
    done
    port_open "$mntport" && die "127.0.0.1:$mntport is already in use"
    write_conf "$state" "$nfsport" "$mntport" "${exports[@]}" >"$state/ganesha.conf"
    run_ganesha "$state"
    echo "127.0.0.1:$nfsport:$mntport"
}

restart() {
    local state=$1
    [ -r "$state/ganesha.conf" ] || die "no server was started in $state"
    state=$(realpath "$state")
    server_pid "$state" >/dev/null && die "a server already runs for $state"
    run_ganesha "$state"
}

stop() {
    local state=$1 pid i
    [ -d "$state" ] || return 0
    state=$(realpath "$state")
    pid=$(server_pid "$state") || return 0
    kill -CONT "$pid" 2>/dev/null   # a test may have stopped it
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.1
    done
    die "could not stop ganesha (pid $pid)"
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
deps) deps "$@" ;;
start)
    [ $# -ge 3 ] || usage
    start "$@"
    ;;
restart)
    [ $# -eq 1 ] || usage
    restart "$1"
    ;;
stop)
    [ $# -eq 1 ] || usage
    stop "$1"
    ;;
pid)
    [ $# -eq 1 ] || usage
    [ -d "$1" ] || exit 1
    server_pid "$(realpath "$1")"
    ;;
*) usage ;;
esac
