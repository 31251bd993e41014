#!/bin/bash
# domxml.sh: the domain XML of a lab guest, on stdout.
#
#   domxml.sh [OPTION]... NAME TYPE DISK [MiB]
#
#   NAME      the domain's name (no '/': it is part of the serial log's path)
#   TYPE      kvm or qemu (TCG); `lab.sh env` says which the lab uses
#   DISK      the guest disk (guest.sh), an absolute path the hosts can open
#   MiB       memory, 32 by default
#
#   --ha              mark the VM highly available in virtdeck's metadata
#   --rw              a writable disk (default read-only: a read-only disk
#                     lets libvirt live-migrate without shared storage)
#   --format F        raw or qcow2 (default: qcow2 for *.qcow2, else raw)
#   --graphics G      none (default), vnc or spice (spice needs
#                     qemu-system-modules-spice), listening on --listen
#   --listen ADDR     the display's address, 127.0.0.1 by default
#   --cdrom           an empty IDE CD-ROM drive (hdc) for change-media
#   --vcpus N         1 by default
#
# The guest has no NIC.  Its serial port is a pty (virsh console) and is also
# logged to /var/log/libvirt/qemu/NAME-serial.log on its host: the lab's
# $LAB_ROOT/hostI/log/qemu/NAME-serial.log.
set -euo pipefail

PROG=domxml.sh

usage() {
    echo "usage: $PROG [--ha] [--rw] [--format raw|qcow2]" \
        "[--graphics none|vnc|spice] [--listen ADDR] [--cdrom] [--vcpus N]" \
        "NAME kvm|qemu DISK [MiB]" >&2
    exit 2
}

die() {
    echo "$PROG: $*" >&2
    exit 1
}

# Text for an XML attribute or element: the five special characters escaped.
xml_escape() {
    local s=$1
    # (quoted replacements: bash 5.2 reads a bare & there as the match)
    s=${s//&/"&amp;"}
    s=${s//</"&lt;"}
    s=${s//>/"&gt;"}
    s=${s//\'/"&apos;"}
    s=${s//\"/"&quot;"}
    printf '%s' "$s"
}

main() {
    local ha=0 rw=0 format="" graphics=none listen=127.0.0.1 cdrom=0 vcpus=1
    local args=()
    while [ $# -gt 0 ]; do
        case $1 in
        --ha) ha=1; shift ;;
        --rw) rw=1; shift ;;
        --format) [ $# -ge 2 ] || usage; format=$2; shift 2 ;;
        --graphics) [ $# -ge 2 ] || usage; graphics=$2; shift 2 ;;
        --listen) [ $# -ge 2 ] || usage; listen=$2; shift 2 ;;
        --cdrom) cdrom=1; shift ;;
        --vcpus) [ $# -ge 2 ] || usage; vcpus=$2; shift 2 ;;
        --) shift; args+=("$@"); break ;;
        -*) usage ;;
        *) args+=("$1"); shift ;;
        esac
    done
    if [ ${#args[@]} -lt 3 ] || [ ${#args[@]} -gt 4 ]; then
        usage
    fi
    local name=${args[0]} type=${args[1]} disk=${args[2]} mem=${args[3]:-32}

    [ -n "$name" ] || die "the name is empty"
    case $name in */*) die "a name with '/' cannot name its serial log" ;; esac
    case $type in kvm|qemu) ;; *) die "TYPE is kvm or qemu, not '$type'" ;; esac
    case $disk in /*) ;; *) die "DISK must be an absolute path" ;; esac
    case $mem in ''|*[!0-9]*) die "MiB must be a number, not '$mem'" ;; esac
    case $vcpus in ''|*[!0-9]*) die "--vcpus wants a number" ;; esac
    if [ -z "$format" ]; then
        case $disk in *.qcow2) format=qcow2 ;; *) format=raw ;; esac
    fi
    case $format in raw|qcow2) ;; *) die "unknown format '$format'" ;; esac
    case $graphics in none|vnc|spice) ;; *) die "unknown graphics '$graphics'" ;; esac

    local n d l
    n=$(xml_escape "$name")
    d=$(xml_escape "$disk")
    l=$(xml_escape "$listen")

    cat <<EOF
<domain type='$type'>
  <name>$n</name>
EOF
    if [ $ha = 1 ]; then
        cat <<'EOF'
  <metadata>
    <virtdeck:vm xmlns:virtdeck='http://virtdeck.org/xmlns/vm/1.0'>
      <virtdeck:ha>yes</virtdeck:ha>
    </virtdeck:vm>
  </metadata>
EOF
    fi
    cat <<EOF
  <memory unit='MiB'>$mem</memory>
  <currentMemory unit='MiB'>$mem</currentMemory>
  <vcpu>$vcpus</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <features><acpi/></features>
  <clock offset='utc'/>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='$format'/>
      <source file='$d'/>
      <target dev='vda' bus='virtio'/>
EOF
    [ $rw = 1 ] || echo "      <readonly/>"
    echo "    </disk>"
    if [ $cdrom = 1 ]; then
        cat <<'EOF'
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
EOF
    fi
    cat <<EOF
    <controller type='usb' model='none'/>
    <serial type='pty'>
      <log file='/var/log/libvirt/qemu/$n-serial.log' append='on'/>
      <target port='0'/>
    </serial>
    <console type='pty'>
      <target type='serial' port='0'/>
    </console>
EOF
    if [ "$graphics" != none ]; then
        cat <<EOF
    <graphics type='$graphics' autoport='yes' listen='$l'>
      <listen type='address' address='$l'/>
    </graphics>
EOF
    fi
    cat <<'EOF'
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}

main "$@"
