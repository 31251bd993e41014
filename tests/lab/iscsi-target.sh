#!/bin/bash
# iscsi-target.sh: a private iSCSI target for virtdeck's iSCSI tests.
#
# It runs tgtd (the user-space target of the tgt package) in the foreground
# on 127.0.0.1:PORT only, with its state in a folder of the caller's, so
# several tests can run targets side by side: each instance has its own TCP
# port and its own control socket (/run/tgtd/socket.PORT, tgtd's -C).  No
# kernel iSCSI, no systemd.  Needs root.
#
#   iscsi-target.sh deps                  install tgt when missing (root)
#   iscsi-target.sh start STATE PORT      start tgtd, create the targets below
#   iscsi-target.sh stop STATE PORT       stop it, remove what start created
#   iscsi-target.sh status STATE PORT     exit 0 when it runs and answers
#
# The targets (IQN is $ISCSI_IQN_BASE, default iqn.2024-01.org.virtdeck.lab):
#   IQN:open    LUN 1 of ISCSI_LUN1_SIZE (64M), LUN 2 of ISCSI_LUN2_SIZE
#               (96M); no authentication
#   IQN:chap    LUN 1 of 32M; one-way CHAP, user ISCSI_CHAP_USER (vdlab),
#               secret ISCSI_CHAP_SECRET (default: 16 random characters)
#   IQN:closed  LUN 1 of 8M; only the initiator IQN:somebody-else may log in
#               (tgt then answers "target not found" to others)
#   IQN:offline LUN 1 of 8M; the target is offline: tgt refuses logins
#               with a target error
# LUN 0 of each target is tgt's controller LUN (peripheral type 0x0c).
# The LUNs are sparse files in STATE, with vendor VIRTDECK, product LABDISK,
# revision 0001 and serial numbers VD<PORT>T<tid>L<lun>.
#
# `start` writes STATE/target.env (shell assignments: ISCSI_PORTAL,
# ISCSI_TARGET_OPEN, ISCSI_TARGET_CHAP, ISCSI_TARGET_CLOSED,
# ISCSI_TARGET_OFFLINE, ISCSI_CLOSED_INITIATOR, ISCSI_CHAP_USER,
# ISCSI_CHAP_SECRET_FILE, ISCSI_SERIAL_*, TGTD_PID) and prints it; the secret
# itself is only in STATE/chap.secret (mode 0600).  `stop` takes the targets
# offline, deletes them (dropping sessions), shuts tgtd down through its
# control socket (it ignores SIGTERM), SIGKILLs it after 5 s, and removes
# the socket files, the images and the other files start wrote.
set -u

PROG=${0##*/}
ADDR=127.0.0.1

die() {
    echo "$PROG: $*" >&2
    exit 1
}

usage() {
    sed -n '10,13p' "$0" | sed 's/^# *//' >&2
    exit 2
}

# ---------------------------------------------------------------- deps
deps() {
    local created_policy=0
    if command -v tgtd >/dev/null && command -v tgtadm >/dev/null &&
        command -v ss >/dev/null; then
        return 0
    fi
    command -v apt-get >/dev/null ||
        die "tgtd, tgtadm or ss is missing and this is not Debian:" \
            "install tgt and iproute2 by hand"
    [ "$(id -u)" = 0 ] ||
        die "tgt is missing (run as root: apt-get install tgt iproute2)"
    export DEBIAN_FRONTEND=noninteractive
    # The package's scripts would start a tgtd on 0.0.0.0:3260 where an
    # init system runs; the tests start their own, so deny it.
    if [ ! -e /usr/sbin/policy-rc.d ]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d &&
            chmod 755 /usr/sbin/policy-rc.d && created_policy=1
    fi
    apt-get update -qq >/dev/null 2>&1 || {
        [ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
        die "apt-get update failed"
    }
    apt-get install -y -qq --no-install-recommends tgt iproute2 \
        >/dev/null 2>&1
    local rc=$?
    [ $created_policy = 1 ] && rm -f /usr/sbin/policy-rc.d
    [ $rc = 0 ] || die "apt-get install tgt iproute2 failed"
    if ! command -v tgtd >/dev/null || ! command -v tgtadm >/dev/null; then
        die "tgtd is still missing after apt-get"
    fi
    return 0
}

# ---------------------------------------------------------------- helpers
ms() {
    echo $(($(date +%s%N) / 1000000))
}

port_listening() {
    ss -Hltn "sport = :$PORT" 2>/dev/null | grep -q .
}

adm() {
    tgtadm -C "$PORT" --lld iscsi "$@"
}

# true when PID is a live tgtd started with our control port
is_ours() {
    local pid=$1 state
    [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
    state=$(sed 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
    [ "$state" != Z ] || return 1
    [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = tgtd ] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-C $PORT "
}

random_secret() {
    LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom 2>/dev/null | head -c 16
}

# Files start creates in STATE; stop removes exactly these.
state_files() {
    echo "$STATE/open-lun1.img $STATE/open-lun2.img $STATE/chap-lun1.img" \
        "$STATE/closed-lun1.img $STATE/offline-lun1.img" \
        "$STATE/target.env $STATE/chap.secret" \
        "$STATE/tgtd.pid $STATE/tgtd.log"
}

# ---------------------------------------------------------------- start
# lun TID LUN FILE SIZE: a sparse file as LUN, with fixed inquiry data
lun() {
    local tid=$1 n=$2 file=$3 size=$4 params
    params="vendor_id=VIRTDECK,product_id=LABDISK,product_rev=0001"
    params="$params,scsi_sn=VD${PORT}T${tid}L${n},scsi_id=vd-${PORT}-t${tid}-l${n}"
    truncate -s "$size" "$file" &&
        adm --op new --mode logicalunit --tid "$tid" --lun "$n" -b "$file" &&
        adm --op update --mode logicalunit --tid "$tid" --lun "$n" \
            --params "$params"
}

configure() {
    local base=$1 user=$2 secret=$3
    adm --op new --mode target --tid 1 -T "$base:open" &&
        lun 1 1 "$STATE/open-lun1.img" "${ISCSI_LUN1_SIZE:-64M}" &&
        lun 1 2 "$STATE/open-lun2.img" "${ISCSI_LUN2_SIZE:-96M}" &&
        adm --op bind --mode target --tid 1 -I "$ADDR" &&
        adm --op new --mode target --tid 2 -T "$base:chap" &&
        lun 2 1 "$STATE/chap-lun1.img" 32M &&
        adm --op bind --mode target --tid 2 -I "$ADDR" &&
        adm --op new --mode account --user "$user" --password "$secret" &&
        adm --op bind --mode account --tid 2 --user "$user" &&
        adm --op new --mode target --tid 3 -T "$base:closed" &&
        lun 3 1 "$STATE/closed-lun1.img" 8M &&
        adm --op bind --mode target --tid 3 \
            --initiator-name "$base:somebody-else" &&
        adm --op new --mode target --tid 4 -T "$base:offline" &&
        lun 4 1 "$STATE/offline-lun1.img" 8M &&
        adm --op bind --mode target --tid 4 -I "$ADDR" &&
        adm --op update --mode target --tid 4 -n state -v offline
}

do_start() {
    local t0 pid base user secret
    t0=$(ms)
    [ "$(id -u)" = 0 ] || die "tgtd needs root"
    command -v tgtd >/dev/null || die "tgtd is missing: run '$PROG deps' first"
    mkdir -p "$STATE" || die "cannot create $STATE"
    STATE=$(cd "$STATE" && pwd)
    if is_ours "$(cat "$STATE/tgtd.pid" 2>/dev/null)"; then
        die "a tgtd already runs for $STATE (pid $(cat "$STATE/tgtd.pid"))"
    fi
    port_listening && die "TCP port $PORT is already in use"
    if [ -S "/run/tgtd/socket.$PORT" ] &&
        tgtadm -C "$PORT" --op show --mode sys >/dev/null 2>&1; then
        die "another tgtd already uses control port $PORT"
    fi
    rm -f "/run/tgtd/socket.$PORT" "/run/tgtd/socket.$PORT.lock"

    # -f: no self-daemonising, so $! is tgtd itself; setsid: its own
    # session, out of the caller's terminal and process group.
    setsid tgtd -f -C "$PORT" --iscsi "portal=$ADDR:$PORT" \
        </dev/null >>"$STATE/tgtd.log" 2>&1 &
    pid=$!
    echo "$pid" >"$STATE/tgtd.pid"
    for _ in $(seq 1 250); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$PROG: tgtd exited while starting:" >&2
            tail -n 5 "$STATE/tgtd.log" >&2
            do_stop >/dev/null 2>&1
            exit 1
        fi
        tgtadm -C "$PORT" --op show --mode sys >/dev/null 2>&1 &&
            port_listening && break
        sleep 0.02
    done
    if ! port_listening; then
        do_stop >/dev/null 2>&1
        die "tgtd does not listen on $ADDR:$PORT after 5 s"
    fi

    base=${ISCSI_IQN_BASE:-iqn.2024-01.org.virtdeck.lab}
    user=${ISCSI_CHAP_USER:-vdlab}
    secret=${ISCSI_CHAP_SECRET:-$(random_secret)}
    (umask 077 && printf '%s\n' "$secret" >"$STATE/chap.secret")
    if ! configure "$base" "$user" "$secret" >>"$STATE/tgtd.log" 2>&1; then
        echo "$PROG: configuring the targets failed:" >&2
        tail -n 5 "$STATE/tgtd.log" >&2
        do_stop >/dev/null 2>&1
        exit 1
    fi
    cat >"$STATE/target.env" <<EOF
ISCSI_PORTAL=$ADDR:$PORT
ISCSI_TARGET_OPEN=$base:open
ISCSI_TARGET_CHAP=$base:chap
ISCSI_TARGET_CLOSED=$base:closed
ISCSI_TARGET_OFFLINE=$base:offline
ISCSI_CLOSED_INITIATOR=$base:somebody-else
ISCSI_CHAP_USER=$user
ISCSI_CHAP_SECRET_FILE=$STATE/chap.secret
ISCSI_SERIAL_OPEN_1=VD${PORT}T1L1
ISCSI_SERIAL_OPEN_2=VD${PORT}T1L2
ISCSI_SERIAL_CHAP_1=VD${PORT}T2L1
TGTD_PID=$pid
EOF
    cat "$STATE/target.env"
    echo "$PROG: tgtd $pid on $ADDR:$PORT ready in $(($(ms) - t0)) ms" >&2
    return 0
}

# ---------------------------------------------------------------- stop
do_stop() {
    local pid tid tids
    [ -d "$STATE" ] && STATE=$(cd "$STATE" && pwd)
    pid=$(cat "$STATE/tgtd.pid" 2>/dev/null)
    if is_ours "$pid"; then
        # refuse new logins, drop the targets (and their sessions), then
        # ask tgtd to exit: it refuses while targets exist
        adm --op update --mode sys --name State -v offline >/dev/null 2>&1
        tids=$(adm --op show --mode target 2>/dev/null |
            sed -n 's/^Target \([0-9]*\):.*/\1/p')
        for tid in $tids; do
            adm --op delete --mode target --tid "$tid" --force \
                >/dev/null 2>&1
        done
        tgtadm -C "$PORT" --op delete --mode system >/dev/null 2>&1
        for _ in $(seq 1 250); do
            is_ours "$pid" || break
            sleep 0.02
        done
        if is_ours "$pid"; then
            echo "$PROG: tgtd $pid still runs after 5 s: SIGKILL" >&2
            kill -KILL "$pid" 2>/dev/null
            for _ in $(seq 1 100); do
                is_ours "$pid" || break
                sleep 0.02
            done
        fi
    fi
    # the socket files stay behind a tgtd that is gone; never remove the
    # sockets of one that answers
    if ! tgtadm -C "$PORT" --op show --mode sys >/dev/null 2>&1; then
        rm -f "/run/tgtd/socket.$PORT" "/run/tgtd/socket.$PORT.lock"
        rmdir /run/tgtd 2>/dev/null
    fi
    # shellcheck disable=SC2046  # a list of our own file names
    rm -f $(state_files)
    if is_ours "$pid"; then
        die "tgtd $pid does not stop"
    fi
    return 0
}

do_status() {
    local pid
    pid=$(cat "$STATE/tgtd.pid" 2>/dev/null)
    if is_ours "$pid" && adm --op show --mode sys >/dev/null 2>&1; then
        echo "tgtd $pid on $ADDR:$PORT"
        return 0
    fi
    echo "not running"
    return 1
}

# ---------------------------------------------------------------- main
[ $# -ge 1 ] || usage
ACTION=$1
if [ "$ACTION" = deps ]; then
    deps
    exit $?
fi
[ $# -eq 3 ] || usage
STATE=$2 PORT=$3
case $PORT in
'' | *[!0-9]*) usage ;;
esac
if [ "$PORT" -lt 1024 ] || [ "$PORT" -gt 65535 ]; then
    die "PORT must be 1024-65535"
fi

case $ACTION in
start) do_start ;;
stop) do_stop ;;
status) do_status ;;
*) usage ;;
esac
