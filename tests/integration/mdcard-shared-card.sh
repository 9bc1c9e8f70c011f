#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The card is shared with other processes while an mdcard process is logged in:
# another process selects another application on the card (which logs GIDS
# out) and then runs OpenSC; mdcard's next signature still works with the PIN
# cache on (default), and fails cleanly with CKR_USER_NOT_LOGGED_IN with
# MDCARD_PIN_CACHE=0. Another process writing a certificate is seen by the
# next search in mdcard's still-open session.
# Needs: tests/with-card --other-aid A000000308000010000100
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard
OTHER_AID="A0 00 00 03 08 00 00 10 00 01 00"

step "an RSA-1024 key made by OpenSC (no certificate yet)"
id=$(opensc_key 1024 shared nocert)
oid=$(cat "$T/shared.opensc-id")

# run_logged_in NAME ACTION: mdcard logs in and signs, ACTION runs, mdcard signs again.
run_logged_in() {
    local name=$1 action=$2 pid
    rm -f "$T/go-$name"
    p11api --sign-twice-wait "$T/go-$name" > "$T/$name.out" 2>&1 &
    pid=$!
    wait_line "$T/$name.out" READY
    grep -q "^SIGN1 CKR_OK$" "$T/$name.out" || { cat "$T/$name.out" >&2; fail "$name: first signature failed"; }
    $action
    touch "$T/go-$name"
    wait "$pid" || { cat "$T/$name.out" >&2; fail "$name: the mdcard process failed"; }
    cat "$T/$name.out"
}
other_app_then_opensc() {
    ok opensc-tool -s "00 A4 04 00 0B $OTHER_AID"
    expect_out "SW1=0x90, SW2=0x00"
    # GIDS is deselected now: its SELECT of the other application logged the PIN out.
    ok opensc-tool -s "00 A4 04 00 0B $OTHER_AID" -s "00 CB 3F FF 04 5C 02 7F 71 00"
    expect_out "SW1=0x6D, SW2=0x00"
    ok opensc -O
    expect_out "Public Key Object"
}

step "PIN cache on: another application selected, OpenSC run, mdcard signs again"
run_logged_in cache other_app_then_opensc
grep -q "^SIGN2 CKR_OK$" "$T/cache.out" || fail "with the PIN cache the second signature must work"

step "MDCARD_PIN_CACHE=0: the second signature fails with CKR_USER_NOT_LOGGED_IN"
MDCARD_PIN_CACHE=0 run_logged_in nocache other_app_then_opensc
grep -q "^SIGN2 CKR_USER_NOT_LOGGED_IN$" "$T/nocache.out" ||
    fail "without the PIN cache the second signature must fail with CKR_USER_NOT_LOGGED_IN"

step "the card still works for a fresh mdcard process"
head -c 100 /dev/urandom > "$T/msg"
ok mdcard --login --pin "$PIN" --sign -m SHA256-RSA-PKCS --id "$id" -i "$T/msg" -o "$T/sig"
ok openssl dgst -sha256 -verify "$T/shared.pub.pem" -signature "$T/sig" "$T/msg"
expect_out "Verified OK"

step "OpenSC writes a certificate while mdcard's session is open: mdcard's next search sees it"
opensc_writes_cert() {
    issue_cert "$T/shared.pub.pem" "shared" "$T/shared.cert.der"
    ok opensc --login --pin "$PIN" --write-object "$T/shared.cert.der" --type cert --id "$oid"
}
run_logged_in write opensc_writes_cert
c1=$(sed -n 's/^CERTS1 //p' "$T/write.out")
c2=$(sed -n 's/^CERTS2 //p' "$T/write.out")
[ -n "$c1" ] && [ "$c2" = $((c1 + 1)) ] || fail "certificates before/after: '$c1' / '$c2'"
grep -q "^SIGN2 CKR_OK$" "$T/write.out" || fail "signature after the foreign write failed"
ok mdcard --read-object --type cert --id "$id" -o "$T/back.der"
cmp "$T/shared.cert.der" "$T/back.der" || fail "mdcard reads another certificate than OpenSC wrote"
echo "PASS"
