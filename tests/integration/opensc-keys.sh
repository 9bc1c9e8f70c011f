#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# OpenSC drives the simulated card through a key's whole life: on-card key
# generation, a certificate written and read back byte-identical, a signature
# that openssl verifies and a decryption of what openssl encrypted.
#   opensc-keys.sh BITS
. "$(dirname "$0")/lib.sh"
bits=${1:?key size}

step "generate an RSA-$bits key on the card"
ok opensc --login --pin "$PIN" --keypairgen --key-type "rsa:$bits" --label "key$bits"
ok opensc --login --pin "$PIN" -O
expect_out "Private Key Object"
id=$(sed -n 's/^ *ID: *\([0-9a-f]*\)$/\1/p' "$T/out" | head -n 1)
[ -n "$id" ] || { cat "$T/out" >&2; fail "no key ID listed"; }

step "read the public key (ID $id) and issue a certificate for it"
ok opensc --read-object --type pubkey --id "$id" -o "$T/pub.der"
ok openssl pkey -pubin -inform DER -in "$T/pub.der" -out "$T/pub.pem"
ok openssl rsa -pubin -in "$T/pub.pem" -noout -text
expect_out "Public-Key: ($bits bit)"
issue_cert "$T/pub.pem" "Card User $bits" "$T/cert.der"

step "write the certificate and read it back"
ok opensc --login --pin "$PIN" --write-object "$T/cert.der" --type cert --id "$id"
ok opensc --read-object --type cert --id "$id" -o "$T/back.der"
cmp "$T/cert.der" "$T/back.der" || fail "certificate read back differs"
ok opensc -O
expect_out "Card User $bits"

step "sign with SHA256-RSA-PKCS and verify with openssl"
head -c 1000 /dev/urandom > "$T/msg"
ok opensc --login --pin "$PIN" --sign -m SHA256-RSA-PKCS --id "$id" -i "$T/msg" -o "$T/sig"
ok openssl dgst -sha256 -verify "$T/pub.pem" -signature "$T/sig" "$T/msg"
expect_out "Verified OK"

step "the card refuses to select the key for signing without the PIN (6982)"
case $bits in 1024) alg=56 ;; 2048) alg=57 ;; 3072) alg=58 ;; 4096) alg=59 ;; esac
ok opensc-tool -s "00 A4 04 00 09 A0 00 00 03 97 42 54 46 59 00" \
    -s "00 22 41 B6 06 80 01 $alg 84 01 81"
expect_out "SW1=0x69, SW2=0x82"

step "decrypt what openssl encrypted (PKCS#1 v1.5)"
head -c 32 /dev/urandom > "$T/secret"
ok openssl pkeyutl -encrypt -pubin -inkey "$T/pub.pem" -in "$T/secret" -out "$T/ct"
ok opensc --login --pin "$PIN" --decrypt -m RSA-PKCS --id "$id" -i "$T/ct" -o "$T/pt"
cmp "$T/secret" "$T/pt" || fail "decrypted data differs"
echo "PASS"
