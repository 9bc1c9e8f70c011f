#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# p11tool (GnuTLS) as a second certificate-loading client through mdcard:
# --login --set-pin, and the GNUTLS_PIN variable. Each certificate lands in
# its key's container (kxc01, then kxc00) and OpenSC reads and signs with it.
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard

step "two keys made by OpenSC (containers 0 and 1), no certificates"
opensc_key 2048 p0 nocert > /dev/null
opensc_key 2048 p1 nocert > /dev/null
issue_cert "$T/p0.pub.pem" p0 "$T/p0.der"
issue_cert "$T/p1.pub.pem" p1 "$T/p1.der"
openssl x509 -inform DER -in "$T/p0.der" -out "$T/p0.pem"
openssl x509 -inform DER -in "$T/p1.der" -out "$T/p1.pem"

ok with_module_preload p11tool --provider "$MDCARD_MODULE" --list-token-urls
url=$(grep -m1 '^pkcs11:' "$T/out") || { cat "$T/out" >&2; fail "p11tool lists no mdcard token"; }
echo "token: $url"

# loaded NAME PUB_PEM CERT_DER: the card holds CERT as NAME; OpenSC reads it with its key and signs.
loaded() {
    card_dump "$T/d"
    cert_from_card "$T/d" "$1" "$T/oncard.der"
    cmp -s "$T/oncard.der" "$3" || fail "$1 does not hold the certificate"
    oid=$(opensc_id_of "$2")
    ok opensc --read-object --type cert --id "$oid" -o "$T/osc.der"
    cmp -s "$T/osc.der" "$3" || fail "OpenSC reads another certificate for key $oid"
    opensc_signs "$oid" "$2"
}

step "p11tool --login --set-pin --write --load-certificate (key of container 1)"
card_dump "$T/b"
ok with_module_preload p11tool --provider "$MDCARD_MODULE" --login --set-pin "$PIN" --write \
    --load-certificate "$T/p1.pem" --label p1cert "$url"
card_dump "$T/a"
expect_cardcf "$T/b" "$T/a" 0 1 1
loaded kxc01 "$T/p1.pub.pem" "$T/p1.der"

step "GNUTLS_PIN instead of --set-pin (key of container 0)"
ok with_module_preload env GNUTLS_PIN="$PIN" p11tool --provider "$MDCARD_MODULE" --login --write \
    --load-certificate "$T/p0.pem" --label p0cert "$url"
loaded kxc00 "$T/p0.pub.pem" "$T/p0.der"
[ "$(cert_ids mdcard | tr '\n' ' ')" = "$(printf '%s\n' "$(pubkey_id "$T/p0.pub.pem")" "$(pubkey_id "$T/p1.pub.pem")" | sort | tr '\n' ' ')" ] ||
    fail "mdcard does not list both certificates under their keys' IDs"
echo "PASS"
