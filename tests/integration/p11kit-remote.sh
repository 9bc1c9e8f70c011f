#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Remote use: `p11-kit server` exposes mdcard's token (by its pkcs11: URI) on a
# Unix socket; pkcs11-tool in another process, with p11-kit-client.so and
# P11_KIT_SERVER_ADDRESS but without the PC/SC socket (so it can reach the
# card only through the server), lists the objects, signs (openssl verifies)
# and loads a certificate for a key generated earlier. The certificate lands
# in its key's container, exactly as a local write would put it, and OpenSC
# reads it there. The server is stopped at the end (TERM: exit status 255)
# and nothing it started outlives the test.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/install-lib.sh"
preload_only_for_mdcard

step "a card with an enrolled key and a second key without a certificate"
enrolled_card "Remote User"
id2=$(md_keygen second)
issue_cert "$T/second.pub.pem" "Remote Second" "$T/second.cert.der"

srv=
stop_server() {
    [ -n "$srv" ] || return 0
    kill -TERM "$srv" 2> /dev/null
    wait "$srv"
    local rc=$?
    srv=
    return $rc
}
trap stop_server EXIT
trap 'exit 143' TERM

step "p11-kit server --provider mdcard $TOKEN_URI"
sock=$T/p11kit.sock
# The server (and the p11-kit remote it runs per connection) loads mdcard and
# reaches the card through PCSCLITE_CSOCK_NAME from this environment; env and
# p11-kit exec, so $! is the server itself.
env ${MDCARD_SAVED_PRELOAD:+LD_PRELOAD=$MDCARD_SAVED_PRELOAD} p11-kit server -f -s -n "$sock" --provider "$MDCARD_MODULE" "$TOKEN_URI" \
    > "$T/server.env" 2> "$T/server.log" &
srv=$!
wait_line "$T/server.env" P11_KIT_SERVER_PID
eval "$(cat "$T/server.env")"
[ "$P11_KIT_SERVER_PID" = "$srv" ] || fail "server PID $P11_KIT_SERVER_PID, started $srv"
[ "$P11_KIT_SERVER_ADDRESS" = "unix:path=$sock" ] || fail "server address $P11_KIT_SERVER_ADDRESS"
[ -S "$sock" ] || fail "no server socket $sock"

# remote CMD-ARGS...: pkcs11-tool through the client module, with no access
# to the private pcscd and without the sanitizer runtime (it loads no mdcard).
remote() {
    env -u PCSCLITE_CSOCK_NAME -u LD_PRELOAD P11_KIT_SERVER_ADDRESS="$P11_KIT_SERVER_ADDRESS" \
        pkcs11-tool --module "$P11_CLIENT" "$@"
}

step "the remote token: list slots and objects"
ok remote -L
expect_out "token label        : $TOKEN_LABEL"
expect_out "serial num         : $TOKEN_SERIAL"
[ "$(cert_ids remote)" = "$ENROLLED_ID" ] || fail "the remote token does not list the certificate under $ENROLLED_ID"
expect_out "label:      Remote User"
ok remote --login --pin "$PIN" -O --type privkey
[ "$(awk '/ID:/ { print $2 }' "$T/out" | sort | tr '\n' ' ')" = "$(printf '%s\n' "$ENROLLED_ID" "$id2" | sort | tr '\n' ' ')" ] ||
    { cat "$T/out" >&2; fail "the remote token does not list both private keys"; }

step "sign remotely, verify with openssl"
signs_and_verifies "$ENROLLED_ID" "$T/user.pub.pem" remote

step "load the second key's certificate remotely (no --id)"
card_dump "$T/before"
ok remote --login --pin "$PIN" --write-object "$T/second.cert.der" --type cert
card_dump "$T/after"
expect_cardcf "$T/before" "$T/after" 0 1 1
idx=$(container_of "$T/after" "$T/second.pub.pem")
[ -n "$idx" ] || fail "no container holds the second key"
name=$(printf 'kxc%02X' "$idx")
cert_from_card "$T/after" "$name" "$T/oncard.der"
cmp -s "$T/oncard.der" "$T/second.cert.der" || fail "$name does not hold the second certificate"
echo "certificate in container $idx ($name)"
[ "$(cert_ids remote | tr '\n' ' ')" = "$(printf '%s\n' "$ENROLLED_ID" "$id2" | sort | tr '\n' ' ')" ] ||
    fail "the remote token does not list both certificates under their keys' IDs"

step "OpenSC reads the remotely loaded certificate with its key"
oid=$(opensc_id_of "$T/second.pub.pem")
ok opensc --read-object --type cert --id "$oid" -o "$T/osc.der"
cmp -s "$T/osc.der" "$T/second.cert.der" || fail "OpenSC reads another certificate for key $oid"

step "a container's view: only the socket, p11-kit-client.so registered, no PC/SC"
# What a container gets (README, "p11-kit and remote use"): the server's socket
# mounted at /run/p11-kit/pkcs11 on an empty /run (no pcscd socket), the
# address in P11_KIT_SERVER_ADDRESS and p11-kit-client.so as its only
# registered module. p11-kit's consumers then find the card with no other
# configuration: list-modules, p11tool, libp11's engine through the proxy.
mkdir -p "$T/cmodules"
echo 'module: p11-kit-client.so' > "$T/cmodules/p11-kit-client.module"
if [ "$(id -u)" = 0 ]; then ns=(unshare -m); else ns=(unshare -r -m); fi
in_container() {
    env -u PCSCLITE_CSOCK_NAME -u LD_PRELOAD "${ns[@]}" bash -c '
        mount -t tmpfs none /run && mkdir /run/p11-kit && : > /run/p11-kit/pkcs11 &&
            mount --bind "$1" /run/p11-kit/pkcs11 && mount --bind "$2" "$3" || exit 1
        if [ -d /etc/pkcs11/modules ]; then mount --bind "$4" /etc/pkcs11/modules || exit 1; fi
        shift 4
        P11_KIT_SERVER_ADDRESS=unix:path=/run/p11-kit/pkcs11 exec "$@"' \
        in_container "$sock" "$T/cmodules" "$P11_MODULE_CONFIGS" "$T/empty" "$@"
}
mkdir -p "$T/empty"
ok in_container p11-kit list-modules
expect_out "p11-kit-client: p11-kit-client.so"
expect_out "token: $TOKEN_LABEL"
reject_out "opensc"
ok in_container p11tool --list-tokens
expect_out "Label: $TOKEN_LABEL"
openssl dgst -sha256 -binary "$T/sv.msg" > "$T/sv.hash"
ok in_container openssl pkeyutl -engine pkcs11 -keyform engine -sign -in "$T/sv.hash" \
    -inkey "$TOKEN_URI;id=$ENROLLED_URI_ID;type=private;pin-value=$PIN" -pkeyopt digest:sha256 \
    -out "$T/container.sig"
ok openssl pkeyutl -verify -pubin -inkey "$T/user.pub.pem" -in "$T/sv.hash" \
    -sigfile "$T/container.sig" -pkeyopt digest:sha256
expect_out "Signature Verified Successfully"

step "stop the server: exit status 255, socket gone, nothing left running"
n=0
while [ -n "$(ps -o pid= --ppid "$srv")" ]; do
    n=$((n + 1))
    [ $n -lt 50 ] || { ps -f --ppid "$srv" >&2; fail "the server still runs per-connection processes"; }
    sleep 0.1
done
rc=0
stop_server || rc=$?
[ "$rc" = 255 ] || { cat "$T/server.log" >&2; fail "p11-kit server exited with $rc, want 255"; }
[ ! -e "$sock" ] || fail "the server left its socket behind"
echo "PASS"
