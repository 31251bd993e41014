#!/bin/bash
# iscsi-chap.sh: VM disks on an iSCSI data domain that logs in with CHAP,
# on real libvirtd + QEMU hosts with tgtd:
#  - a CHAP iSCSI data domain is added and attached;
#  - a create without the secret, or with a wrong one, is refused saying
#    why, and leaves nothing behind (no domain, no libvirt secret);
#  - a create whose VM does not start removes the libvirt secrets it
#    defined on the hosts again;
#  - in the console's create form a "CHAP secret" field appears when the
#    chosen domain uses CHAP, is required, and shows only '*';
#  - `vm create --chap-secret-file` defines a private libvirt secret of
#    usage type iscsi on both hosts (its value unreadable), the domain XML
#    names it in <auth> without the value, the guest boots from the LUN,
#    migrates live to the other host without a copy and goes on ticking;
#  - the secret appears nowhere in virtdeck's log, database or events.
# tgtd listens on the standard port 3260, so the whole test runs in a
# private network namespace with only lo and a private /run, as
# shared-storage.sh does.
# shellcheck disable=SC2154
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi
# shellcheck source=lib-netns.sh
. "$(cd "$(dirname "$0")" && pwd)/lib-netns.sh"
netns_enter "the CHAP lab" \
    "the lab's packages" bash "$(dirname "$0")/lab.sh" deps -- \
    "tgt" bash "$(dirname "$0")/iscsi-target.sh" deps
netns_setup vdchap-run

LAB_N=2
LAB_IP_BASE=75
# shellcheck source=lib-lab.sh
. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib-lab.sh"

ISCSI=$here/iscsi-target.sh
ISTATE=$T/iscsi
ss_cleanup() {
    bash "$ISCSI" stop "$ISTATE" 3260 >/dev/null 2>&1
    [ -n "${TMUX_UP:-}" ] && console_stop
    lab_cleanup
    netns_cleanup
}
trap ss_cleanup EXIT

if ! bash "$ISCSI" start "$ISTATE" 3260 >/dev/null 2>"$T/iscsi.err"; then
    sed 's/^/# /' "$T/iscsi.err"
    echo "Bail out! tgtd did not start on port 3260"
    exit 1
fi
. "$ISTATE/target.env"
ok 0 "tgtd serves its targets on 127.0.0.1:3260"
SECRET=$(cat "$ISCSI_CHAP_SECRET_FILE")
ok "$([ ${#SECRET} -ge 12 ]; echo $?)" "the CHAP target has a secret of ${#SECRET} characters"

# virtdeck's debug log, to look for the secret in at the end
printf 'log_file = "%s";\n' "$T/virtdeck.log" >>"$T/lab.conf"

virsh_on() {  # virsh_on HOST_INDEX ARGS...
    local i=$1
    shift
    eval "virsh -q -c \"\$LAB_URI_$i\"" '"$@"'
}
secret_uuids() {  # the UUIDs of host I's secrets of usage virtdeck-chapdata
    virsh_on "$1" secret-list 2>/dev/null |
        awk '$0 ~ /virtdeck-chapdata/ {print $1}'
}
no_secrets() { [ -z "$(secret_uuids 1)$(secret_uuids 2)" ]; }
no_domain() {  # no_domain NAME: neither host has it
    ! virsh_on 1 dominfo "$1" >/dev/null 2>&1 &&
        ! virsh_on 2 dominfo "$1" >/dev/null 2>&1
}
serial() { eval "echo \"\$LAB_LOG_$1/$2-serial.log\""; }
last_tick() {
    sed -n 's/^tick \([0-9]*\).*/\1/p' "$1" 2>/dev/null | tail -n 1
}
ticks_past() {
    local n
    n=$(last_tick "$1")
    [ -n "$n" ] && [ "$n" -gt "$2" ]
}
local_images() { eval "ls \"\$LAB_ROOT/host$1/lib/images\"" 2>/dev/null | sort; }

# --- the domain ---
run VDL storage add chapdata --iscsi "$ISCSI_PORTAL" --target \
    "$ISCSI_TARGET_CHAP" --lun 1 --chap-user "$ISCSI_CHAP_USER" \
    --chap-secret-file "$ISCSI_CHAP_SECRET_FILE"
is "$rc" 0 "an iSCSI data domain with CHAP is added"
[ "$rc" = 0 ] || echo "# $out $err"
run VDL storage attach chapdata --dc lab
is "$rc" 0 "and attached to data center lab"
spm_line() { VDL --dump | grep -i 'spm'; }
wait_for 20 spm_line >/dev/null
ok $? "data center lab has an SPM"

# --- refusals that leave nothing behind ---
run VDL vm create nosecret --cluster lab-cluster --memory 64 \
    --storage-domain chapdata --graphics none
ok "$([ "$rc" != 0 ]; echo $?)" "a VM on the CHAP domain without its secret is refused"
like "$err" "logs in with CHAP as user '$ISCSI_CHAP_USER'.*--chap-secret-file" \
    "saying to give the secret"

printf 'not-the-secret\n' >"$T/wrong.secret"
run VDL -v vm create badvm --cluster lab-cluster --memory 64 \
    --storage-domain chapdata --chap-secret-file "$T/wrong.secret" \
    --graphics none
ok "$([ "$rc" != 0 ]; echo $?)" "a wrong CHAP secret is refused"
like "$err" "CHAP login to storage domain 'chapdata' failed.*refused the CHAP credentials" \
    "saying the target refused the credentials"
like "$err" "Nothing was changed on the hosts" "and that nothing was changed"
no_domain badvm
ok $? "no host has the VM"
no_secrets
ok $? "no host has a libvirt secret for the domain"

run VDL vm create nochap --cluster lab-cluster --memory 64 \
    --pool default --disk-size 1 --chap-secret-file "$ISCSI_CHAP_SECRET_FILE"
ok "$([ "$rc" != 0 ]; echo $?)" "--chap-secret-file without --storage-domain is refused"

# a VM that cannot start (its run-once kernel is missing): the secrets
# this create defined go again
run VDL -v vm create failvm --cluster lab-cluster --host labhost1 \
    --memory 64 --storage-domain chapdata \
    --chap-secret-file "$ISCSI_CHAP_SECRET_FILE" --graphics none \
    --kernel /nonexistent/vmlinuz --start
ok "$([ "$rc" != 0 ]; echo $?)" "a VM that does not start is not created"
like "$err" "did not start" "saying why"
like "$err" "libvirt secret 'virtdeck-chapdata' this create defined was removed again from labhost1, labhost2" \
    "and that the secrets it defined were removed from both hosts"
no_domain failvm
ok $? "no host has the VM"
no_secrets
ok $? "no host has the secret any more"

# --- the console's create form ---
if command -v tmux >/dev/null 2>&1; then
    # shellcheck source=lib-console.sh
    . "$here/lib-console.sh"
    TMUX_UP=1
    console_start -v
    wait_screen 20 'Hosts 2/2 up'
    ok $? "the console shows both lab hosts Up"
    keys j
    wait_screen 5 'Hosts of lab-cluster'
    keys c
    wait_screen 5 'Create a VM'
    ok $? "c opens the create form"
    shows 'CHAP secret'
    ok "$([ $? != 0 ]; echo $?)" "without a CHAP domain chosen there is no CHAP secret field"
    type_text uivm
    keys Tab Tab Tab Tab C-u
    type_text 64
    keys Tab Space
    wait_screen 5 'Disk on +chapdata'
    ok $? "the form offers the CHAP domain for the disk"
    wait_screen 5 'CHAP secret'
    ok $? "a CHAP secret field appears under it"
    keys Enter
    wait_screen 5 "logs in with CHAP as user '$ISCSI_CHAP_USER': type its"
    ok $? "Enter without the secret says to type it"
    type_text "$SECRET"

    wait_screen 5 "CHAP secret +\\*{${#SECRET}}"
    ok $? "the secret shows as ${#SECRET} '*'"
    screen | grep -qF -- "$SECRET"
    ok "$([ $? != 0 ]; echo $?)" "and never in clear"
    keys Enter
    wait_screen 90 "VM 'uivm' created on host 'labhost[12]'"
    ok $? "the VM is created from the form"
    uihost=$(screen | sed -n "s/.*VM 'uivm' created on host 'labhost\([12]\)'.*/\1/p" | head -n 1)
    virsh_on "${uihost:-1}" dumpxml uivm >"$T/uivm.xml" 2>/dev/null
    grep -q "<secret type='iscsi' usage='virtdeck-chapdata'/>" "$T/uivm.xml"
    ok $? "its disk names the hosts' secret"
    keys q
    sleep 0.3
    keys y
    console_stop
    TMUX_UP=
    run VDL vm delete uivm
    is "$rc" 0 "it is deleted again (its LUN is free for the CLI's VM)"
fi

# --- a VM on the CHAP domain from the CLI ---
run VDL -v vm create chapvm --cluster lab-cluster --host labhost1 \
    --memory 64 --storage-domain chapdata \
    --chap-secret-file "$ISCSI_CHAP_SECRET_FILE" --boot disk --graphics none
is "$rc" 0 "a VM with its disk on the CHAP domain is created"
[ "$rc" = 0 ] || echo "# $out $err"
for i in 1 2; do
    u=$(secret_uuids "$i")
    ok "$([ -n "$u" ] && [ "$(echo "$u" | wc -l)" = 1 ]; echo $?)" \
        "labhost$i has one libvirt secret of usage virtdeck-chapdata"
    virsh_on "$i" secret-dumpxml "$u" >"$T/secret$i.xml" 2>/dev/null
    grep -q "<secret ephemeral='no' private='yes'>" "$T/secret$i.xml"
    ok $? "labhost$i: persistent and private"
    grep -q "<description>virtdeck: CHAP of storage domain chapdata</description>" \
        "$T/secret$i.xml"
    ok $? "labhost$i: described as the domain's CHAP"
    run virsh_on "$i" secret-get-value "$u"
    ok "$([ "$rc" != 0 ] && ! printf '%s' "$out" | grep -qF -- "$SECRET"; echo $?)" \
        "labhost$i: its value cannot be read back (${err##*: })"
done
virsh_on 1 dumpxml chapvm >"$T/chapvm.xml" 2>/dev/null
grep -q "protocol='iscsi' name='$ISCSI_TARGET_CHAP/1'" "$T/chapvm.xml"
ok $? "its disk is LUN 1 of the CHAP target as an iscsi:// network disk"
grep -q "<auth username='$ISCSI_CHAP_USER'>" "$T/chapvm.xml"
ok $? "with auth as the CHAP user"
grep -q "<secret type='iscsi' usage='virtdeck-chapdata'/>" "$T/chapvm.xml"
ok $? "naming the hosts' secret by its usage"
virsh_on 1 dumpxml --security-info chapvm | grep -qF -- "$SECRET"
ok "$([ $? != 0 ]; echo $?)" "the secret's value is not in the domain XML"

dd if="$GUEST_IMG" of="$ISTATE/chap-lun1.img" bs=512 count=1 conv=notrunc \
    status=none
run VDL vm start chapvm
is "$rc" 0 "it starts (QEMU logs in with the host's secret)"
[ "$rc" = 0 ] || echo "# $out $err"
wait_for 60 grep -q '^tick 2' "$(serial 1 chapvm)"
ok $? "its guest boots from the CHAP LUN and ticks"

before_local=$(local_images 1; local_images 2)
n=$(last_tick "$(serial 1 chapvm)")
run VDL vm migrate chapvm --to labhost2
is "$rc" 0 "chapvm migrates live to labhost2"
[ "$rc" = 0 ] || echo "# $out $err"
printf '%s\n' "$out$err" | grep -qi 'copy'
ok "$([ $? != 0 ]; echo $?)" "without copying its storage"
is "$(domstate 2 chapvm)" "running" "chapvm runs on labhost2"
wait_for 30 ticks_past "$(serial 2 chapvm)" "${n:-0}"
ok $? "its guest goes on ticking on labhost2 (from tick ${n:-?})"
is "$(local_images 1; local_images 2)" "$before_local" \
    "nothing was copied into the hosts' local storage"

# --- the secret stays out of virtdeck's records ---
ok "$([ -s "$T/virtdeck.log" ]; echo $?)" "virtdeck wrote its debug log"
grep -qF -- "$SECRET" "$T/virtdeck.log"
ok "$([ $? != 0 ]; echo $?)" "the secret is not in virtdeck's log"
grep -aqF -- "$SECRET" "$DB" "$DB"-* 2>/dev/null
ok "$([ $? != 0 ]; echo $?)" "nor in its database"
run VDL events --json
like "$out" "secret-define" "the events record that the secret was defined"
like "$out" "virtdeck-chapdata" "naming the libvirt secret"
printf '%s\n' "$out" | grep -qF -- "$SECRET"
ok "$([ $? != 0 ]; echo $?)" "but the secret is not in the events"

done_testing
