#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Two cards at once (with-card --second-card): two tokens in two slots, each
# with its own serial, each signing with its own key; slot IDs stay the same.
. "$(dirname "$0")/lib.sh"
serial1=$(printf '%s' "$MDCARD_SERIAL" | tail -c 16 | tr A-F a-f)
serial2=$(printf '%s' "$MDCARD_SERIAL2" | tail -c 16 | tr A-F a-f)

step "both tokens are listed with their own serials"
ok mdcard -L
expect_out "serial num         : $serial1"
expect_out "serial num         : $serial2"
cp "$T/out" "$T/list1"

step "a key on each card (made by OpenSC)"
for i in 0 1; do
    ok opensc --slot-index "$i" --login --pin "$PIN" --keypairgen --key-type rsa:1024 --label "card$i"
    ok opensc --slot-index "$i" --read-object --type pubkey --label "card$i" -o "$T/pub$i.der"
    ok openssl pkey -pubin -inform DER -in "$T/pub$i.der" -out "$T/pub$i.pem"
done
cmp -s "$T/pub0.der" "$T/pub1.der" && fail "both cards hold the same key"

step "mdcard signs on each token with that token's key"
head -c 300 /dev/urandom > "$T/msg"
for i in 0 1; do
    ok mdcard --slot-index "$i" --login --pin "$PIN" --sign -m SHA256-RSA-PKCS -i "$T/msg" \
        -o "$T/sig$i"
    ok openssl dgst -sha256 -verify "$T/pub$i.pem" -signature "$T/sig$i" "$T/msg"
    expect_out "Verified OK"
done
must_fail openssl dgst -sha256 -verify "$T/pub1.pem" -signature "$T/sig0" "$T/msg"

step "slot IDs and tokens are unchanged on the next listing"
ok mdcard -L
diff <(grep -E '^Slot|serial' "$T/list1") <(grep -E '^Slot|serial' "$T/out") ||
    fail "slot list changed"
echo "PASS"
