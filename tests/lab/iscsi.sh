#!/bin/bash
# iscsi.sh: the iSCSI backend (src/sd_iscsi.c, through tests/iscsi-tool)
# against a real target: tgtd on 127.0.0.1 (iscsi-target.sh) with an open
# target of two LUNs of different sizes, a CHAP target, a target closed to
# other initiators and an offline one; and against portals that refuse, that
# accept and never answer, and that never answer at all.  Discovery, LUN
# listings (vendor, product, serial, device id, sizes), CHAP right, wrong
# and missing, clear messages, timeouts kept, a loop that never stalls,
# cancel, parallel operations, disk sources, no secret in any output or
# log, and nothing left behind.  Needs root (tgtd); installs tgt when
# missing.  Each run has its own ports and state folder.

# shellcheck disable=SC2154  # run() in lib.sh sets rc, out and err
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi
# shellcheck source=common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

TOOL=$top_builddir/tests/iscsi-tool
TARGET=$here/iscsi-target.sh

if [ "$(id -u)" -ne 0 ]; then
    skip_all "the iSCSI lab needs root to run tgtd"
fi
if [ ! -x "$TOOL" ]; then
    echo "Bail out! $TOOL is missing (make check builds it)"
    exit 1
fi
need_deps "tgt" bash "$TARGET" deps

# free_port VAR: a port nobody listens on, below the ephemeral range, not
# given out before in this run
used_ports=""
free_port() {
    local p _
    for _ in $(seq 1 100); do
        p=$((20000 + RANDOM % 12000))
        case " $used_ports " in *" $p "*) continue ;; esac
        ss -Hltn "sport = :$p" 2>/dev/null | grep -q . && continue
        [ -e "/run/tgtd/socket.$p" ] && continue
        used_ports="$used_ports $p"
        printf -v "$1" '%s' "$p"
        return 0
    done
    return 1
}

STATE=$T/target
PORT=""
pids=""
cleanup() {
    local p
    for p in $pids; do
        kill "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    [ -z "$PORT" ] || bash "$TARGET" stop "$STATE" "$PORT" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the target
t0=$(now_ms)
started=0
for attempt in 1 2 3 4 5; do
    free_port PORT || break
    if bash "$TARGET" start "$STATE" "$PORT" >"$T/start.out" 2>&1; then
        started=1
        break
    fi
done
if [ $started != 1 ]; then
    sed 's/^/# /' "$T/start.out"
    echo "Bail out! tgtd did not start"
    exit 1
fi
# shellcheck source=/dev/null
. "$STATE/target.env"
echo "# tgtd on $ISCSI_PORTAL ready in $(($(now_ms) - t0)) ms" \
    "(attempt $attempt)"
SECRET=$(cat "$ISCSI_CHAP_SECRET_FILE")
P=$ISCSI_PORTAL
OPEN=$ISCSI_TARGET_OPEN
CHAP=$ISCSI_TARGET_CHAP
NOPE=${ISCSI_TARGET_OPEN%:*}:no-such-target
CREDS=(--user "$ISCSI_CHAP_USER" --secret-file "$ISCSI_CHAP_SECRET_FILE")
LOG=$T/engine.log
: >"$T/all-output"

# iscsi OP ARGS...: run the tool with the engine's debug log; keeps $out,
# $err, $rc, the wall time in $ms, and from the tool the time from the
# operation's start to its end in $elapsed and the longest loop stall in
# $stall
iscsi() {
    local t
    t=$(now_ms)
    run "$TOOL" "$@" --log "$LOG"
    ms=$(($(now_ms) - t))
    elapsed=$(printf '%s\n' "$err" |
        sed -n 's/^# elapsed \([0-9]*\) ms.*/\1/p')
    stall=$(printf '%s\n' "$err" |
        sed -n 's/.*longest loop stall \([0-9]*\) ms.*/\1/p')
    printf '%s\n%s\n' "$out" "$err" >>"$T/all-output"
}

# field LUN NAME: a value from a LUN listing in $out
field() {
    printf '%s\n' "$out" | sed -n "s/^lun $1 $2 //p"
}

# ---- discovery
iscsi discover "$P" --timeout 5
is "$rc" 0 "discovery without CHAP succeeds"
like "$out" "^target $OPEN $P\$" \
    "discovery lists the open target at its portal"
like "$out" "^target $CHAP " "discovery lists the CHAP target"
printf '%s\n' "$out" | grep -q "$ISCSI_TARGET_CLOSED"
ok $((!$?)) "discovery hides the target closed to this initiator"
echo "# discovery in $ms ms"

# ---- LUNs of the open target
iscsi luns "$P" "$OPEN" --timeout 5
is "$rc" 0 "the open target's LUNs are listed"
is "$(printf '%s\n' "$out" | awk '{print $2}' | sort -u | xargs)" "1 2" \
    "two disk LUNs, tgt's controller LUN 0 left out"
is "$(field 1 size)" 67108864 "LUN 1 is 64 MiB"
is "$(field 2 size)" 100663296 "LUN 2 is 96 MiB"
is "$(field 1 block-size)/$(field 2 block-size)" 512/512 "512-byte blocks"
is "$(field 1 vendor)/$(field 1 product)/$(field 1 revision)" \
    VIRTDECK/LABDISK/0001 "vendor, product and revision from INQUIRY"
is "$(field 1 serial) $(field 2 serial)" \
    "$ISCSI_SERIAL_OPEN_1 $ISCSI_SERIAL_OPEN_2" "serials from VPD page 0x80"
like "$(field 1 device-id)" '^naa\.[0-9a-f]{32}$' \
    "LUN 1 has an NAA device id from VPD page 0x83"
like "$(field 2 device-id)" '^naa\.[0-9a-f]{32}$' \
    "LUN 2 has an NAA device id"
[ "$(field 1 device-id)" != "$(field 2 device-id)" ]
ok $? "the two device ids differ"
grep -q "unit attention on LUN 1, retrying" "$LOG"
ok $? "the UNIT ATTENTION after login was retried"
[ -n "$stall" ] && [ "$stall" -lt 100 ]
ok $? "the listing never stalled the loop (longest ${stall:-?} ms)"
echo "# LUN listing in $ms ms"

# ---- CHAP
iscsi luns "$P" "$CHAP" "${CREDS[@]}" --timeout 5
is "$rc" 0 "login with the right CHAP secret works"
is "$(field 1 serial)/$(field 1 size)" "$ISCSI_SERIAL_CHAP_1/33554432" \
    "the CHAP target's LUN is listed"
iscsi discover "$P" "${CREDS[@]}" --timeout 5
is "$rc" 0 "discovery with CHAP credentials works"
like "$out" "^target $CHAP " "and lists the CHAP target"
WRONG="not-${SECRET}-x"
export WRONG
iscsi luns "$P" "$CHAP" --user "$ISCSI_CHAP_USER" \
    --secret-env WRONG --timeout 5
is "$rc" 1 "a wrong CHAP secret fails"
msg="target '$CHAP' at $P refused the CHAP credentials"
msg="$msg for user '$ISCSI_CHAP_USER': check the secret"
like "$err" "$msg" "with a clear message"
iscsi luns "$P" "$CHAP" --timeout 5
is "$rc" 1 "no CHAP credentials fail"
like "$err" "target '$CHAP' at $P requires CHAP: give a CHAP user and" \
    "the message says CHAP is required"

# ---- targets that refuse
iscsi luns "$P" "$NOPE" --timeout 5
is "$rc" 1 "an unknown target fails"
like "$err" "the portal $P has no target '$NOPE'" \
    "the message names the portal and the target"
iscsi luns "$P" "$ISCSI_TARGET_CLOSED" --timeout 5
like "$rc:$err" "^1:.*check the IQN and the target's access list" \
    "a target closed to this initiator points at its access list"
iscsi luns "$P" "$ISCSI_TARGET_CLOSED" --timeout 5 \
    --initiator "$ISCSI_CLOSED_INITIATOR"
is "$rc:$(field 1 size)" 0:8388608 "the allowed initiator name logs in"
iscsi luns "$P" "$ISCSI_TARGET_OFFLINE" --timeout 5
is "$rc" 1 "an offline target refuses the login"
msg="target '$ISCSI_TARGET_OFFLINE' at $P refused the login with a target"
msg="$msg error \(status 0x0300\): check that it is online"
like "$err" "$msg" "with a clear message"

# ---- portals that refuse, hang or never answer
free_port CLOSED
iscsi luns "127.0.0.1:$CLOSED" "$OPEN" --timeout 5
is "$rc" 1 "a closed port fails"
msg="nothing listens on 127.0.0.1:$CLOSED \(connection refused\): check"
msg="$msg the portal address and that the target runs"
like "$err" "$msg" "with a clear message"
[ "${elapsed:-9999}" -lt 500 ]
ok $? "at once (${elapsed:-?} ms; $ms ms with start-up)"

free_port SILENT
"$TOOL" silent "127.0.0.1:$SILENT" >"$T/silent.out" 2>&1 &
pids="$pids $!"
free_port DEAF
"$TOOL" silent "127.0.0.1:$DEAF" --no-accept >"$T/deaf.out" 2>&1 &
pids="$pids $!"
wait_for 5 grep -q ready "$T/silent.out" &&
    wait_for 5 grep -q ready "$T/deaf.out"
ok $? "the silent portals listen"

iscsi luns "127.0.0.1:$SILENT" "$OPEN" --timeout 2
is "$rc" 1 "a portal that accepts and never answers times out"
msg="127.0.0.1:$SILENT accepts connections but gave no iSCSI answer"
like "$err" "$msg within 2 s" "with a clear message"
[ "${elapsed:-0}" -ge 1990 ] && [ "$elapsed" -lt 2500 ]
ok $? "after the timeout of 2 s (${elapsed:-?} ms; $ms ms with start-up)"
[ -n "$stall" ] && [ "$stall" -lt 100 ]
ok $? "the loop kept running meanwhile (longest stall ${stall:-?} ms)"

iscsi discover "127.0.0.1:$DEAF" --timeout 2
is "$rc" 1 "a portal that never answers times out"
msg="no answer from 127.0.0.1:$DEAF within 2 s: check the portal address"
like "$err" "$msg and that the target runs" "with a clear message"
[ "${elapsed:-0}" -ge 1990 ] && [ "$elapsed" -lt 2500 ]
ok $? "after the timeout of 2 s (${elapsed:-?} ms; $ms ms with start-up)"

iscsi luns "127.0.0.1:$SILENT" "$OPEN" --timeout 10 \
    --cancel-after 0.3
is "$rc" 0 "a hung operation is cancelled without calling back"
like "$out" "^cancelled after [0-9]+ ms" "when asked ($out)"

# ---- several operations at once on one loop
iscsi luns "$P" "$OPEN" --parallel 10 --timeout 10
is "$rc:$out" "0:ok 10 of 10" "ten listings at once all succeed ($ms ms)"

# ---- what the engine gives QEMU
iscsi source "$P" "$CHAP" 1 --user "$ISCSI_CHAP_USER" \
    --usage virtdeck-chap
is "$rc" 0 "a disk source is built"
like "$out" "<source protocol=\"iscsi\" name=\"$CHAP/1\">" \
    "protocol iscsi, name IQN/LUN"
like "$out" "<host name=\"127.0.0.1\" port=\"$PORT\"/>" "host and port"
like "$out" "<secret type=\"iscsi\" usage=\"virtdeck-chap\"/>" \
    "CHAP through a libvirt secret"
iscsi url "$P" "$OPEN" 2
is "$out" "iscsi://$P/$OPEN/2" "the LUN's URL"
iscsi luns "storage.example:3260" "$OPEN"
like "$rc:$err" "^2:.*'storage.example:3260' is not an iSCSI portal" \
    "a host name is refused up front"

# ---- secrets
cat "$LOG" >>"$T/all-output"
grep -qF -- "$SECRET" "$T/all-output"
ok $((!$?)) "the CHAP secret is in no output and no log"
grep -qF -- "$WRONG" "$T/all-output"
ok $((!$?)) "nor the wrong one"

# ---- nothing left behind
t0=$(now_ms)
bash "$TARGET" stop "$STATE" "$PORT" >"$T/stop.out" 2>&1
ok $? "the target stops ($(($(now_ms) - t0)) ms)"
! ss -Hltn "sport = :$PORT" | grep -q .
ok $? "nothing listens on its port any more"
[ ! -e "/run/tgtd/socket.$PORT" ] && [ ! -e "/run/tgtd/socket.$PORT.lock" ]
ok $? "its control socket is gone"
is "$(ls -A "$STATE")" "" "its state folder is empty"
tgtd_state=$(sed 's/^.*) //' "/proc/$TGTD_PID/stat" 2>/dev/null | cut -d' ' -f1)
[ -z "$tgtd_state" ] || [ "$tgtd_state" = Z ]
ok $? "tgtd $TGTD_PID is gone"
PORT=""

done_testing
