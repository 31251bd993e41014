#!/bin/bash
# upload.sh: a 1 GiB upload to a local nfs-ganesha, through virtdeck's NFS
# backend (tests/nfs-tool: several WRITEs in flight, periodic COMMITs,
# fsync, chmod, chown and rename included) and through libnfs's nfs-cp
# (one WRITE at a time, no fsync), alternately; prints each run, the
# medians in MiB/s and the ratio.  Figures only: it asserts nothing.
#
#   bench/upload.sh [BUILDDIR]        (needs root; `make bench-upload`)
#
# Environment: BENCH_RUNS (3), BENCH_MIB (1024), BENCH_DIR (a new folder
# under /var/tmp; the export lives there, on disk like a real one),
# BENCH_PORT (32349; MOUNT on the next port), BENCH_INFLIGHT, BENCH_BLOCK.
set -u
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$(cd "$here/.." && pwd)}
tool=$build/tests/nfs-tool
server_sh=$here/../tests/lab/nfs-server.sh
runs=${BENCH_RUNS:-3}
mib=${BENCH_MIB:-1024}
port=${BENCH_PORT:-32349}

[ "$(id -u)" = 0 ] || { echo "upload.sh: needs root (ganesha's VFS backend)" >&2; exit 1; }
[ -x "$tool" ] || { echo "upload.sh: build $tool first (make tests/nfs-tool)" >&2; exit 1; }
bash "$server_sh" deps || exit 1

top=${BENCH_DIR:-$(mktemp -d /var/tmp/virtdeck-bench.XXXXXX)}
mkdir -p "$top/export/images"
chown -R 36:36 "$top/export"
state=$top/state
cleanup() {
    bash "$server_sh" stop "$state"
    rm -rf "$top/export" "$state"
    [ -n "${BENCH_DIR:-}" ] || rm -rf "$top"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

src=$top/source.img
if [ "$(stat -c %s "$src" 2>/dev/null)" != $((mib << 20)) ]; then
    head -c "$((mib << 20))" /dev/urandom >"$src" || exit 1
fi
cat "$src" >/dev/null       # read from the page cache, not the disk

server=$(bash "$server_sh" start "$state" "$port" "$top/export") || exit 1
export_dir=$(realpath "$top/export")
url="nfs://127.0.0.1$export_dir/images/nfs-cp.img?nfsport=$port&mountport=$((port + 1))"
opts=()
[ -n "${BENCH_INFLIGHT:-}" ] && opts+=(-n "$BENCH_INFLIGHT")
[ -n "${BENCH_BLOCK:-}" ] && opts+=(-b "$BENCH_BLOCK")

now_ms() { echo $(($(date +%s%N) / 1000000)); }
div() { awk "BEGIN { printf \"%.3f\", ($1) / ($2) }"; }

# timed NAME CMD...: run CMD after flushing the page cache's dirty data,
# print and record the wall time in ms; the file is then removed through
# NFS (ganesha keeps files deleted behind its back open)
declare -A times
timed() {
    local name=$1 file=$2 t0 t1 rc
    shift 2
    sync
    t0=$(now_ms)
    "$@" >"$top/out" 2>&1
    rc=$?
    t1=$(now_ms)
    if [ $rc -ne 0 ]; then
        echo "$name FAILED: $(tail -2 "$top/out")"
    else
        times[$name]="${times[$name]:-} $((t1 - t0))"
        printf '%-10s %6d ms  %7.1f MiB/s\n' "$name" $((t1 - t0)) \
            "$(div "$mib * 1000" $((t1 - t0)))"
    fi
    "$tool" rm "$server" "$export_dir" images "$file" >/dev/null 2>&1
}

echo "# $mib MiB from the page cache to ganesha on 127.0.0.1 ($export_dir), $runs runs"
for r in $(seq 1 "$runs"); do
    timed nfs-cp nfs-cp.img nfs-cp "$src" "$url"
    timed virtdeck virtdeck.img "$tool" "${opts[@]}" upload "$server" \
        "$export_dir" images "$src" virtdeck.img
done

median() {
    tr ' ' '\n' | grep . | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}
m_cp=$(echo "${times[nfs-cp]:-}" | median)
m_vd=$(echo "${times[virtdeck]:-}" | median)
if [ -z "$m_cp" ] || [ -z "$m_vd" ]; then
    echo "no figures: a run failed"
    exit 1
fi
printf 'median nfs-cp    %6d ms  %7.1f MiB/s\n' "$m_cp" "$(div "$mib * 1000" "$m_cp")"
printf 'median virtdeck  %6d ms  %7.1f MiB/s\n' "$m_vd" "$(div "$mib * 1000" "$m_vd")"
printf 'ratio virtdeck/nfs-cp: %.2fx\n' "$(div "$m_cp" "$m_vd")"
