#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# GnuTLS on mdcard, from the enrolled card: p11tool lists the key and the
# certificate (public objects without login, the private key with it) and
# exports the certificate; p11tool generates a second key on the card, the
# test CA certifies it and `p11tool --write --load-certificate` (no --id)
# puts the certificate into that key's container — read back from the
# simulator's card and by OpenSC, which signs with it; gnutls-cli
# authenticates with pkcs11: URIs for key and certificate to a local
# `openssl s_server -Verify 1` over TLS 1.3 (PIN in the URI) and TLS 1.2
# (PIN from GNUTLS_PIN). (write-p11tool.sh covers p11tool loading
# certificates for keys OpenSC made.)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tls-server.sh"
preload_only_for_mdcard

p11tool() { with_module_preload command p11tool --provider "$MDCARD_MODULE" "$@"; }
# hex_colons HEX: 4f56... → 4f:56:... (how p11tool prints IDs)
hex_colons() { printf '%s' "$1" | sed 's/../&:/g; s/:$//'; }

step "the enrolled card"
enrolled_card "GnuTLS User"
ok p11tool --list-token-urls
url=$(grep -m1 '^pkcs11:.*model=GIDS' "$T/out") || { cat "$T/out" >&2; fail "p11tool lists no mdcard token"; }
echo "token: $url"

step "p11tool --list-all / --list-all-certs (no login): the public key and the certificate"
ok p11tool --list-all "$url"
cp "$T/out" "$T/list-all"
enrolled_colons=$(hex_colons "$ENROLLED_ID")
# objects FILE TYPE: the IDs of the objects of TYPE ("Public key", "X.509 Certificate", ...)
objects() {
    awk -v t="$2" '/^Object/ { want = 0 } $0 ~ "Type: " t { want = 1 } want && /ID:/ { print $2 }' "$1"
}
[ "$(objects "$T/list-all" "Public key \\(RSA-2048\\)")" = "$enrolled_colons" ] ||
    { cat "$T/list-all" >&2; fail "--list-all: want one 2048-bit public key with ID $enrolled_colons"; }
[ "$(objects "$T/list-all" "X.509 Certificate")" = "$enrolled_colons" ] ||
    { cat "$T/list-all" >&2; fail "--list-all: want the certificate with ID $enrolled_colons"; }
[ "$(objects "$T/list-all" "Private key")" = "" ] || fail "--list-all shows private keys without login"
ok p11tool --list-all-certs "$url"
[ "$(objects "$T/out" "X.509 Certificate")" = "$enrolled_colons" ] ||
    { cat "$T/out" >&2; fail "--list-all-certs: want the certificate with ID $enrolled_colons"; }
expect_out "Label: GnuTLS User"
cert_uri="$url;id=$ENROLLED_URI_ID;type=cert"
ok p11tool --export "$cert_uri"
openssl x509 -in "$T/out" -outform DER -out "$T/exported.der" 2> /dev/null ||
    { cat "$T/out" >&2; fail "p11tool --export gives no certificate"; }
cmp -s "$T/exported.der" "$T/user.cert.der" || fail "p11tool exports another certificate"
GNUTLS_PIN="$PIN" ok p11tool --login --list-all-privkeys "$url"
[ "$(objects "$T/out" "Private key \\(RSA-2048\\)")" = "$enrolled_colons" ] ||
    { cat "$T/out" >&2; fail "--list-all-privkeys: want the private key with ID $enrolled_colons"; }

step "p11tool --generate-privkey rsa --bits 2048 (a second container)"
card_dump "$T/d0"
GNUTLS_PIN="$PIN" ok p11tool --login --generate-privkey rsa --bits 2048 --label gnutlskey \
    --outfile "$T/gen.pub.pem" "$url"
card_dump "$T/d1"
expect_cardcf "$T/d0" "$T/d1" 0 1 1
gen_id=$(pubkey_id "$T/gen.pub.pem")
[ -n "$gen_id" ] && [ "$gen_id" != "$ENROLLED_ID" ] || fail "no new public key from p11tool"
gen_idx=$(container_of "$T/d1" "$T/gen.pub.pem")
[ -n "$gen_idx" ] || fail "no key file on the card holds p11tool's new key"
cmap_list "$T/d1" > "$T/cmap1"
awk -v i="$gen_idx" '$1 == i && $2 == "01" && $3 == 0 && $4 == 2048' "$T/cmap1" | grep -q . ||
    { cat "$T/cmap1" >&2; fail "container $gen_idx: want a valid, non-default 2048-bit key-exchange record"; }
ok p11tool --list-all "$url"
[ "$(objects "$T/out" "Public key \\(RSA-2048\\)" | sort | tr '\n' ' ')" = \
    "$(printf '%s\n' "$enrolled_colons" "$(hex_colons "$gen_id")" | sort | tr '\n' ' ')" ] ||
    { cat "$T/out" >&2; fail "p11tool does not list both public keys"; }

step "the test CA certifies it; p11tool --write --load-certificate (no --id)"
issue_cert "$T/gen.pub.pem" "GnuTLS Key" "$T/gen.cert.der"
ok openssl x509 -inform DER -in "$T/gen.cert.der" -out "$T/gen.cert.pem"
card_dump "$T/d2"
GNUTLS_PIN="$PIN" ok p11tool --login --write --load-certificate "$T/gen.cert.pem" \
    --label "GnuTLS Key" "$url"
card_dump "$T/d3"
expect_cardcf "$T/d2" "$T/d3" 0 1 1
name=$(printf 'kxc%02d' "$gen_idx")
cert_from_card "$T/d3" "$name" "$T/oncard.der"
cmp -s "$T/oncard.der" "$T/gen.cert.der" || fail "$name does not hold p11tool's certificate"
[ "$(dump_do "$T/d2" A010 DF23)" = "$(dump_do "$T/d3" A010 DF23)" ] || fail "cmapfile changed"
[ "$(cert_ids mdcard | tr '\n' ' ')" = "$(printf '%s\n' "$ENROLLED_ID" "$gen_id" | sort | tr '\n' ' ')" ] ||
    fail "mdcard does not list both certificates under their keys' IDs"
oid=$(opensc_id_of "$T/gen.pub.pem")
ok opensc --read-object --type cert --id "$oid" -o "$T/osc.der"
cmp -s "$T/osc.der" "$T/gen.cert.der" || fail "OpenSC reads another certificate for key $oid"
opensc_signs "$oid" "$T/gen.pub.pem"

step "gnutls-cli client authentication with pkcs11: URIs"
tls_server_cert
# gnutls_cli OUT INPUT ARGS...: gnutls-cli with the card's module, input from
# INPUT, output to OUT. In the sanitizer build it gets the preloaded runtime,
# with which every GnuTLS tool that set up p11-kit hangs in exit: libp11-kit's
# destructor waits in freelocale for glibc's __libc_setlocale_lock, whose
# reader count is broken (`p11tool --list-tokens` without --provider does the
# same with no module of ours). Its work is done by then: once the server has
# closed the connection or the tool reported an error ("*** ..."), it gets 5 s
# to exit and is then stopped, status 255; callers judge by the server's log
# and the tool's messages.
gnutls_cli() {
    local out=$1 in=$2 pid rc=0 i grace=0
    shift 2
    if [ -z "${MDCARD_SAVED_PRELOAD:-}" ]; then
        gnutls-cli --provider "$MDCARD_MODULE" "$@" < "$in" > "$out" 2>&1
        return
    fi
    LD_PRELOAD=$MDCARD_SAVED_PRELOAD gnutls-cli --provider "$MDCARD_MODULE" "$@" < "$in" > "$out" 2>&1 &
    pid=$!
    for ((i = 0; i < 600 && grace < 50; i++)); do
        kill -0 "$pid" 2> /dev/null || break
        if grep -q 'CONNECTION CLOSED' "$T/tls-server.log" || grep -q '^\*\*\* ' "$out"; then
            grace=$((grace + 1))
        fi
        sleep 0.1
    done
    if kill -0 "$pid" 2> /dev/null; then
        kill -9 "$pid" 2> /dev/null || true
        wait "$pid" 2> /dev/null || true
        echo "gnutls-cli: stopped in exit (sanitizer build)" >> "$out"
        return 255
    fi
    wait "$pid" || rc=$?
    return $rc
}
# login TLSVER PRIORITY KEY_URI CERT_URI SUBJECT [PIN]: gnutls-cli with the
# card's key and certificate (PIN from GNUTLS_PIN if given); the server names
# the subject and the protocol.
login() {
    local ver=$1 prio=$2 key=$3 crt=$4 subject=$5 rc=0
    tls_server_start
    printf 'hello from gnutls\n' > "$T/client.in"
    (
        [ -z "${6:-}" ] || export GNUTLS_PIN=$6
        gnutls_cli "$T/out" "$T/client.in" --x509cafile "$T/ca.pem" --x509keyfile "$key" \
            --x509certfile "$crt" --priority "$prio" -p "$TLS_PORT" 127.0.0.1
    ) || rc=$?
    [ $rc = 0 ] || [ $rc = 255 ] || { cat "$T/out" >&2; fail "$ver: gnutls-cli failed ($rc)"; }
    expect_out "Handshake was completed"
    tls_server_wait
    tls_server_expect "$ver" "$subject"
    grep -q "hello from gnutls" "$T/tls-server.log" || fail "$ver: the server did not get the data"
}
gen_uri=$(printf '%s' "$gen_id" | sed 's/../%&/g')
login tls1_3 "NORMAL:-VERS-ALL:+VERS-TLS1.3" "$url;id=$ENROLLED_URI_ID;type=private;pin-value=$PIN" \
    "$cert_uri" "CN = GnuTLS User"
login tls1_2 "NORMAL:-VERS-ALL:+VERS-TLS1.2" "$url;id=$gen_uri;type=private" \
    "$url;id=$gen_uri;type=cert" "CN = GnuTLS Key" "$PIN"
# a wrong PIN: no login, no handshake
tls_server_start
: > "$T/empty"
rc=0
gnutls_cli "$T/out" "$T/empty" --x509cafile "$T/ca.pem" \
    --x509keyfile "$url;id=$ENROLLED_URI_ID;type=private;pin-value=999999" \
    --x509certfile "$cert_uri" -p "$TLS_PORT" 127.0.0.1 || rc=$?
[ $rc != 0 ] || { cat "$T/out" >&2; fail "gnutls-cli succeeded with a wrong PIN"; }
expect_out "Error in provided PIN"
tls_server_stop
reject_out "Handshake was completed"
ok mdcard --login --pin "$PIN" -O --type privkey
echo "PASS"
