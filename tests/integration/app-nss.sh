#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# NSS tools (certutil, modutil, tstclnt) with mdcard added to a fresh NSS
# database, on a card enrolled through mdcard (lib.sh enrolled_card).
#   app-nss.sh tls     modutil/certutil list the module, the token and the
#                      certificate as a user certificate "u,u,u" (paired with
#                      its key); tstclnt logs in to `openssl s_server -Verify 1`
#                      with the card's key over TLS 1.3 and TLS 1.2 (RSA-PSS,
#                      the signature made by the card).
#   app-nss.sh import  `certutil -A -h <token>` imports the certificate of a
#                      second key generated through mdcard: it lands in that
#                      key's container, OpenSC reads it under that key's ID.
#   app-nss.sh enroll  enrollment with NSS tools alone: `certutil -R -h <token>`
#                      generates a key on the card and signs the request with
#                      it, the CA's certificate is loaded with `certutil -A`,
#                      then deleted with `certutil -D` (the key stays).
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard
mode=${1:?usage: app-nss.sh tls|import|enroll}

# NSS tools are host programs that load the (maybe instrumented) module.
nss() { with_module_preload "$@"; }

DB=sql:$T/nssdb
SERIAL=$(printf '%s' "$MDCARD_SERIAL" | tail -c 16 | tr A-F a-f)
TOKEN="GIDS $SERIAL"
printf '%s\n' "$PIN" > "$T/pin.txt"

step "a card enrolled through mdcard"
enrolled_card "NSS Test User"

step "fresh NSS database, mdcard added with modutil"
mkdir "$T/nssdb"
ok certutil -N -d "$DB" --empty-password
ok nss modutil -dbdir "$DB" -add mdcard -libfile "$MDCARD_MODULE" -force
expect_out 'Module "mdcard" added to database.'
grep -qxF "library=$MDCARD_MODULE" "$T/nssdb/pkcs11.txt" || fail "pkcs11.txt does not name the module"

ok nss modutil -dbdir "$DB" -list
expect_out "library name: $MDCARD_MODULE"
expect_out "token: $TOKEN"
expect_out "uri: pkcs11:token=GIDS%20$SERIAL;manufacturer=mdcard;serial=$SERIAL;model=GIDS"

ok nss certutil -U -d "$DB"
expect_out "token: $TOKEN"

# The nickname NSS gives the card's certificate: <token label>:<CKA_LABEL>.
NICK="$TOKEN:NSS Test User"

if [ "$mode" = tls ]; then
    step "certutil -L -h all: the card's certificate is a user certificate"
    ok nss certutil -L -d "$DB" -h all -f "$T/pin.txt"
    grep -qE "^$NICK +u,u,u\$" "$T/out" || { cat "$T/out" >&2; fail "no '$NICK  u,u,u'"; }
    ok nss certutil -L -d "$DB" -h "$TOKEN" -n "$NICK" -a -f "$T/pin.txt"
    openssl x509 -in "$T/out" -outform DER -out "$T/nss.der" || fail "certutil -L -a gave no PEM"
    cmp -s "$T/nss.der" "$T/user.cert.der" || fail "NSS reads another certificate than the one written"

    step "with -mechanisms FRIENDLY (public certificates) no PIN is needed to list it"
    mkdir "$T/nssdb2"
    ok certutil -N -d "sql:$T/nssdb2" --empty-password
    ok nss modutil -dbdir "sql:$T/nssdb2" -add mdcard -libfile "$MDCARD_MODULE" -mechanisms FRIENDLY -force
    ok nss certutil -L -d "sql:$T/nssdb2" -h all < /dev/null
    grep -qE "^$NICK +u,u,u\$" "$T/out" || { cat "$T/out" >&2; fail "no '$NICK  u,u,u' without the PIN"; }
    reject_out "Password"

    step "certutil -K: the key under the certificate's CKA_ID"
    ok nss certutil -K -d "$DB" -h "$TOKEN" -f "$T/pin.txt"
    grep -qE "rsa +$ENROLLED_ID +NSS Test User\$" "$T/out" || { cat "$T/out" >&2; fail "no key $ENROLLED_ID"; }

    step "a TLS server whose certificate the test CA issued, asking for a client certificate"
    ok openssl req -new -newkey rsa:2048 -nodes -keyout "$T/srv.key" -subj /CN=localhost -out "$T/srv.csr"
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$T/srv.ext"
    ok openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -days 1 \
        -extfile "$T/srv.ext" -out "$T/srv.pem"
    ok nss certutil -A -d "$DB" -n "mdcard Test CA" -t "CT,," -i "$T/ca.pem"
    openssl s_server -accept 127.0.0.1:0 -cert "$T/srv.pem" -key "$T/srv.key" -Verify 1 \
        -CAfile "$T/ca.pem" -www > "$T/srv.log" 2>&1 &
    srv=$!
    trap 'kill $srv 2>/dev/null || true' EXIT
    wait_line "$T/srv.log" ACCEPT
    port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T/srv.log")
    [ -n "$port" ] || { cat "$T/srv.log" >&2; fail "s_server prints no port"; }
    printf 'GET / HTTP/1.0\r\n\r\n' > "$T/req.txt"

    # login VERSION: one client-certificate login with tstclnt; the page
    # s_server returns names the protocol, the client's signature type and the
    # client certificate; the server log shows the verified subject; the card
    # made one more signature (PSO COMPUTE DIGITAL SIGNATURE, 00 2A 9E 9A).
    login() {
        local v=$1 before after signs0 signs1
        before=$(grep -c 'depth=0 CN = NSS Test User' "$T/srv.log" || true)
        signs0=$(grep -c ' 2A 9E 9A .* sw=9000' "$MDCARD_SIM_LOG" || true)
        ok nss timeout 120 tstclnt -h 127.0.0.1 -p "$port" -d "$DB" -n "$NICK" -W "$T/pin.txt" \
            -A "$T/req.txt" -V "$v:$v"
        expect_out "Protocol  : TLSv${v#tls}"
        expect_out "Peer signature type: RSA-PSS"
        expect_out "Client certificate"
        expect_out "Subject: CN=NSS Test User"
        expect_out "Issuer: CN=mdcard Test CA"
        after=$(grep -c 'depth=0 CN = NSS Test User' "$T/srv.log" || true)
        [ "$after" = $((before + 1)) ] || { cat "$T/srv.log" >&2; fail "$v: server did not verify the card's certificate"; }
        grep -A1 'depth=0 CN = NSS Test User' "$T/srv.log" | tail -n 1 | grep -qx 'verify return:1' ||
            { cat "$T/srv.log" >&2; fail "$v: server verification did not return 1"; }
        signs1=$(grep -c ' 2A 9E 9A .* sw=9000' "$MDCARD_SIM_LOG" || true)
        [ "$signs1" -gt "$signs0" ] || fail "$v: the card made no signature"
    }
    step "tstclnt, TLS 1.3 (RSA-PSS signature on the card)"
    login tls1.3
    step "tstclnt, TLS 1.2"
    login tls1.2
    ! grep -q 'peer did not return a certificate' "$T/srv.log" || { cat "$T/srv.log" >&2; fail "a login lacked the certificate"; }
    echo "PASS"
    exit 0
fi

if [ "$mode" = enroll ]; then
    step "certutil -R -h <token>: a new key on the card, the request signed with it"
    head -c 64 /dev/urandom > "$T/noise"
    card_dump "$T/before"
    ok nss certutil -R -d "$DB" -h "$TOKEN" -k rsa -g 2048 -s "CN=NSS Enrolled" -f "$T/pin.txt" \
        -z "$T/noise" -a -o "$T/enr.csr"
    card_dump "$T/keyed"
    expect_cardcf "$T/before" "$T/keyed" 0 1 1
    ok openssl req -in "$T/enr.csr" -pubkey -noout -out "$T/enr.pub.pem"
    id3=$(pubkey_id "$T/enr.pub.pem")
    idx=$(container_of "$T/keyed" "$T/enr.pub.pem")
    [ -n "$idx" ] || fail "the request's key is in no container on the card"
    ok nss certutil -K -d "$DB" -h "$TOKEN" -f "$T/pin.txt"
    grep -qE "rsa +$id3 " "$T/out" || { cat "$T/out" >&2; fail "certutil -K lacks the new key $id3"; }
    sign_csr "$T/enr.csr" "NSS Enrolled" "$T/enr.der"
    ok openssl x509 -inform DER -in "$T/enr.der" -out "$T/enr.pem"

    step "certutil -A -h <token>: the certificate into the new key's container"
    ok nss certutil -A -d "$DB" -h "$TOKEN" -n enrolled -t u,u,u -i "$T/enr.pem" -f "$T/pin.txt"
    card_dump "$T/loaded"
    expect_cardcf "$T/keyed" "$T/loaded" 0 1 1
    cert_from_card "$T/loaded" "$(printf 'kxc%02X' "$idx")" "$T/oncard.der"
    cmp -s "$T/oncard.der" "$T/enr.der" || fail "kxc of container $idx does not hold the certificate"
    oid=$(opensc_id_of "$T/enr.pub.pem")
    ok opensc --read-object --type cert --id "$oid" -o "$T/osc.der"
    cmp -s "$T/osc.der" "$T/enr.der" || fail "OpenSC reads another certificate for key $oid"
    opensc_signs "$oid" "$T/enr.pub.pem"
    ok nss certutil -L -d "$DB" -h all -f "$T/pin.txt"
    grep -qE "^$TOKEN:NSS Enrolled +u,u,u\$" "$T/out" || { cat "$T/out" >&2; fail "no '$TOKEN:NSS Enrolled  u,u,u'"; }

    step "certutil -D: the certificate deleted from the card, its key kept"
    ok nss certutil -D -d "$DB" -n "$TOKEN:NSS Enrolled" -f "$T/pin.txt"
    card_dump "$T/deleted"
    [ -z "$(file_do "$T/deleted" "$(printf 'kxc%02X' "$idx")")" ] || fail "the certificate file is still on the card"
    [ "$(container_of "$T/deleted" "$T/enr.pub.pem")" = "$idx" ] || fail "the key left container $idx"
    [ "$(dump_do "$T/loaded" A010 DF23)" = "$(dump_do "$T/deleted" A010 DF23)" ] || fail "cmapfile changed"
    ok nss certutil -L -d "$DB" -h all -f "$T/pin.txt"
    reject_out "NSS Enrolled"
    expect_out "$NICK"
    ok nss certutil -K -d "$DB" -h "$TOKEN" -f "$T/pin.txt"
    grep -qE "rsa +$id3 " "$T/out" || { cat "$T/out" >&2; fail "the key $id3 is gone"; }
    echo "PASS"
    exit 0
fi

[ "$mode" = import ] || fail "unknown mode $mode"
step "a second key generated through mdcard, its certificate from the test CA"
id2=$(md_keygen second)
issue_cert "$T/second.pub.pem" "NSS Second" "$T/second.der"
ok openssl x509 -inform DER -in "$T/second.der" -out "$T/second.pem"

step "certutil -A -h <token>: the certificate imported through NSS"
card_dump "$T/before"
ok nss certutil -A -d "$DB" -h "$TOKEN" -n second -t u,u,u -i "$T/second.pem" -f "$T/pin.txt"
card_dump "$T/after"
expect_cardcf "$T/before" "$T/after" 0 1 1
[ "$(dump_do "$T/before" A010 DF23)" = "$(dump_do "$T/after" A010 DF23)" ] || fail "cmapfile changed"

step "it is in the second key's container"
idx=$(container_of "$T/after" "$T/second.pub.pem")
[ -n "$idx" ] || fail "no container holds the second key"
[ "$idx" != "$(container_of "$T/after" "$T/user.pub.pem")" ] || fail "both keys in one container"
rec=$(cmap_list "$T/after" | awk -v i="$idx" '$1 == i')
# A key-exchange container (md_keygen's default usage) of 2048 bits, valid.
read -r _ flags sigbits kxbits _ <<< "$rec"
if [ "$kxbits" != 2048 ] || [ "$sigbits" != 0 ]; then fail "container $idx: $rec"; fi
[ $((16#$flags & 1)) = 1 ] || fail "container $idx is not valid: $rec"
cert_from_card "$T/after" "$(printf 'kxc%02X' "$idx")" "$T/oncard.der"
cmp -s "$T/oncard.der" "$T/second.der" || fail "kxc of container $idx does not hold the certificate"

step "OpenSC reads it under the second key's ID; mdcard lists both certificates"
oid=$(opensc_id_of "$T/second.pub.pem")
ok opensc --read-object --type cert --id "$oid" -o "$T/osc.der"
cmp -s "$T/osc.der" "$T/second.der" || fail "OpenSC reads another certificate for key $oid"
[ "$(cert_ids mdcard | tr '\n' ' ')" = "$(printf '%s\n' "$ENROLLED_ID" "$id2" | sort | tr '\n' ' ')" ] ||
    fail "mdcard does not list both certificates under their keys' IDs"

step "NSS pairs it with its key"
ok nss certutil -L -d "$DB" -h all -f "$T/pin.txt"
grep -qE "^$TOKEN:NSS Second +u,u,u\$" "$T/out" || { cat "$T/out" >&2; fail "no '$TOKEN:NSS Second  u,u,u'"; }
grep -qE "^$NICK +u,u,u\$" "$T/out" || { cat "$T/out" >&2; fail "the first certificate is gone"; }
echo "PASS"
