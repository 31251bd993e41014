#!/bin/bash
# guest.sh: make the lab guest's disk, with nothing downloaded.
#
#   guest.sh [--format raw|qcow2] [--size SIZE] OUT.img
#   guest.sh --check
#
# The disk (1 MiB by default, made with qemu-img) holds one boot sector: the
# program in guest.asm, which prints "tick N" on its serial port about once a
# second and echoes what it is sent with the case of letters swapped.  The
# sector is carried below already assembled, so no assembler is needed.
# --check reassembles guest.asm with nasm and says whether the bytes below are
# still the same; run it after changing guest.asm.
set -euo pipefail

PROG=guest.sh
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# guest.asm assembled (nasm 2.16), without the zero bytes at its end; the
# boot signature 55 aa at offset 510 is written separately.
SECTOR_HEX="\
fa31c08ed88ed0bc007cea0f7c0000fcbe167dad3cff740abaf80300c288e0ee\
ebf1be267de8d200e4920c0224fee6920f01164d7d0f20c00c010f22c0bb0800\
8ec324fe0f22c031db8ec366bf0000100066b90000600066b8a55a5aa5f36667\
aba16c04a35c7dfbf4e84200a16c0489c22b065c7d83f81272ed89165c7d66ff\
065e7da15e7d83e00740c1e00c8ec031ffb90080a15e7df3abbe537de85b0066\
a15e7de83600be597de84e00ebb9bafd03eca8017425baf803ec3c0d7507e844\
00b00aeb1188c480cc2080fc61720780fc7a77023420e82c00ebd3c366bb0a00\
000031c96631d266f7f352416685c075f3580430e80e00e2f8c3ac84c07405e8\
0300ebf6c35250bafd03eca82074fb58baf803ee5ac301000380000101000303\
02070403ff000d0a766972746465636b206c61622067756573740d0a00000000\
0000000000ffff00000092cf000f003d7d00007469636b20000d0a"

usage() {
    echo "usage: $PROG [--format raw|qcow2] [--size SIZE] OUT.img" >&2
    echo "       $PROG --check" >&2
    exit 2
}

die() {
    echo "$PROG: $*" >&2
    exit 1
}

# Write hex digits as bytes (bash's printf understands \xHH, NUL included).
hex_to_bin() {
    printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')"
}

# The whole 512-byte sector on stdout.
write_sector() {
    local len=$((${#SECTOR_HEX} / 2))
    hex_to_bin "$SECTOR_HEX"
    head -c $((510 - len)) /dev/zero
    hex_to_bin 55aa
}

check() {
    local tmp rc=0
    command -v nasm >/dev/null || die "--check needs nasm (apt-get install nasm)"
    tmp=$(mktemp -d)
    nasm -f bin -o "$tmp/asm.bin" "$HERE/guest.asm"
    write_sector >"$tmp/embedded.bin"
    if cmp -s "$tmp/asm.bin" "$tmp/embedded.bin"; then
        echo "$PROG: the embedded sector matches guest.asm"
    else
        echo "$PROG: the embedded sector differs from guest.asm; new hex:" >&2
        od -An -tx1 -v "$tmp/asm.bin" | tr -d ' \n' |
            sed 's/\(00\)*55aa$//' | fold -w 64 >&2
        echo >&2
        rc=1
    fi
    rm -rf "$tmp"
    return $rc
}

main() {
    local format=raw size=1M out="" tmp
    while [ $# -gt 0 ]; do
        case $1 in
        --check) check; return ;;
        --format) [ $# -ge 2 ] || usage; format=$2; shift 2 ;;
        --size) [ $# -ge 2 ] || usage; size=$2; shift 2 ;;
        -*) usage ;;
        *) [ -z "$out" ] || usage; out=$1; shift ;;
        esac
    done
    [ -n "$out" ] || usage
    case $format in raw|qcow2) ;; *) die "unknown format '$format'" ;; esac
    command -v qemu-img >/dev/null ||
        die "qemu-img is missing (apt-get install qemu-utils)"

    tmp=$(mktemp "$out.XXXXXX")
    # shellcheck disable=SC2064  # expand $tmp now: it is local
    trap "rm -f '$tmp'" EXIT
    qemu-img create -q -f raw "$tmp" "$size"
    write_sector | dd of="$tmp" conv=notrunc status=none
    if [ "$format" = qcow2 ]; then
        qemu-img convert -q -f raw -O qcow2 "$tmp" "$out"
    else
        mv -f "$tmp" "$out"
    fi
    rm -f "$tmp"
    trap - EXIT
}

main "$@"
