# lib-lab.sh: shared set-up of the lab tests (bash).  Source it after
# setting LAB_N and LAB_IP_BASE (each test its own loopback addresses, so
# tests may run at the same time); it skips when the lab cannot run,
# starts the hosts, registers them in a fresh virtdeck inventory
# (data center "lab", cluster "lab-cluster", hosts labhost1..N over
# qemu+tcp) and stops everything at exit.  Provides VDL (virtdeck on that
# inventory), wait_for SECONDS CMD..., now_ms, and the lab's environment
# (LAB_URI_i, LAB_TCP_URI_i, LAB_LOG_i, LAB_VIRT_TYPE, LAB_ROOT).
# shellcheck disable=SC2154,SC2034
# shellcheck source=common.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"

LAB=$here/lab.sh
: "${CONNECT_TIMEOUT:=5}"

if [ "$(id -u)" -ne 0 ]; then
    skip_all "the lab needs root to start libvirtd in namespaces"
fi
if ! unshare --mount --uts true 2>/dev/null; then
    skip_all "this machine refuses new mount and UTS namespaces (unshare)"
fi
need_deps "the lab's packages" bash "$LAB" deps

# One lab test at a time on this machine: they are heavy (QEMU under TCG
# on two cores) and time-sensitive (grace periods, migrations).
exec 9>/tmp/virtdeck-lab-tests.lock
flock 9

LAB_ROOT=$(mktemp -d /tmp/vdlab.XXXXXX)
: "${LAB_N:=2}"
LAB_QUIET=1
export LAB_ROOT LAB_N LAB_IP_BASE LAB_QUIET
lab_up=0

lab_cleanup() {
    if [ "$lab_up" != 0 ] && ! bash "$LAB" down >"$T/down.out" 2>&1; then
        sleep 2
        bash "$LAB" down >>"$T/down.out" 2>&1 || sed 's/^/# /' "$T/down.out"
    fi
    rm -rf "$T"
    if [ -d "$LAB_ROOT" ] && [ -z "$(ls -A "$LAB_ROOT")" ]; then
        rmdir "$LAB_ROOT"
    fi
}
trap lab_cleanup EXIT
trap 'exit 130' INT TERM

t0=$(now_ms)
lab_up=1
if ! bash "$LAB" up >"$T/up.out" 2>&1; then
    sed 's/^/# /' "$T/up.out"
    echo "Bail out! the lab did not start"
    exit 1
fi
eval "$(bash "$LAB" env)"
echo "# lab up in $(($(now_ms) - t0)) ms ($LAB_N hosts," \
    "$([ "$LAB_VIRT_TYPE" = kvm ] && echo KVM || echo TCG))"

DB=$T/lab.db
printf 'connect_timeout = %s.0;\nrefresh_interval = 1.0;\n' \
    "$CONNECT_TIMEOUT" >"$T/lab.conf"
VDL() {
    "$VD" -c "$T/lab.conf" --db "$DB" "$@"
}
VDL dc add lab >/dev/null
VDL cluster add lab-cluster --dc lab >/dev/null
for i in $(seq 1 "$LAB_N"); do
    eval "VDL host add labhost$i \"\$LAB_TCP_URI_$i\" --cluster lab-cluster --no-check" \
        >/dev/null
done

# The lab guest's disk (a boot sector that ticks on its serial port).
GUEST_IMG=$LAB_ROOT/images/guest.img
bash "$here/guest.sh" "$GUEST_IMG" >/dev/null

# define_guest HOST_INDEX NAME [domxml.sh options]: define a lab guest
define_guest() {
    local i=$1 name=$2
    shift 2
    bash "$here/domxml.sh" "$@" "$name" "$LAB_VIRT_TYPE" "$GUEST_IMG" \
        >"$T/$name.xml" &&
        eval "virsh -q -c \"\$LAB_URI_$i\" define \"$T/$name.xml\"" >/dev/null
}

# domstate HOST_INDEX NAME
domstate() {
    eval "virsh -q -c \"\$LAB_URI_$1\" domstate \"$2\"" 2>/dev/null
}
