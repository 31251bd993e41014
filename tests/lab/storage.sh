#!/bin/bash
# storage.sh: storage domains through virtdeck's CLI against real servers:
# an NFS ISO domain (nfs-ganesha) checked for 36:36 and writability, an
# export not owned 36:36 refused with the fix, an ISO uploaded as 0640
# 36:36 with the same bytes and listed; iSCSI discovery and a data domain
# on a LUN (tgtd), with CHAP; the domains attached to a data center, which
# then has an SPM.
# shellcheck disable=SC2154
if [ -z "${BASH_VERSION:-}" ]; then
    exec bash "$0" "$@"
fi
# shellcheck source=common.sh
. "$(cd "$(dirname "$0")" && pwd)/common.sh"

[ "$(id -u)" -eq 0 ] || skip_all "the NFS and iSCSI servers need root"
NFS=$here/nfs-server.sh
ISCSI=$here/iscsi-target.sh
if ! bash "$NFS" deps >/dev/null 2>&1 || ! bash "$ISCSI" deps >/dev/null 2>&1; then
    [ "${CI:-}" = true ] && { echo "Bail out! the storage packages did not install"; exit 1; }
    skip_all "nfs-ganesha or tgt is missing and did not install"
fi
if [ ! -f /usr/lib/ipxe/ipxe.iso ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ipxe >/dev/null 2>&1 ||
        skip_all "the ipxe package (its ISO is the upload sample) did not install"
fi

NSTATE=$T/nfs
ISTATE=$T/iscsi
NPORT=$((26000 + RANDOM % 1500 * 2))
IPORT=$((21000 + RANDOM % 4000))
EXP=$T/exports
mkdir -p "$EXP/iso" "$EXP/bad"
chown 36:36 "$EXP/iso"
cleanup() {
    bash "$NFS" stop "$NSTATE" >/dev/null 2>&1
    bash "$ISCSI" stop "$ISTATE" "$IPORT" >/dev/null 2>&1
    rm -rf "$T"
}
trap cleanup EXIT
SERVER=$(bash "$NFS" start "$NSTATE" "$NPORT" "$EXP/iso" "$EXP/bad" 2>"$T/nfs.err")
ok $? "nfs-ganesha serves two exports"
[ -n "$SERVER" ] || { sed 's/^/# /' "$T/nfs.err"; echo "Bail out! no NFS server"; exit 1; }
bash "$ISCSI" start "$ISTATE" "$IPORT" >/dev/null 2>"$T/iscsi.err"
r=$?
[ "$r" -eq 0 ] || sed "s/^/# /" "$T/iscsi.err"
ok "$r" "tgtd serves its targets"
. "$ISTATE/target.env"

DB=$T/st.db
VDS() { "$VD" --db "$DB" "$@"; }
VDS dc add lab >/dev/null
VDS cluster add c --dc lab >/dev/null
VDS host add h1 "test://$VIRTDECK_DATADIR/demo/host1.xml" --cluster c --no-check >/dev/null

# --- NFS ---
run VDS storage add isos --role iso --nfs "$SERVER:$EXP/iso"
is "$rc" 0 "an NFS ISO domain owned 36:36 is added"
like "$out" "free of" "with its space"
ok "$([ -d "$EXP/iso/images" ]; echo $?)" "its images/ folder was made"
run VDS storage add bad --role iso --nfs "$SERVER:$EXP/bad"
is "$rc" 1 "an export owned 0:0 is refused"
like "$err" "chown 36:36" "with the command to run"
run VDS storage add nowhere --role iso --nfs "127.0.0.1:1:2:$EXP/iso"
is "$rc" 1 "a server that is not there is refused"
run VDS iso upload --domain isos /usr/lib/ipxe/ipxe.iso
is "$rc" 0 "ipxe.iso uploaded"
F=$EXP/iso/images/ipxe.iso
is "$(stat -c '%a %u:%g' "$F" 2>/dev/null)" "640 36:36" "mode 0640, owner 36:36"
cmp -s "$F" /usr/lib/ipxe/ipxe.iso
ok $? "the same bytes"
run VDS iso upload --domain isos /usr/lib/ipxe/ipxe.iso
is "$rc" 1 "a second upload does not overwrite"
run VDS iso upload --domain isos /usr/lib/ipxe/ipxe.iso --force
is "$rc" 0 "--force replaces it"
run VDS iso list isos
like "$out" 'ipxe.iso .* 0640  36:36' "iso list shows it"
run VDS iso upload --domain isos "$T/../x"
is "$rc" 1 "a missing local file is refused"

# --- iSCSI ---
run VDS storage discover "$ISCSI_PORTAL"
is "$rc" 0 "iSCSI discovery"
like "$out" "$ISCSI_TARGET_OPEN" "finds the open target"
run VDS storage luns "$ISCSI_PORTAL" --target "$ISCSI_TARGET_OPEN"
like "$out" "VIRTDECK .*LABDISK" "lists its LUNs with vendor and product"
SECRET=$(cat "$ISCSI_CHAP_SECRET_FILE")
run VDS storage add san --iscsi "$ISCSI_PORTAL" --target "$ISCSI_TARGET_CHAP" \
    --lun 1 --chap-user "$ISCSI_CHAP_USER" --chap-secret-file "$ISCSI_CHAP_SECRET_FILE"
is "$rc" 0 "an iSCSI data domain with CHAP is added"
printf 'wrong-secret\n' >"$T/wrong"
run VDS storage add san2 --iscsi "$ISCSI_PORTAL" --target "$ISCSI_TARGET_CHAP" \
    --lun 1 --chap-user "$ISCSI_CHAP_USER" --chap-secret-file "$T/wrong"
is "$rc" 1 "a wrong CHAP secret is refused"
like "$err" "check the secret" "saying so"
ok "$(grep -rqF "$SECRET" "$DB"* 2>/dev/null; [ $? -ne 0 ]; echo $?)" \
    "the secret is not in the database"

# --- rules ---
run VDS storage attach san --dc lab
is "$rc" 0 "the data domain is attached"
run VDS storage attach isos --dc lab
is "$rc" 0 "the ISO domain is attached"
run VDS --dump
like "$out" '^dc lab  Up  spm h1' "the data center is Up with an SPM"
like "$out" 'storage isos +iso +nfs +active' "the ISO domain is active"
done_testing
