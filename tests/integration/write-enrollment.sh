#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The offline enrollment story end to end (DESIGN.md §5): mdcard generates a
# key on a card initialized by gids-tool; openssl makes a CSR through libp11's
# engine on mdcard; an openssl CA signs it; in a new process pkcs11-tool writes
# the certificate through mdcard without --id. Then, read independently:
# OpenSC lists the certificate with its key and signs with it; mdcard lists it
# under the key's CKA_ID; the simulator's card holds a compressed kxc00 that
# inflates to the certificate, one new master-table record, an unchanged
# cmapfile and a cardcf with files and containers each +1, all else identical.
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard

card_dump "$T/d0"

step "key generation through mdcard (pkcs11-tool --keypairgen --key-type rsa:2048)"
ok mdcard --login --pin "$PIN" --keypairgen --key-type rsa:2048
id=$(last_id)
[[ "$id" =~ ^[0-9a-f]{40}$ ]] || { cat "$T/out" >&2; fail "no 20-byte CKA_ID for the new key: '$id'"; }
ok mdcard --read-object --type pubkey --id "$id" -o "$T/pub.der"
ok openssl pkey -pubin -inform DER -in "$T/pub.der" -out "$T/pub.pem"
[ "$(pubkey_id "$T/pub.pem")" = "$id" ] || fail "CKA_ID $id is not SHA-1 of the new key's modulus"
card_dump "$T/d1"
expect_cardcf "$T/d0" "$T/d1" 0 1 1
cmap_list "$T/d1" > "$T/cmap1"
[ "$(wc -l < "$T/cmap1")" = 1 ] || { cat "$T/cmap1" >&2; fail "cmapfile should hold one record"; }
read -r _ flags sig kx name < "$T/cmap1"
[ "$flags" = 03 ] || fail "container 0 flags $flags, want 03 (valid|default: the first container)"
[ "$sig/$kx" = 0/2048 ] || fail "container 0 sizes sig $sig kx $kx, want a 2048-bit key-exchange key"
[ "$name" != - ] || fail "container 0 has no name"
modulus=$(openssl rsa -pubin -in "$T/pub.pem" -noout -modulus | sed 's/^Modulus=//')
grep -q "^  key n $modulus\$" "$T/d1" || fail "no key file on the card holds the exported modulus"

step "CSR signed on the card through openssl's pkcs11 engine on mdcard"
engine_conf "$MDCARD_MODULE" "$T/engine.cnf"
uri="pkcs11:id=$(printf '%s' "$id" | sed 's/../%&/g');type=private;pin-value=$PIN"
csr_failed=
if with_module_preload env OPENSSL_CONF="$T/engine.cnf" openssl req -new -engine pkcs11 \
    -keyform engine -key "$uri" -subj "/CN=enrolled user" -out "$T/req.csr" > "$T/out" 2>&1; then
    ok openssl req -in "$T/req.csr" -noout -verify
    [ "$(openssl req -in "$T/req.csr" -noout -modulus | modulus_sha1)" = "$id" ] ||
        fail "the CSR carries another public key"
    step "the CA signs the request (offline)"
    sign_csr "$T/req.csr" "enrolled user" "$T/cert.der"
else
    # Recorded, and the story goes on with a certificate issued for the exported
    # public key, so that the write is still proven; the test fails at the end.
    cat "$T/out" >&2
    csr_failed=1
    echo "FAILED (reported at the end): openssl req through the pkcs11 engine on mdcard"
    issue_cert "$T/pub.pem" "enrolled user" "$T/cert.der"
fi
[ "$(cert_id "$T/cert.der")" = "$id" ] || fail "certificate is not for the key"
openssl x509 -inform DER -in "$T/cert.der" -pubkey -noout > "$T/certpub.pem"

step "a new process writes the certificate (pkcs11-tool --write-object, no --id)"
card_dump "$T/d2"
ok mdcard --write-object "$T/cert.der" --type cert --login --pin "$PIN"
card_dump "$T/d3"

step "the card: compressed kxc00, one new master-table record, cmapfile unchanged, cardcf +1/+1"
diff <(mft_list "$T/d2") <(mft_list "$T/d3") | sed -n 's/^> //p' > "$T/newrec"
[ "$(wc -l < "$T/newrec")" = 1 ] || { cat "$T/newrec" >&2; fail "want exactly one new master-table record"; }
read -r rname rtag ref < "$T/newrec"
[ "$rname $ref" = "mscp/kxc00 A010" ] || fail "new record is '$rname $rtag $ref', want mscp/kxc00 in A010"
[ "$(mft_list "$T/d2" | wc -l)" = "$(($(mft_list "$T/d3" | wc -l) - 1))" ] || fail "a record was removed"
cert_from_card "$T/d3" kxc00 "$T/oncard.der"
cmp -s "$T/oncard.der" "$T/cert.der" || fail "kxc00 does not inflate to the certificate"
[ "$(dump_do "$T/d2" A010 DF23)" = "$(dump_do "$T/d3" A010 DF23)" ] || fail "cmapfile changed"
expect_cardcf "$T/d2" "$T/d3" 0 1 1
expect_changes "$T/d2" "$T/d3" A000/do:DF1F A010/do:DF22 "A010/do:$rtag"

step "OpenSC lists the certificate with its key and signs with it"
oid=$(opensc_id_of "$T/pub.pem")
ok opensc -O --type cert
awk '/^Certificate Object/ { c = 1 } c && /ID:/ { print $2; c = 0 }' "$T/out" > "$T/osc-cert-ids"
grep -qx "$oid" "$T/osc-cert-ids" || { cat "$T/out" >&2; fail "OpenSC lists no certificate with key ID $oid"; }
ok opensc --read-object --type cert --id "$oid" -o "$T/osc.der"
cmp -s "$T/osc.der" "$T/cert.der" || fail "OpenSC reads another certificate"
opensc_signs "$oid" "$T/certpub.pem"

step "mdcard lists the certificate under the key's CKA_ID"
ok mdcard -O --type cert
awk '/^Certificate Object/ { c = 1 } c && /ID:/ { print $2; c = 0 }' "$T/out" > "$T/md-cert-ids"
[ "$(cat "$T/md-cert-ids")" = "$id" ] || { cat "$T/out" >&2; fail "mdcard's certificate IDs: $(cat "$T/md-cert-ids")"; }
ok mdcard --read-object --type cert --id "$id" -o "$T/md.der"
cmp -s "$T/md.der" "$T/cert.der" || fail "mdcard reads another certificate"
[ -z "$csr_failed" ] || fail "the CSR through openssl's pkcs11 engine on mdcard failed (see above)"
echo "PASS"
