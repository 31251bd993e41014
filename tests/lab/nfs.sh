#!/bin/bash
# nfs.sh: the NFS storage backend (src/sd_nfs.c, driven by tests/nfs-tool)
# against a real nfs-ganesha on 127.0.0.1 (nfs-server.sh), on ports and in
# folders of its own so that it can run beside other tests: the domain
# check (sizes, the 36:36 rule, read-only exports, the images/ and disks/
# folders), uploads (Debian's ipxe ISO, a sparse file, force, hostile
# names, cancel), listing, a server killed in the middle of an upload and
# one that stops answering.  Needs root; installs its Debian packages
# (nfs-ganesha, nfs-ganesha-vfs, rpcbind, libnfs-utils, ipxe) when missing.

# shellcheck disable=SC2154  # run() in lib.sh sets rc, out and err
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi
# shellcheck source=common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

SERVER_SH=$here/nfs-server.sh
TOOL=$top_builddir/tests/nfs-tool
ISO=/usr/lib/ipxe/ipxe.iso

if [ "$(id -u)" -ne 0 ]; then
    skip_all "ganesha's VFS backend needs root"
fi
if ! unshare -n true 2>/dev/null; then
    skip_all "this machine refuses network namespaces (for rpcbind)"
fi
need_deps "the NFS test's packages" bash "$SERVER_SH" deps ipxe
if [ ! -x "$TOOL" ]; then
    echo "Bail out! $TOOL is not built"
    exit 1
fi

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Two free ports in a row, somewhere in 20000-59999.
pick_port() {
    local p i
    for i in $(seq 1 50); do
        p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
        if port_free "$p" && port_free $((p + 1)); then
            echo "$p"
            return 0
        fi
    done
    return 1
}

chmod 0755 "$T"     # the exports live under it
STATE=$T/state
EXP=$T/exports
RW=$EXP/rw
mkdir -p "$RW" "$EXP/root" "$EXP/ro"
chown 36:36 "$RW" "$EXP/ro"
chmod 0755 "$EXP" "$RW" "$EXP/root" "$EXP/ro"

nfs_cleanup() {
    bash "$SERVER_SH" stop "$STATE" >/dev/null 2>&1
    rm -rf "$T"
}
trap nfs_cleanup EXIT
trap 'exit 130' INT TERM

PORT=$(pick_port) || { echo "Bail out! no free port"; exit 1; }
t0=$(now_ms)
if ! S=$(bash "$SERVER_SH" start "$STATE" "$PORT" "$RW" "$EXP/root" \
    "$EXP/ro:ro" 2>"$T/start.err"); then
    sed 's/^/# /' "$T/start.err"
    echo "Bail out! ganesha did not start"
    exit 1
fi
echo "# ganesha up on $S in $(($(now_ms) - t0)) ms"
gpid() {
    bash "$SERVER_SH" pid "$STATE"
}

# ---------------------------------------------------------------- check
run "$TOOL" -t 5 check "$S" "$RW"
is "$rc" 0 "check accepts a 36:36 read-write export"
like "$out" "^owner=36:36$" "check reports the owner"
total=$(sed -n 's/^total_bytes=//p' <<<"$out")
free=$(sed -n 's/^free_bytes=//p' <<<"$out")
ok "$([ "${total:-0}" -gt 0 ] && [ "${free:-0}" -gt 0 ] &&
    [ "$free" -le "$total" ] && echo 0 || echo 1)" \
    "check reports total and free bytes ($total, $free)"
want_free=$(($(stat -f -c '%a * %S' "$RW")))
diff=$((want_free - free))
ok "$([ "${diff#-}" -lt $((256 << 20)) ] && echo 0 || echo 1)" \
    "free bytes match the server's file system (df says $want_free)"
like "$out" "^created=images,disks$" "check creates images/ and disks/"
is "$(stat -c '%u:%g %a' "$RW/images" "$RW/disks" | sort -u)" "36:36 750" \
    "the folders are 36:36, mode 0750"
is "$(ls -A "$RW" | tr '\n' ' ')" "disks images " \
    "the write probe is gone"
run "$TOOL" -t 5 check "$S" "$RW"
like "$out" "^created=$" "a second check creates nothing"

run "$TOOL" -t 5 check "$S" "$EXP/root"
is "$rc" 1 "an export owned by root is refused"
like "$err" "The export 127\.0\.0\.1:$EXP/root is owned by 0:0; oVirt storage must be owned by vdsm:kvm: run 'chown 36:36 $EXP/root' on the server\." \
    "... with the chown hint"

run "$TOOL" -t 5 check "$S" "$EXP/ro"
is "$rc" 1 "a read-only export is refused"
like "$err" "is not writable: export it read-write" "... saying to export it read-write"

run "$TOOL" -t 5 check "$S" "$EXP/missing"
is "$rc" 1 "an export the server does not have is refused"
like "$err" "^Cannot mount $EXP/missing from the NFS server $S" "... naming it"

mkdir "$EXP/ro/images"
chown 36:36 "$EXP/ro/images"
chown 0:0 "$RW/disks"
run "$TOOL" -t 5 check "$S" "$RW"
like "$err" "folder $RW/disks .* owned by 0:0.*chown 36:36 $RW/disks" \
    "a folder not owned by 36:36 is refused with the chown hint"
chown 36:36 "$RW/disks"

# ---------------------------------------------------------------- uploads
run "$TOOL" -t 5 upload "$S" "$RW" images "$ISO" ipxe.iso
is "$rc" 0 "the ipxe ISO uploads"
like "$out" "'ipxe.iso' \(2\.0M\) was uploaded to 127\.0\.0\.1:$RW/images" \
    "... and says so"
is "$(stat -c '%u:%g %a' "$RW/images/ipxe.iso")" "36:36 640" \
    "the ISO is 36:36, mode 0640 on the server"
cmp -s "$ISO" "$RW/images/ipxe.iso"
ok $? "the ISO's bytes are identical"
is "$(ls -A "$RW/images" | tr '\n' ' ')" "ipxe.iso " "no temporary file is left"

run "$TOOL" -t 5 list "$S" "$RW" images
is "$rc" 0 "list works"
like "$out" "^ipxe\.iso size=2097152 used=[0-9]+ mode=100640 owner=36:36$" \
    "list shows the ISO with its size, mode and owner"

printf 'other content\n' >"$T/other.iso"
run "$TOOL" -t 5 upload "$S" "$RW" images "$T/other.iso" ipxe.iso
is "$rc" 1 "an upload over an existing name is refused"
like "$err" "'ipxe\.iso' already exists in 127\.0\.0\.1:$RW/images: choose force" \
    "... saying how to replace it"
cmp -s "$ISO" "$RW/images/ipxe.iso"
ok $? "... and the old file is untouched"
run "$TOOL" -t 5 -f upload "$S" "$RW" images "$T/other.iso" ipxe.iso
is "$rc" 0 "with force it replaces the file"
cmp -s "$T/other.iso" "$RW/images/ipxe.iso"
ok $? "... with the new content"
is "$(stat -c '%u:%g %a' "$RW/images/ipxe.iso")" "36:36 640" "... 36:36 0640"

# 64 MiB with 1 MiB of data at each end
truncate -s 64M "$T/sparse.img"
head -c 1M /dev/urandom | dd of="$T/sparse.img" conv=notrunc status=none
head -c 1M /dev/urandom | dd of="$T/sparse.img" bs=1M seek=63 conv=notrunc status=none
# and a run of real zeros in the middle, which must become a hole too
dd if=/dev/zero of="$T/sparse.img" bs=1M seek=20 count=4 conv=notrunc status=none
run "$TOOL" -t 5 upload "$S" "$RW" images "$T/sparse.img" sparse.img
is "$rc" 0 "a sparse file uploads"
cmp -s "$T/sparse.img" "$RW/images/sparse.img"
ok $? "... with the same content"
is "$(stat -c %s "$RW/images/sparse.img")" 67108864 "... and the same size"
used=$(du -k "$RW/images/sparse.img" | cut -f1)
ok "$([ "$used" -le 4096 ] && echo 0 || echo 1)" \
    "... and is sparse on the server ($used KiB used)"

n_before=$(ls -A "$RW/images" | wc -l)
for name in '../x' '.hidden' 'a/b' $'ctl\001char' $'new\nline' '..'; do
    run "$TOOL" -t 5 upload "$S" "$RW" images "$ISO" "$name"
    shown=$(printf '%q' "$name")
    ok "$([ "$rc" = 2 ] && [ -n "$err" ] && echo 0 || echo 1)" \
        "the hostile name $shown is refused: $err"
done
is "$(ls -A "$RW/images" | wc -l)" "$n_before" "... and nothing was created"
run "$TOOL" -t 5 upload "$S" "$RW" ../images "$ISO" x.iso
is "$rc" 2 "the folder '../images' is refused"

# a 512 MiB file of random bytes; 4 KiB WRITEs one at a time make the
# uploads below slow enough to interrupt
head -c 512M /dev/urandom >"$T/big.img"
progress_at_least() {   # FILE BYTES
    awk -v want="$2" '$1 == "progress" && $2 >= want { f = 1 } END { exit !f }' "$1"
}

run "$TOOL" -t 5 -n 1 -b 4096 -C 8388608 upload "$S" "$RW" images \
    "$T/big.img" cancel.img
is "$rc" 3 "an upload can be cancelled"
like "$err" "The upload of 'cancel\.img' to 127\.0\.0\.1:$RW was cancelled\." \
    "... and says so"
ok "$([ ! -e "$RW/images/cancel.img" ] && [ ! -e "$RW/images/.cancel.img.part" ] && echo 0 || echo 1)" \
    "... leaving neither the file nor its temporary file"

# ---------------------------------------------------------------- faults
"$TOOL" -t 5 -p -n 1 -b 4096 upload "$S" "$RW" images "$T/big.img" \
    big.img >"$T/kill.out" 2>"$T/kill.err" &
tpid=$!
wait_for 20 progress_at_least "$T/kill.err" 8388608
ok $? "the big upload is under way"
t0=$(now_ms)
kill -KILL "$(gpid)"
wait "$tpid"
rc=$?
took=$(($(now_ms) - t0))
is "$rc" 1 "a server killed mid-upload fails the upload"
grep -v '^progress' "$T/kill.err" | sed 's/^/# /'
# (the broken connection or the WRITE that failed on it, whichever
# libnfs reports first)
like "$(grep -v '^progress' "$T/kill.err")" "(NFS server $S .*uploading 'big\.img'|Writing 'big\.img' to .* failed at byte [0-9]+).*upload again" \
    "... with a clear message"
ok "$([ "$took" -lt 10000 ] && echo 0 || echo 1)" "... within 10 s ($took ms)"
ok "$([ ! -e "$RW/images/big.img" ] && echo 0 || echo 1)" \
    "... and no file under the final name"

bash "$SERVER_SH" restart "$STATE" >/dev/null 2>"$T/restart.err"
ok $? "the server restarts"
run "$TOOL" -t 5 upload "$S" "$RW" images "$T/big.img" big.img
is "$rc" 0 "a retry succeeds"
cmp -s "$T/big.img" "$RW/images/big.img"
ok $? "... with the right bytes"
is "$(ls -A "$RW/images" | grep -c '^\.')" 0 "... and no temporary file left"

"$TOOL" -t 2 -p -n 1 -b 4096 upload "$S" "$RW" images "$T/big.img" \
    stopped.img >"$T/stop.out" 2>"$T/stop.err" &
tpid=$!
wait_for 20 progress_at_least "$T/stop.err" 8388608
ok $? "another upload is under way"
spid=$(gpid)
t0=$(now_ms)
kill -STOP "$spid"
wait "$tpid"
rc=$?
took=$(($(now_ms) - t0))
kill -CONT "$spid"
is "$rc" 1 "a server that stops answering fails the upload"
grep -v '^progress' "$T/stop.err" | sed 's/^/# /'
like "$(grep -v '^progress' "$T/stop.err")" "The NFS server $S did not answer within 2 s while uploading 'stopped\.img'" \
    "... with a clear message"
ok "$([ "$took" -lt 10000 ] && echo 0 || echo 1)" "... within 10 s ($took ms)"
ok "$([ ! -e "$RW/images/stopped.img" ] && echo 0 || echo 1)" \
    "... and no file under the final name"

run "$TOOL" -t 5 check "$S" "$RW"
is "$rc" 0 "the server answers again after SIGCONT"

done_testing
