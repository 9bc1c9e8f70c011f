#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The enrollment with the tool alone: mdcard keygen → mdcard csr (signed on
# the card, checked by openssl req -verify) → the test CA signs → mdcard load
# of the certificate and the CA certificate → OpenSC, an independent reader,
# lists the certificate with its key and signs with it; the CA certificate is
# in msroots. Refusals: a wrong PIN, a certificate for no key (card
# byte-identical), a PEM file that holds a key.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tool-common.sh"
preload_only_for_mdcard
export MDCARD_PIN=$PIN

step "keygen: a key-exchange key; its ID is SHA-1 of the modulus"
ok tool keygen
id=$(tail -n 1 "$T/out")
[[ "$id" =~ ^[0-9a-f]{40}$ ]] || { cat "$T/out" >&2; fail "keygen printed no key ID"; }
ok mdcard --read-object --type pubkey --id "$id" -o "$T/pub.der"
[ "$(pubkey_id "$T/pub.der")" = "$id" ] || fail "the key ID is not SHA-1 of the modulus"

step "csr: a PKCS#10 request signed on the card"
ok tool csr --key "$id" --subject "/CN=Tool Enrolled/O=mdcard tests" --out "$T/req.pem"
ok openssl req -in "$T/req.pem" -noout -verify -subject -pubkey
expect_out "verify OK"
expect_out "subject=CN = Tool Enrolled, O = mdcard tests"
openssl req -in "$T/req.pem" -noout -pubkey > "$T/req.pub.pem"
[ "$(pubkey_id "$T/req.pub.pem")" = "$id" ] || fail "the request does not carry the card key"
ok tool csr --key "$id" --subject "CN=Other,O=x" --hash sha512 --out "$T/req512.pem"
ok openssl req -noout -verify -text -in "$T/req512.pem"
expect_out "sha512WithRSAEncryption"
expect_status 1 csr --key 0011 --subject /CN=x
expect_out "no private key with ID 0011"

step "the test CA signs; a wrong PIN is refused with the tries left"
make_ca
ok openssl x509 -req -in "$T/req.pem" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -days 30 \
    -out "$T/cert.pem"
MDCARD_PIN=000000 expect_status 1 load "$T/cert.pem"
expect_out "wrong PIN (2 tries left before the PIN locks)"
ok tool list
expect_out "PIN 2 of 3 tries left"
card_dump "$T/before"

step "a certificate for no key on the card: refused, the card unchanged"
issue_cert "$T/req.pub.pem" x "$T/unused.der" # (makes the CA's serial file)
openssl req -new -newkey rsa:2048 -nodes -keyout "$T/other.key" -subj /CN=Stranger -out "$T/o.csr" 2>/dev/null
ok openssl x509 -req -in "$T/o.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -days 30 -out "$T/stranger.pem"
expect_status 1 load "$T/stranger.pem"
expect_out "'CN=Stranger' matches no key on the card and is not a CA certificate; nothing was written"
expect_status 1 load "$T/ca.pem"
expect_out "no certificate matches a key on the card"
cat "$T/cert.pem" "$T/other.key" > "$T/with-key.pem"
expect_status 1 load "$T/with-key.pem"
expect_out "is a \"PRIVATE KEY\", not a CERTIFICATE; nothing was written"
card_dump "$T/after"
expect_unchanged "$T/before" "$T/after"

step "load: the chain as one PEM file (certificate + CA), the card's PIN restored"
cat "$T/cert.pem" "$T/ca.pem" > "$T/chain.pem"
ok tool load "$T/chain.pem"
expect_out "CN=Tool Enrolled, O=mdcard tests: loaded into its key's container"
expect_out "CN=mdcard Test CA: added to msroots"
ok tool list
expect_out "PIN 3 of 3 tries left"
ok tool load "$T/chain.pem"
expect_out "already on the card"
card_dump "$T/loaded"
openssl x509 -in "$T/cert.pem" -outform DER -out "$T/cert.der"
cert_from_card "$T/loaded" kxc00 "$T/oncard.der"
cmp -s "$T/oncard.der" "$T/cert.der" || fail "mscp/kxc00 is not the certificate"
roots=$(file_do "$T/loaded" msroots)
[ -n "$roots" ] || fail "no msroots on the card"
printf '%s' "$roots" | xxd -r -p | openssl pkcs7 -inform DER -print_certs -out "$T/roots.pem" ||
    fail "msroots is not a DER PKCS#7 bag"
cmp -s <(openssl x509 -in "$T/roots.pem" -outform DER) <(openssl x509 -in "$T/ca.pem" -outform DER) ||
    fail "msroots does not hold the CA certificate"
ok tool show --json
jq_is '.msroots.certificates[0].subject' "CN=mdcard Test CA"
jq_is '.certificates[0].key_id' "$id"
ok tool check
expect_out "clean: 0 error(s), 0 warning(s)"

step "OpenSC lists the certificate with its key and signs with it"
oid=$(opensc_id_of "$T/req.pub.pem")
ok opensc -O --type cert
expect_out "subject:    DN: CN=Tool Enrolled, O=mdcard tests"
expect_out "ID:         $oid"
opensc_signs "$oid" "$T/req.pub.pem"

step "the PIN from a file, from another variable, from the terminal without echo, or none"
printf '%s\n' "$PIN" > "$T/pin.txt"
( unset MDCARD_PIN; ok tool --pin-file "$T/pin.txt" csr --key "$id" --subject /CN=File --out "$T/file.csr" )
ok openssl req -in "$T/file.csr" -noout -verify
MDCARD_PIN= expect_status 1 keygen
expect_out "the PIN in \$MDCARD_PIN is empty"
expect_status 1 --pin-env NO_SUCH_VAR keygen
expect_out "no PIN: \$NO_SUCH_VAR is not set"
( unset MDCARD_PIN; expect_status 1 --pin-file "$T/no-such-file" keygen )
expect_out "cannot open the PIN file"
rc=0
env -u MDCARD_PIN -u LD_PRELOAD setsid -w "$MDCARD_BUILD_DIR/mdcard" keygen > "$T/out" 2>&1 || rc=$?
[ $rc = 1 ] || fail "keygen without a PIN source or terminal: exit $rc"
expect_out "no PIN: no terminal to ask on"
(sleep 1; printf '%s\n' "$PIN") | env -u MDCARD_PIN -u LD_PRELOAD script -qec \
    "$MDCARD_BUILD_DIR/mdcard csr --key $id --subject /CN=Typed --out $T/typed.csr" /dev/null > "$T/tty.txt"
grep -q "User PIN: " "$T/tty.txt" || { cat -A "$T/tty.txt" >&2; fail "no PIN prompt on the terminal"; }
! grep -q "$PIN" "$T/tty.txt" || { cat -A "$T/tty.txt" >&2; fail "the PIN was echoed"; }
ok openssl req -in "$T/typed.csr" -noout -verify
ok env MDCARD_PIN_VAR2="$PIN" "$MDCARD_BUILD_DIR/mdcard" --pin-env MDCARD_PIN_VAR2 csr --key "$id" \
    --subject /CN=Env --out "$T/env.csr"

step "keygen --sign-only, DER loading and --json"
ok tool keygen --sign-only --bits 1024 --json
sid=$(jq -r .key_id "$T/out")
jq_is .key_spec signature
ok tool csr --key "$sid" --subject /CN=Signer --out "$T/s.csr"
ok openssl x509 -req -in "$T/s.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -days 30 -outform DER -out "$T/s.der"
ok tool load "$T/s.der" --json
jq_is '.certificates[0].role' key
ok tool show
expect_out "signature  RSA 1024"
expect_out "mscp/ksc01  container 1  compressed"
echo "PASS"
