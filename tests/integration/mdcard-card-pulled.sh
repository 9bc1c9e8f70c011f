#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The card is pulled during a signature (the simulator drops it at the second
# APDU after "fail-after 1" and re-inserts it 500 ms later): the signing call
# returns an error (no crash, no hang), and afterwards the token works again —
# in the same process (new session, login, signature) and in a new one.
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard

step "an RSA-2048 key made by OpenSC"
id=$(opensc_key 2048 pulled nocert)

step "sign across the cut, then recover (p11-api-test --sign-pulled)"
if ! own_tool timeout 90 "$MDCARD_BUILD_DIR/p11-api-test" --sign-pulled "$MDCARD_SIM_CTL" \
    > "$T/pulled.out" 2>&1; then
    cat "$T/pulled.out" >&2
    fail "the process failed, crashed or hung"
fi
cat "$T/pulled.out"
grep -q "^PULLED CKR_" "$T/pulled.out" || fail "no result of the cut signature"
grep -q "^PULLED CKR_OK$" "$T/pulled.out" && fail "the signature across the cut succeeded"
grep -q " 0 failed$" "$T/pulled.out" || fail "checks failed"

step "a new process: login and signature"
head -c 100 /dev/urandom > "$T/msg"
ok mdcard --login --pin "$PIN" --sign -m SHA256-RSA-PKCS --id "$id" -i "$T/msg" -o "$T/sig"
ok openssl dgst -sha256 -verify "$T/pulled.pub.pem" -signature "$T/sig" "$T/msg"
expect_out "Verified OK"
echo "PASS"
