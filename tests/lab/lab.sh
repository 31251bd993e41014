#!/bin/bash
# lab.sh: real libvirt hosts on this machine, for virtdeck's lab tests and
# its real-host demo.
#
#   lab.sh up       start LAB_N hosts (installs missing Debian packages first)
#   lab.sh down     stop them all and remove everything under LAB_ROOT
#   lab.sh status   which hosts answer, KVM or TCG (exit 1 when one is down)
#   lab.sh env      shell assignments: eval "$(lab.sh env)" gives LAB_URI_1...
#   lab.sh check    list what a lab left behind (exit 1 when anything is)
#   lab.sh deps     only install the missing packages and the libvirt-qemu user
#
# Host I is a privileged `libvirtd --listen` in its own mount and UTS
# namespace (unshare), so it has:
#   - its own /etc/libvirt, /run/libvirt, /var/lib/libvirt, /var/cache/libvirt,
#     /var/log/libvirt and /etc/hosts, bind mounts of $LAB_ROOT/hostI/{etc,
#     run,lib,cache,log,hosts}: a privileged libvirtd has those paths built in;
#   - its own hostname (labhostI) and host_uuid: the uuid is what libvirt's
#     "same host" migration check compares;
#   - its own addresses: qemu+unix:///system?socket=$LAB_ROOT/hostI/run/
#     libvirt-sock and qemu+tcp://127.0.0.(LAB_IP_BASE+I)/system (no auth);
#     migrations listen on that address too, each host with its own ports.
# The hosts' processes run under `tini -s`, which reaps the QEMU processes
# libvirtd double-forks; left to a slow PID 1 every guest destroy would wait
# for the zombie.  QEMU writes its logs itself (stdio_handler = "file"), so
# no virtlogd runs.  No libvirt network is defined and nothing listens beyond
# 127.0.0.0/8; names resolve from the hosts' own hosts files.
#
# A guest's serial log, as domxml.sh writes it, is
# $LAB_ROOT/hostI/log/qemu/NAME-serial.log.  `down` kills whatever runs in the
# lab's namespaces (libvirtd, tini, QEMU) and then removes LAB_ROOT: the
# namespaces and their mounts vanish with their last process.  It leaves the
# libvirt-qemu user and the empty mount-point folders, which the libvirt
# packages own anyway.
#
# Environment:
#   LAB_N            number of hosts, 1-50 (2)
#   LAB_ROOT         the lab's folder, removed by down (/tmp/virtdeck-lab)
#   LAB_IP_BASE      host I listens on 127.0.0.(LAB_IP_BASE+I) (10)
#   LAB_VIRT_TYPE    auto (default), kvm or qemu: auto uses KVM when /dev/kvm
#                    opens and a probe guest starts on it within
#                    LAB_KVM_PROBE_SECONDS (10), else TCG
#   LAB_CAPS_CACHE   off by default: a folder outside LAB_ROOT that keeps
#                    libvirt's QEMU capability probe between labs (saves a
#                    second or more per `up`); libvirt checks each entry
#                    against the QEMU binary, libvirt and kernel it sees and
#                    probes again when anything changed
#   LAB_QUIET=1      no progress messages
# up writes LAB_N and LAB_IP_BASE to $LAB_ROOT/settings; the other commands
# read them from there, so they match the running lab.
set -euo pipefail

PROG=lab.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SELF=$HERE/$(basename "${BASH_SOURCE[0]}")

LAB_ROOT=${LAB_ROOT:-/tmp/virtdeck-lab}
LAB_N=${LAB_N:-2}
LAB_IP_BASE=${LAB_IP_BASE:-10}
LAB_VIRT_TYPE=${LAB_VIRT_TYPE:-auto}
LAB_KVM_PROBE_SECONDS=${LAB_KVM_PROBE_SECONDS:-10}
LAB_CAPS_CACHE=${LAB_CAPS_CACHE:-}
LAB_QUIET=${LAB_QUIET:-0}

LAB_PACKAGES="libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
qemu-system-x86 qemu-utils qemu-block-extra tini util-linux"
LIBVIRTD=/usr/sbin/libvirtd
MARKER=.virtdeck-lab
TCP_PORT=16509
# Mount points a privileged libvirtd uses, and the host folder bound on each.
BINDS="etc:/etc/libvirt run:/run/libvirt lib:/var/lib/libvirt
cache:/var/cache/libvirt log:/var/log/libvirt hosts:/etc/hosts"

log() {
    [ "$LAB_QUIET" = 1 ] || echo "$PROG: $*" >&2
}

die() {
    echo "$PROG: $*" >&2
    exit 1
}

now_ms() {
    echo $(($(date +%s%N) / 1000000))
}

# ---- settings and names ----

check_settings() {
    case $LAB_ROOT in
    /*) ;;
    *) die "LAB_ROOT must be an absolute path, not '$LAB_ROOT'" ;;
    esac
    # The root goes into configuration files and URIs: keep it plain.
    case $LAB_ROOT in
    *[!A-Za-z0-9._/-]*) die "LAB_ROOT may hold only letters, digits and ._/-" ;;
    esac
    [ "$LAB_ROOT" != / ] || die "LAB_ROOT cannot be /"
    case $LAB_N in ''|*[!0-9]*) die "LAB_N must be a number" ;; esac
    case $LAB_IP_BASE in ''|*[!0-9]*) die "LAB_IP_BASE must be a number" ;; esac
    if [ "$LAB_N" -lt 1 ] || [ "$LAB_N" -gt 50 ]; then
        die "LAB_N must be 1 to 50"
    fi
    if [ "$LAB_IP_BASE" -lt 1 ] || [ $((LAB_IP_BASE + LAB_N)) -gt 254 ]; then
        die "LAB_IP_BASE + LAB_N must stay within 2..254"
    fi
    case $LAB_VIRT_TYPE in
    auto|kvm|qemu) ;;
    *) die "LAB_VIRT_TYPE is auto, kvm or qemu, not '$LAB_VIRT_TYPE'" ;;
    esac
    # The socket path must fit in sun_path (108 bytes).
    [ ${#LAB_ROOT} -le 70 ] || die "LAB_ROOT is too long for a UNIX socket path"
}

# Settings of a lab already up win over the caller's environment.
load_settings() {
    local f=$LAB_ROOT/settings
    if [ -f "$f" ]; then
        LAB_N=$(sed -n 's/^LAB_N=\([0-9]*\)$/\1/p' "$f")
        LAB_IP_BASE=$(sed -n 's/^LAB_IP_BASE=\([0-9]*\)$/\1/p' "$f")
    fi
    check_settings
}

host_dir() { echo "$LAB_ROOT/host$1"; }
host_ip() { echo "127.0.0.$((LAB_IP_BASE + $1))"; }
host_name() { echo "labhost$1"; }
host_uuid() { printf '1ab00000-%04d-4000-8000-%012d\n' "$LAB_IP_BASE" "$1"; }
host_sock() { echo "$(host_dir "$1")/run/libvirt-sock"; }
host_uri() { echo "qemu+unix:///system?socket=$(host_sock "$1")"; }
host_tcp_uri() { echo "qemu+tcp://$(host_ip "$1")/system"; }

virt_type() {
    cat "$LAB_ROOT/virt-type" 2>/dev/null || true
}

virt_type_label() {
    case $1 in
    kvm) echo "KVM" ;;
    qemu) echo "TCG (software emulation)" ;;
    *) echo "unknown" ;;
    esac
}

# ---- packages and the libvirt-qemu user ----

need_install() {
    local c
    for c in "$LIBVIRTD" virsh qemu-system-x86_64 qemu-img tini unshare; do
        command -v "$c" >/dev/null 2>&1 || return 0
    done
    compgen -G "/usr/lib/*/libvirt/connection-driver/libvirt_driver_qemu.so" \
        >/dev/null || return 0
    # QEMU's nfs:// and iscsi:// disks (storage domains)
    compgen -G "/usr/lib/*/qemu/block-nfs.so" >/dev/null || return 0
    compgen -G "/usr/lib/*/qemu/block-iscsi.so" >/dev/null || return 0
    return 1
}

missing_packages() {
    local p
    for p in $LAB_PACKAGES; do
        case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
        *" ok installed") ;;
        *) printf '%s ' "$p" ;;
        esac
    done
}

deps() {
    local pkgs
    if need_install; then
        command -v dpkg-query >/dev/null ||
            die "libvirtd, QEMU or tini is missing and this is not Debian: install them by hand"
        pkgs=$(missing_packages)
        pkgs=${pkgs% }
        [ -n "$pkgs" ] || pkgs=${LAB_PACKAGES//$'\n'/ }
        [ "$(id -u)" = 0 ] ||
            die "missing packages: $pkgs (run as root: apt-get install $pkgs)"
        log "installing $pkgs"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null || die "apt-get update failed"
        # shellcheck disable=SC2086  # a list of package names
        apt-get install -y -qq --no-install-recommends $pkgs >/dev/null ||
            die "apt-get install $pkgs failed"
        need_install && die "still missing libvirtd, virsh, QEMU or tini after apt-get"
    fi
    # A privileged libvirtd resolves its built-in default user and group,
    # libvirt-qemu, before it reads qemu.conf, so they must exist even though
    # the lab runs QEMU as root.  (libvirt-daemon-system would create them.)
    [ "$(id -u)" = 0 ] || return 0
    getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
    getent passwd libvirt-qemu >/dev/null ||
        useradd --system --gid libvirt-qemu --no-create-home \
            --home-dir /var/lib/libvirt --shell /usr/sbin/nologin libvirt-qemu
    return 0
}

# ---- one host ----

write_host_files() {
    local i=$1 d j mig disp
    d=$(host_dir "$i")
    mkdir -p "$d"/etc "$d"/run "$d"/lib/images "$d"/cache "$d"/log/qemu
    mig=$((49200 + 100 * (i - 1)))
    disp=$((5900 + 100 * (i - 1)))
    cat >"$d/etc/libvirtd.conf" <<EOF
# lab host $i ($PROG): loopback and its own socket only, no authentication
host_uuid = "$(host_uuid "$i")"
listen_tls = 0
listen_tcp = 1
listen_addr = "$(host_ip "$i")"
tcp_port = "$TCP_PORT"
auth_tcp = "none"
unix_sock_dir = "/run/libvirt"
unix_sock_group = "root"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
mdns_adv = 0
log_outputs = "3:file:/var/log/libvirt/libvirtd.log"
EOF
    cat >"$d/etc/qemu.conf" <<EOF
# lab host $i ($PROG): QEMU as root, no sandboxing layers the lab cannot use,
# logs written by QEMU itself (no virtlogd)
user = "root"
group = "root"
dynamic_ownership = 0
remember_owner = 0
security_driver = "none"
namespaces = [ ]
cgroup_controllers = [ ]
stdio_handler = "file"
vnc_listen = "$(host_ip "$i")"
spice_listen = "$(host_ip "$i")"
remote_display_port_min = $disp
remote_display_port_max = $((disp + 99))
migration_address = "$(host_ip "$i")"
migration_host = "$(host_ip "$i")"
migration_port_min = $mig
migration_port_max = $((mig + 63))
EOF
    {
        echo "127.0.0.1 localhost"
        echo "::1 localhost ip6-localhost ip6-loopback"
        for j in $(seq 1 "$LAB_N"); do
            echo "$(host_ip "$j") $(host_name "$j")"
        done
    } >"$d/hosts"
}

# Inside the new namespaces (see start_host): bind the host's folders over
# libvirt's, record the namespace, then become tini with libvirtd under it.
ns_exec() {
    local i=$1 d pair
    d=$(host_dir "$i")
    hostname "$(host_name "$i")"
    for pair in $BINDS; do
        mount --bind "$d/${pair%%:*}" "${pair#*:}"
    done
    stat -L -c %i /proc/self/ns/mnt >"$d/mntns"
    echo $$ >"$d/tini.pid"
    exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C \
        tini -s -- "$LIBVIRTD" --listen \
        --config /etc/libvirt/libvirtd.conf --pid-file "$d/libvirtd.pid"
}

start_host() {
    local i=$1 d
    d=$(host_dir "$i")
    write_host_files "$i"
    LAB_ROOT=$LAB_ROOT LAB_N=$LAB_N LAB_IP_BASE=$LAB_IP_BASE \
        setsid unshare --mount --uts --propagation private -- \
        bash "$SELF" _ns "$i" </dev/null >>"$d/log/daemon.log" 2>&1 &
}

# Whether process $1 runs.  A zombie does not: QEMU processes whose reaper
# has gone wait for PID 1, which may take seconds to collect them.
alive() {
    local stat
    [ -n "${1:-}" ] && { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
    stat=${stat##*) }
    [ "${stat%% *}" != Z ]
}

# Wait until host I answers, at most 30 s; on failure show its logs.
wait_host() {
    local i=$1 d n
    d=$(host_dir "$i")
    for n in $(seq 1 300); do
        if [ -S "$(host_sock "$i")" ] &&
            virsh -q -c "$(host_uri "$i")" uri >/dev/null 2>&1; then
            return 0
        fi
        # tini.pid appears within a few ms; after a second it must be alive
        if [ "$n" -gt 10 ] && ! alive "$(cat "$d/tini.pid" 2>/dev/null)"; then
            break
        fi
        sleep 0.1
    done
    echo "$PROG: host$i did not start; its logs:" >&2
    tail -n 20 "$d"/log/*.log >&2 2>/dev/null || true
    return 1
}

# The QEMU capability probe, which libvirt otherwise runs on first use.
probe_caps() {
    virsh -q -c "$(host_uri "$1")" capabilities >/dev/null
}

copy_caps() {  # copy_caps FROM-FOLDER TO-FOLDER
    [ -d "$1" ] && compgen -G "$1/*.xml" >/dev/null || return 0
    mkdir -p "$2"
    cp -p "$1"/*.xml "$2"/
}

# ---- KVM or TCG ----

# Echoes kvm or qemu; the reason goes to $LAB_ROOT/virt-type.reason.
detect_virt_type() {
    local uri reason xml img serial t0 ok=0 n
    uri=$(host_uri 1)
    if [ "$LAB_VIRT_TYPE" = kvm ] || [ "$LAB_VIRT_TYPE" = qemu ]; then
        echo "LAB_VIRT_TYPE=$LAB_VIRT_TYPE was asked for" \
            >"$LAB_ROOT/virt-type.reason"
        echo "$LAB_VIRT_TYPE"
        return
    fi
    if [ ! -c /dev/kvm ]; then
        reason="/dev/kvm is missing"
    elif ! { : <>/dev/kvm; } 2>/dev/null; then
        reason="/dev/kvm does not open for reading and writing"
    elif ! virsh -q -c "$uri" domcapabilities --virttype kvm >/dev/null 2>&1; then
        reason="libvirt reports no KVM support"
    else
        # /dev/kvm opens; some hypervisors still cannot run a real guest on
        # it, or run it slowly: boot the lab guest and watch its serial log.
        img=$LAB_ROOT/images/kvm-probe.img
        xml=$LAB_ROOT/images/kvm-probe.xml
        serial=$(host_dir 1)/log/qemu/lab-kvm-probe-serial.log
        bash "$HERE/guest.sh" "$img"
        bash "$HERE/domxml.sh" lab-kvm-probe kvm "$img" 16 >"$xml"
        t0=$(now_ms)
        if virsh -q -c "$uri" create "$xml" >/dev/null 2>&1; then
            for n in $(seq 1 $((LAB_KVM_PROBE_SECONDS * 10))); do
                if grep -q 'virtdeck lab guest' "$serial" 2>/dev/null; then
                    ok=1
                    break
                fi
                sleep 0.1
            done
            virsh -q -c "$uri" destroy lab-kvm-probe >/dev/null 2>&1 || true
            if [ $ok = 1 ]; then
                reason="a probe guest booted on KVM in $(($(now_ms) - t0)) ms"
            else
                reason="a probe guest did not boot on KVM within ${LAB_KVM_PROBE_SECONDS} s"
            fi
        else
            reason="a probe guest did not start on KVM"
        fi
        rm -f "$img" "$xml" "$serial" "$(host_dir 1)"/log/qemu/lab-kvm-probe.log
    fi
    echo "$reason" >"$LAB_ROOT/virt-type.reason"
    if [ $ok = 1 ]; then echo kvm; else echo qemu; fi
}

# ---- up ----

on_up_exit() {
    local rc=$?
    [ $rc = 0 ] && return 0
    echo "$PROG: up failed; stopping what started" >&2
    LAB_QUIET=1 down || true
    exit $rc
}

up() {
    local t0 t1 i d p vt
    check_settings
    [ "$(id -u)" = 0 ] ||
        die "the lab needs root to start libvirtd in namespaces"
    if [ -f "$LAB_ROOT/$MARKER" ]; then
        load_settings
        if status >/dev/null 2>&1; then
            log "the lab in $LAB_ROOT is already up"
            return 0
        fi
        log "a stopped or partial lab is in $LAB_ROOT; cleaning it first"
        down
    elif [ -e "$LAB_ROOT" ] && [ -n "$(ls -A "$LAB_ROOT" 2>/dev/null)" ]; then
        die "$LAB_ROOT exists and is not a lab folder: choose another LAB_ROOT"
    fi
    for i in $(seq 1 "$LAB_N"); do
        if (exec 3<>"/dev/tcp/$(host_ip "$i")/$TCP_PORT") 2>/dev/null; then
            die "$(host_ip "$i"):$TCP_PORT is taken (another lab?): choose another LAB_IP_BASE"
        fi
    done
    t0=$(now_ms)
    deps
    for p in $BINDS; do
        p=${p#*:}
        [ "$p" = /etc/hosts ] || mkdir -p "$p"
    done
    mkdir -p "$LAB_ROOT/images"
    touch "$LAB_ROOT/$MARKER"
    printf 'LAB_N=%s\nLAB_IP_BASE=%s\n' "$LAB_N" "$LAB_IP_BASE" \
        >"$LAB_ROOT/settings"
    trap on_up_exit EXIT

    # Host 1 first: its capability probe (a second or more) is then copied
    # to the others, which start in a fraction of that.
    t1=$(now_ms)
    d=$(host_dir 1)
    [ -z "$LAB_CAPS_CACHE" ] || copy_caps "$LAB_CAPS_CACHE" "$d/cache/qemu/capabilities"
    start_host 1
    wait_host 1
    probe_caps 1
    log "host1 up in $(($(now_ms) - t1)) ms"
    [ -z "$LAB_CAPS_CACHE" ] || copy_caps "$d/cache/qemu/capabilities" "$LAB_CAPS_CACHE"
    for i in $(seq 2 "$LAB_N"); do
        copy_caps "$d/cache/qemu/capabilities" "$(host_dir "$i")/cache/qemu/capabilities"
        start_host "$i"
    done
    for i in $(seq 2 "$LAB_N"); do
        wait_host "$i"
        probe_caps "$i"
    done
    vt=$(detect_virt_type)
    echo "$vt" >"$LAB_ROOT/virt-type"
    trap - EXIT
    log "$LAB_N hosts up in $(($(now_ms) - t0)) ms; guests use $(virt_type_label "$vt"): $(cat "$LAB_ROOT/virt-type.reason")"
    for i in $(seq 1 "$LAB_N"); do
        log "  $(host_name "$i")  $(host_uri "$i")"
        log "            $(host_tcp_uri "$i")"
    done
}

# ---- down ----

# Pids of the processes in the mount namespaces $1 (inode numbers, as
# ns_exec records them).  One stat for all: forks are slow on small VMs.
ns_pids() {
    local own
    [ -n "${1// /}" ] || return 0
    # Never the namespace this script runs in: a host's recorded namespace
    # equal to ours would mean killing everything on the machine.
    own=$(stat -L -c '%i' /proc/self/ns/mnt)
    case " $1 " in
    *" $own "*) echo "lab.sh: a host is recorded in this namespace; not killing" >&2
        return 0 ;;
    esac
    # (stat fails on processes that end meanwhile: not an error)
    { stat -L -c '%i %n' /proc/[0-9]*/ns/mnt 2>/dev/null || true; } |
        awk -v want=" $1 " 'index(want, " " $1 " ") {
            split($2, f, "/"); if (f[3] != "self" && f[3] != "thread-self") print f[3] }'
}

# Wait up to $2 tenths of a second for the pids in $1 to end.
wait_gone() {
    local pids=$1 n p left
    for n in $(seq 1 "$2"); do
        left=""
        for p in $pids; do
            alive "$p" && left="$left $p"
        done
        [ -n "$left" ] || return 0
        pids=$left
        sleep 0.1
    done
    return 1
}

down() {
    local d pids="" nss="" ns p i left
    [ "$(id -u)" = 0 ] || die "stopping the lab needs root"
    check_settings
    if [ ! -e "$LAB_ROOT" ]; then
        log "nothing to stop in $LAB_ROOT"
        return 0
    fi
    [ -f "$LAB_ROOT/$MARKER" ] ||
        die "$LAB_ROOT is not a lab folder (no $MARKER): not touching it"
    # 1. libvirtd first, through tini, so it does not watch its guests die
    for d in "$LAB_ROOT"/host*; do
        [ -d "$d" ] || continue
        p=$(cat "$d/tini.pid" 2>/dev/null || true)
        if alive "$p"; then
            kill -TERM "$p" 2>/dev/null || true
            pids="$pids $p"
        fi
        ns=$(cat "$d/mntns" "$d/mntns.old" 2>/dev/null | tr '\n' ' ' || true)
        [ -z "${ns// /}" ] || nss="$nss $ns"
    done
    wait_gone "$pids" 50 || true
    # 2. everything else in the hosts' namespaces: QEMU, a stuck libvirtd
    for i in TERM KILL; do
        pids=$(ns_pids "$nss")
        [ -n "$pids" ] || break
        # shellcheck disable=SC2086  # a list of pids
        kill -"$i" $pids 2>/dev/null || true
        wait_gone "$pids" 30 && break
    done
    # zombies waiting for PID 1 to reap them are gone for our purposes
    left=""
    for p in $(ns_pids "$nss"); do
        alive "$p" && left="$left $p"
    done
    [ -z "$left" ] || die "processes of the lab would not die:$left"
    rm -rf "$LAB_ROOT"
    log "the lab in $LAB_ROOT is down"
}

# ---- status, env, check ----

status() {
    local i d p up=0 vt state
    check_settings
    vt=$(virt_type)
    echo "lab: $LAB_ROOT, $LAB_N hosts"
    if [ -n "$vt" ]; then
        echo "virtualization: $(virt_type_label "$vt") ($vt): $(cat "$LAB_ROOT/virt-type.reason" 2>/dev/null)"
    else
        echo "virtualization: not known until the lab is up"
    fi
    for i in $(seq 1 "$LAB_N"); do
        d=$(host_dir "$i")
        p=$(cat "$d/libvirtd.pid" 2>/dev/null || true)
        if alive "$p" && virsh -q -c "$(host_uri "$i")" uri >/dev/null 2>&1; then
            state="up   pid $p"
            up=$((up + 1))
        elif alive "$p"; then
            state="not answering (pid $p)"
        else
            state="down"
        fi
        echo "$(host_name "$i")  $state  $(host_ip "$i")  $(host_uri "$i")"
    done
    [ "$up" = "$LAB_N" ]
}

env_out() {
    local i
    check_settings
    echo "LAB_ROOT='$LAB_ROOT'"
    echo "LAB_N=$LAB_N"
    echo "LAB_VIRT_TYPE='$(virt_type)'"
    for i in $(seq 1 "$LAB_N"); do
        echo "LAB_URI_$i='$(host_uri "$i")'"
        echo "LAB_TCP_URI_$i='$(host_tcp_uri "$i")'"
        echo "LAB_IP_$i='$(host_ip "$i")'"
        echo "LAB_HOSTNAME_$i='$(host_name "$i")'"
        echo "LAB_UUID_$i='$(host_uuid "$i")'"
        echo "LAB_LOG_$i='$(host_dir "$i")/log/qemu'"
    done
}

# Anything a lab in LAB_ROOT left: its folder, processes in its namespaces
# or naming it, mounts of its folders, listeners on its addresses.
check() {
    local found=0 d ns nss="" p i
    check_settings
    if [ -e "$LAB_ROOT" ]; then
        echo "left: the folder $LAB_ROOT"
        found=1
        for d in "$LAB_ROOT"/host*; do
            ns=$(cat "$d/mntns" 2>/dev/null || true)
            [ -z "$ns" ] || nss="$nss $ns"
        done
    fi
    for p in $(ns_pids "$nss"); do
        echo "left: process $p in a lab namespace: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
        found=1
    done
    # (the pattern comes from a file so that grep's own arguments lack it)
    while read -r p; do
        p=${p#/proc/}
        p=${p%/cmdline}
        if [ "$p" != $$ ] && [ "$p" != "$BASHPID" ]; then
            echo "left: process $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
            found=1
        fi
    done < <(grep -laF -f <(echo "$LAB_ROOT/") /proc/[0-9]*/cmdline 2>/dev/null)
    while read -r p; do
        p=${p#/proc/}
        echo "left: process ${p%/mountinfo} has mounts of $LAB_ROOT"
        found=1
    done < <(grep -lF -- " $LAB_ROOT/" /proc/[0-9]*/mountinfo 2>/dev/null)
    for i in $(seq 1 "$LAB_N"); do
        if (exec 3<>"/dev/tcp/$(host_ip "$i")/$TCP_PORT") 2>/dev/null; then
            echo "left: something listens on $(host_ip "$i"):$TCP_PORT"
            found=1
        fi
    done
    [ $found = 1 ] || echo "nothing left of a lab in $LAB_ROOT"
    [ $found = 0 ]
}

# Start host I again after its libvirtd died (the lab is up otherwise).
host_up() {
    local i=${1:-}
    [ -n "$i" ] && [ "$i" -ge 1 ] 2>/dev/null && [ "$i" -le "$LAB_N" ] ||
        die "host-up needs a host number from 1 to $LAB_N"
    [ -f "$LAB_ROOT/$MARKER" ] || die "no lab in $LAB_ROOT"
    if alive "$(cat "$(host_dir "$i")/tini.pid" 2>/dev/null)"; then
        log "host$i runs already"
        return 0
    fi
    # QEMU processes of the old daemon may live on in its namespace (a
    # partition test): remember it, so `down` still ends them
    cat "$(host_dir "$i")/mntns" >>"$(host_dir "$i")/mntns.old" 2>/dev/null || true
    rm -f "$(host_sock "$i")" "$(host_dir "$i")/libvirtd.pid"
    start_host "$i"
    wait_host "$i"
    log "host$i is back"
}

usage() {
    echo "usage: $PROG up|down|status|env|check|deps|host-up I" >&2
    echo "  (LAB_N=$LAB_N LAB_ROOT=$LAB_ROOT LAB_IP_BASE=$LAB_IP_BASE)" >&2
    exit 2
}

case ${1:-} in
up) up ;;
down) load_settings; down ;;
status) load_settings; status ;;
env) load_settings; env_out ;;
check) load_settings; check ;;
deps) deps ;;
host-up) load_settings; host_up "${2:-}" ;;
_ns) ns_exec "$2" ;;
*) usage ;;
esac
