#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every signature mechanism through mdcard, each verified by openssl against
# the public key exported from the card; decryption of what openssl encrypted
# with PKCS#1 v1.5, OAEP SHA-1 and OAEP SHA-256; and pkcs11-tool --test.
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard

step "an RSA-2048 key made by OpenSC; public key exported through mdcard"
id=$(opensc_key 2048 signer)
ok mdcard --read-object --type pubkey --id "$id" -o "$T/pub.der"
ok openssl pkey -pubin -inform DER -in "$T/pub.der" -out "$T/pub.pem"
[ "$(pubkey_id "$T/pub.pem")" = "$id" ] || fail "exported public key is not the key with ID $id"

msign() { # MECHANISM IN OUT [extra pkcs11-tool options]
    local m=$1 in=$2 out=$3
    shift 3
    ok mdcard --login --pin "$PIN" --sign --id "$id" -m "$m" -i "$in" -o "$out" "$@"
    [ "$(stat -c %s "$out")" = 256 ] || fail "$m: signature is not 256 bytes"
}
verified() { # what: the last openssl verify must say so
    grep -q "Signature Verified Successfully\|Verified OK" "$T/out" || { cat "$T/out" >&2; fail "$1: not verified"; }
}

head -c 1000 /dev/urandom > "$T/msg"
openssl dgst -sha256 -binary "$T/msg" > "$T/hash"

step "RSA-PKCS over a SHA-256 DigestInfo"
{ printf '\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20'; cat "$T/hash"; } > "$T/di"
msign RSA-PKCS "$T/di" "$T/sig"
ok openssl pkeyutl -verify -pubin -inkey "$T/pub.pem" -in "$T/di" -sigfile "$T/sig"
verified "RSA-PKCS DigestInfo"
ok openssl dgst -sha256 -verify "$T/pub.pem" -signature "$T/sig" "$T/msg"
verified "RSA-PKCS DigestInfo as SHA-256 signature"

step "RSA-PKCS over raw data (TLS 1.0 style MD5+SHA-1, 36 bytes)"
head -c 36 /dev/urandom > "$T/raw"
msign RSA-PKCS "$T/raw" "$T/sig"
ok openssl pkeyutl -verify -pubin -inkey "$T/pub.pem" -in "$T/raw" -sigfile "$T/sig"
verified "RSA-PKCS raw"

step "RSA-X-509 (raw RSA over a full block)"
{ printf '\x00\x01'; head -c 254 /dev/urandom; } > "$T/block"
msign RSA-X-509 "$T/block" "$T/sig"
ok openssl pkeyutl -verifyrecover -pubin -inkey "$T/pub.pem" -pkeyopt rsa_padding_mode:none \
    -in "$T/sig" -out "$T/recovered"
cmp "$T/block" "$T/recovered" || fail "RSA-X-509: recovered block differs"

for h in 1 224 256 384 512; do
    step "SHA$h-RSA-PKCS"
    msign "SHA$h-RSA-PKCS" "$T/msg" "$T/sig"
    ok openssl dgst "-sha$h" -verify "$T/pub.pem" -signature "$T/sig" "$T/msg"
    verified "SHA$h-RSA-PKCS"
done

step "RSA-PKCS-PSS over a SHA-256 hash (MGF1-SHA256, salt 32)"
msign RSA-PKCS-PSS "$T/hash" "$T/sig" --hash-algorithm SHA256 --mgf MGF1-SHA256 --salt-len 32
ok openssl pkeyutl -verify -pubin -inkey "$T/pub.pem" -in "$T/hash" -sigfile "$T/sig" \
    -pkeyopt rsa_padding_mode:pss -pkeyopt digest:sha256 -pkeyopt rsa_mgf1_md:sha256 \
    -pkeyopt rsa_pss_saltlen:32
verified "RSA-PKCS-PSS"
# The same signature must not verify with another salt length (the check can fail).
must_fail openssl pkeyutl -verify -pubin -inkey "$T/pub.pem" -in "$T/hash" -sigfile "$T/sig" \
    -pkeyopt rsa_padding_mode:pss -pkeyopt digest:sha256 -pkeyopt rsa_mgf1_md:sha256 \
    -pkeyopt rsa_pss_saltlen:20

for h in 256 384 512; do
    step "SHA$h-RSA-PKCS-PSS (MGF1-SHA$h, salt $((h / 8)))"
    msign "SHA$h-RSA-PKCS-PSS" "$T/msg" "$T/sig" --mgf "MGF1-SHA$h" --salt-len $((h / 8))
    ok openssl dgst "-sha$h" -sigopt rsa_padding_mode:pss -sigopt "rsa_pss_saltlen:$((h / 8))" \
        -sigopt "rsa_mgf1_md:sha$h" -verify "$T/pub.pem" -signature "$T/sig" "$T/msg"
    verified "SHA$h-RSA-PKCS-PSS"
done

step "decrypt PKCS#1 v1.5"
head -c 32 /dev/urandom > "$T/secret"
ok openssl pkeyutl -encrypt -pubin -inkey "$T/pub.pem" -in "$T/secret" -out "$T/ct"
ok mdcard --login --pin "$PIN" --decrypt --id "$id" -m RSA-PKCS -i "$T/ct" -o "$T/pt"
cmp "$T/secret" "$T/pt" || fail "RSA-PKCS: decrypted data differs"

step "decrypt OAEP SHA-1"
ok openssl pkeyutl -encrypt -pubin -inkey "$T/pub.pem" -in "$T/secret" -out "$T/ct" \
    -pkeyopt rsa_padding_mode:oaep
ok mdcard --login --pin "$PIN" --decrypt --id "$id" -m RSA-PKCS-OAEP --hash-algorithm SHA-1 \
    --mgf MGF1-SHA1 -i "$T/ct" -o "$T/pt"
cmp "$T/secret" "$T/pt" || fail "OAEP SHA-1: decrypted data differs"

step "decrypt OAEP SHA-256"
ok openssl pkeyutl -encrypt -pubin -inkey "$T/pub.pem" -in "$T/secret" -out "$T/ct" \
    -pkeyopt rsa_padding_mode:oaep -pkeyopt rsa_oaep_md:sha256 -pkeyopt rsa_mgf1_md:sha256
ok mdcard --login --pin "$PIN" --decrypt --id "$id" -m RSA-PKCS-OAEP --hash-algorithm SHA256 \
    --mgf MGF1-SHA256 -i "$T/ct" -o "$T/pt"
cmp "$T/secret" "$T/pt" || fail "OAEP SHA-256: decrypted data differs"

step "decrypt RSA-X-509 (raw RSA, the whole block comes back)"
{ printf '\x00\x02'; head -c 254 /dev/urandom | tr '\000' '\001'; } > "$T/rawblock"
ok openssl pkeyutl -encrypt -pubin -inkey "$T/pub.pem" -pkeyopt rsa_padding_mode:none \
    -in "$T/rawblock" -out "$T/ct"
ok mdcard --login --pin "$PIN" --decrypt --id "$id" -m RSA-X-509 -i "$T/ct" -o "$T/pt"
cmp "$T/rawblock" "$T/pt" || fail "RSA-X-509: decrypted block differs"

step "a cryptogram for another key does not decrypt to the secret"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/other.key" 2>/dev/null
openssl pkeyutl -encrypt -inkey "$T/other.key" -in "$T/secret" -out "$T/ct-other"
if mdcard --login --pin "$PIN" --decrypt --id "$id" -m RSA-PKCS -i "$T/ct-other" -o "$T/pt" > "$T/out" 2>&1; then
    ! cmp -s "$T/secret" "$T/pt" || fail "decrypted a cryptogram of another key"
fi

step "pkcs11-tool --test"
ok mdcard --test --login --pin "$PIN"
reject_out "failed"
reject_out "FAILED"
echo "PASS"
