#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A card prepared by OpenSC (key generated on the card, certificate written) is
# read by mdcard: the same certificate bytes and modulus as OpenSC shows, the
# certificate paired with its key by CKA_ID = SHA-1 of the modulus (computed
# here with openssl), the private key only after login, and -L -T -O -M work,
# with the card-backed RSA mechanisms flagged "hw".
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard

step "OpenSC generates an RSA-2048 key and writes its certificate"
id=$(opensc_key 2048 reader)
oid=$(cat "$T/reader.opensc-id")
ok opensc --read-object --type cert --id "$oid" -o "$T/opensc-cert.der"
cmp "$T/reader.cert.der" "$T/opensc-cert.der" || fail "OpenSC reads back another certificate"
[ "$(cert_id "$T/reader.cert.der")" = "$id" ] || fail "certificate and key moduli differ"

step "mdcard lists the token (-L, -T)"
ok mdcard -L
expect_out "token initialized"
ok mdcard -T
expect_out "GIDS "

step "before login: certificate and public key with CKA_ID $id, no private key"
ok mdcard -O
expect_out "Certificate Object"
expect_out "Public Key Object; RSA 2048 bits"
expect_out "subject:    DN: CN=reader"
reject_out "Private Key Object"
[ "$(grep -c "ID: *$id\$" "$T/out")" = 2 ] || { cat "$T/out" >&2; fail "certificate and public key do not both carry ID $id"; }

step "mdcard reads the same certificate bytes"
ok mdcard --read-object --type cert --id "$id" -o "$T/mdcard-cert.der"
cmp "$T/opensc-cert.der" "$T/mdcard-cert.der" || fail "mdcard's certificate differs from OpenSC's"

step "mdcard reads the same public key"
ok mdcard --read-object --type pubkey --id "$id" -o "$T/mdcard-pub.der"
[ "$(pubkey_id "$T/mdcard-pub.der")" = "$id" ] || fail "mdcard's public key has another modulus"
openssl pkey -pubin -inform DER -in "$T/mdcard-pub.der" -outform DER -out "$T/m.der" 2>/dev/null
openssl pkey -pubin -in "$T/reader.pub.pem" -outform DER -out "$T/o.der"
cmp "$T/m.der" "$T/o.der" || fail "public keys differ (exponent?)"

step "after login the private key appears with the same ID"
ok mdcard --login --pin "$PIN" -O --type privkey
expect_out "Private Key Object; RSA"
grep -q "ID: *$id\$" "$T/out" || { cat "$T/out" >&2; fail "private key lacks ID $id"; }

step "mechanisms (-M): PSS, SHA256-PSS, OAEP; card-backed ones flagged hw"
ok mdcard -M
for m in RSA-PKCS RSA-PKCS-PSS RSA-PKCS-OAEP; do
    grep -Eq "^ *$m, .*\bhw\b" "$T/out" || { cat "$T/out" >&2; fail "$m missing or not hw"; }
done
grep -Eq "^ *SHA256-RSA-PKCS-PSS, .*\bsign\b" "$T/out" || { cat "$T/out" >&2; fail "SHA256-RSA-PKCS-PSS missing"; }
grep -Eq "^ *RSA-PKCS-OAEP, .*\bdecrypt\b" "$T/out" || { cat "$T/out" >&2; fail "RSA-PKCS-OAEP cannot decrypt"; }
echo "PASS"
