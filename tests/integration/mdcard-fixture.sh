#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Windows-style fixture card (tests/tools/gids-fixture.c) read by mdcard:
# exactly the expected objects; every certificate's CKA_VALUE identical to the
# DER the fixture wrote (compressed and raw, upper- and lower-case names, the
# container at index 10); each paired by CKA_ID = SHA-1 of the modulus with
# its key; the leftover certificate of a free container absent; the
# signature-only key without CKA_DECRYPT; both msroots CA certificates with
# CKA_CERTIFICATE_CATEGORY = authority (2); signatures with a key-exchange and
# a signature-only key verified by openssl. OpenSC, an independent reader,
# agrees on what it can read.
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard
FX=$T/fx
mkdir -p "$FX" "$T/list" "$T/list-login"

step "write the fixture"
ok own_tool "$MDCARD_BUILD_DIR/gids-fixture" --out "$FX"
"$MDCARD_SIM" --dump "$MDCARD_SIM_STATE" > "$T/fixture.dump"
M=$FX/manifest
n_containers=$(grep -c '^container ' "$M")
n_certs=$(awk '$1 == "container" && $6 != "-"' "$M" | wc -l)
n_roots=$(grep -c '^root ' "$M")
[ "$n_containers" = 6 ] && [ "$n_certs" = 5 ] && [ "$n_roots" = 2 ] || fail "unexpected manifest"

step "OpenSC (independent reader) sees the compressed, upper-case-%02X certificates"
ok opensc -O --type cert
cp "$T/out" "$T/opensc.lst"
[ "$(grep -c '^Certificate Object' "$T/opensc.lst")" = 2 ] || { cat "$T/opensc.lst" >&2; fail "OpenSC should read exactly kxc00 and ksc03"; }
for idx in 0 3; do
    cn=$(awk -v i=$idx '$1 == "container" && $2 == i { for (f = 12; f <= NF; f++) printf "%s%s", $f, (f < NF ? " " : ""); }' "$M")
    grep -qF "CN=$cn" "$T/opensc.lst" || { cat "$T/opensc.lst" >&2; fail "OpenSC does not show CN=$cn"; }
    ok opensc --read-object --type cert --id "0$idx" -o "$T/opensc$idx.der"
    cmp "$T/opensc$idx.der" "$(awk -v i=$idx '$1 == "container" && $2 == i { print $10 }' "$M")" ||
        fail "OpenSC reads another certificate for container $idx"
done

step "mdcard lists the objects (public, then after login)"
ok p11api --list "$T/list"
cp "$T/out" "$T/public.lst"
ok p11api --list "$T/list-login" --login
cp "$T/out" "$T/login.lst"
cat "$T/login.lst"
count() { grep -c " class=$2 " "$1" || true; }
[ "$(count "$T/public.lst" privkey)" = 0 ] || fail "private keys visible before login"
[ "$(count "$T/public.lst" pubkey)" = "$n_containers" ] || fail "want $n_containers public keys"
[ "$(count "$T/public.lst" cert)" = $((n_certs + n_roots)) ] ||
    fail "want $n_certs certificates + $n_roots CA certificates"
[ "$(count "$T/login.lst" privkey)" = "$n_containers" ] || fail "want $n_containers private keys after login"
[ "$(count "$T/login.lst" pubkey)" = "$n_containers" ] || fail "public keys changed with login"
[ "$(count "$T/login.lst" cert)" = $((n_certs + n_roots)) ] || fail "certificates changed with login"
# PKCS#11 3.0 profile objects aside, nothing else.
[ "$(grep '^OBJ ' "$T/login.lst" | grep -vc ' class=profile ')" = $((2 * n_containers + n_certs + n_roots)) ] ||
    fail "unexpected extra objects"

# obj LIST CLASS ID: the object line of that class and ID (exactly one).
obj() {
    local lines
    lines=$(grep " class=$2 id=$3 " "$1" || true)
    [ -n "$lines" ] && [ "$(printf '%s\n' "$lines" | wc -l)" = 1 ] || { cat "$1" >&2; fail "want one $2 with ID $3"; }
    printf '%s\n' "$lines"
}
field() { printf '%s\n' "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"; }
label() { printf '%s\n' "$1" | sed -n 's/.* label=//p'; }

while read -r kw idx kind bits def certfile compressed id pem der name cn; do
    [ "$kw" = container ] || continue
    step "container $idx: $kind RSA-$bits, certificate $certfile (compressed: $compressed)"
    [ "$(pubkey_id "$pem")" = "$id" ] || fail "manifest ID of container $idx is not SHA-1 of its modulus"
    pub=$(obj "$T/login.lst" pubkey "$id")
    priv=$(obj "$T/login.lst" privkey "$id")
    [ "$(field "$pub" bits)" = "$bits" ] || fail "container $idx: public key is not $bits bits"
    [ "$(field "$priv" private)" = 1 ] || fail "container $idx: private key not CKA_PRIVATE"
    [ "$(field "$priv" sign)" = 1 ] || fail "container $idx: private key cannot sign"
    if [ "$kind" = sig ]; then
        [ "$(field "$priv" decrypt)" = 0 ] || fail "signature-only key $idx has CKA_DECRYPT"
    else
        [ "$(field "$priv" decrypt)" = 1 ] || fail "key-exchange key $idx lacks CKA_DECRYPT"
    fi
    if [ "$der" = - ]; then
        [ "$(label "$priv")" = "$name" ] || fail "container $idx without certificate: key label is not '$name'"
        continue
    fi
    cert=$(obj "$T/login.lst" cert "$id")
    value=$(field "$cert" value)
    [ "$value" != - ] || fail "container $idx: certificate without CKA_VALUE"
    cmp "$der" "$value" || fail "container $idx: CKA_VALUE differs from the DER written ($certfile)"
    [ "$(field "$cert" cat)" != 2 ] || fail "container $idx: user certificate marked as authority"
    [ "$(label "$cert")" = "$cn" ] || fail "container $idx: certificate label is not '$cn'"
    [ "$(label "$priv")" = "$cn" ] || fail "container $idx: private key label is not '$cn'"
done < "$M"

step "the msroots CA certificates: category authority, CKA_ID = SHA-1 of their modulus"
while read -r kw n id der; do
    [ "$kw" = root ] || continue
    cert=$(obj "$T/login.lst" cert "$id")
    [ "$(field "$cert" cat)" = 2 ] || fail "msroots certificate $n: CKA_CERTIFICATE_CATEGORY is not 2"
    cmp "$der" "$(field "$cert" value)" || fail "msroots certificate $n: CKA_VALUE differs"
done < "$M"

step "the leftover certificate of free container 2 is not an object"
read -r _ _ _ leftover < <(grep '^leftover ' "$M")
leftover_id=$(cert_id "$leftover")
! grep -q "id=$leftover_id " "$T/login.lst" || fail "the leftover certificate became an object"
for f in "$T"/list-login/*.der; do
    ! cmp -s "$f" "$leftover" || fail "the leftover certificate is listed ($f)"
done

sign_check() { # IDX
    local id pem
    id=$(awk -v i="$1" '$1 == "container" && $2 == i { print $8 }' "$M")
    pem=$(awk -v i="$1" '$1 == "container" && $2 == i { print $9 }' "$M")
    ok mdcard --login --pin "$PIN" --sign -m SHA256-RSA-PKCS --id "$id" -i "$T/msg" -o "$T/sig$1"
    ok openssl dgst -sha256 -verify "$pem" -signature "$T/sig$1" "$T/msg"
    expect_out "Verified OK"
}
head -c 500 /dev/urandom > "$T/msg"
step "sign with the key-exchange key of container 10"
sign_check 10
step "sign with the signature-only key of container 3"
sign_check 3

step "decrypt with the key-exchange key of container 4; the signature-only key refuses"
head -c 16 /dev/urandom > "$T/secret"
for idx in 4 3; do
    id=$(awk -v i=$idx '$1 == "container" && $2 == i { print $8 }' "$M")
    pem=$(awk -v i=$idx '$1 == "container" && $2 == i { print $9 }' "$M")
    openssl pkeyutl -encrypt -pubin -inkey "$pem" -in "$T/secret" -out "$T/ct$idx"
    if [ $idx = 4 ]; then
        ok mdcard --login --pin "$PIN" --decrypt -m RSA-PKCS --id "$id" -i "$T/ct$idx" -o "$T/pt"
        cmp "$T/secret" "$T/pt" || fail "container 4: decrypted data differs"
    else
        must_fail mdcard --login --pin "$PIN" --decrypt -m RSA-PKCS --id "$id" -i "$T/ct$idx" -o "$T/pt"
    fi
done

step "reading, signing and decrypting changed nothing on the card (cardcf included)"
"$MDCARD_SIM" --dump "$MDCARD_SIM_STATE" > "$T/end.dump"
diff "$T/fixture.dump" "$T/end.dump" || fail "the card changed"
grep -qi "do DF22 len 10 $(sed -n 's/^cardcf //p' "$M")\$" "$T/end.dump" || fail "cardcf is not the fixture's"
echo "PASS"
