#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Two processes: one has the token open (logged in, signing, having searched
# for certificates) while another writes a certificate through mdcard; the
# first sees the new certificate on its next search and still signs.
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard

step "a key generated through mdcard, no certificate yet"
id=$(md_keygen shared)
issue_cert "$T/shared.pub.pem" shared "$T/shared.der"

step "process 1 opens the token, signs, counts certificates and waits"
own_tool "$MDCARD_BUILD_DIR/p11-api-test" --sign-twice-wait "$T/go" > "$T/p1.out" 2>&1 &
p1=$!
wait_line "$T/p1.out" READY
grep -qx "CERTS1 0" "$T/p1.out" || { cat "$T/p1.out" >&2; fail "process 1 saw certificates before the write"; }
grep -qx "SIGN1 CKR_OK" "$T/p1.out" || { cat "$T/p1.out" >&2; fail "process 1 could not sign"; }

step "process 2 writes the certificate (pkcs11-tool --write-object)"
md_write_cert "$T/shared.der"

step "process 1 searches again: the new certificate is there"
touch "$T/go"
wait "$p1" || { cat "$T/p1.out" >&2; fail "process 1 failed"; }
cat "$T/p1.out"
grep -qx "CERTS2 1" "$T/p1.out" || fail "process 1 does not see the new certificate"
grep -qx "SIGN2 CKR_OK" "$T/p1.out" || fail "process 1 cannot sign after the other's write"
[ "$(cert_ids mdcard)" = "$id" ] || fail "a new process does not list the certificate under $id"
echo "PASS"
