# SPDX-License-Identifier: LGPL-2.1-or-later
# A local `openssl s_server -Verify 1` for the client-authentication tests of
# app-openssl.sh and app-gnutls.sh (sourced after lib.sh). One connection per
# server; the server runs without the sanitizer preload (it loads no module).
#   tls_server_cert          $T/srv.pem, $T/srv.key: issued by the test CA for 127.0.0.1
#   tls_server_start OPTS... a server on a free port ($TLS_PORT), log $T/tls-server.log
#   tls_server_wait          waits until it has served its one connection
#   tls_server_expect VER SUBJECT  the server's session is protocol VER
#                            (tls1_3|tls1_2), it verified the client certificate
#                            SUBJECT ("CN = ..."), the client signed with RSA-PSS
#                            and the card made a signature meanwhile
#   tls_server_stop          ends a server that got no connection
#   card_signatures          PSO COMPUTE DIGITAL SIGNATURE answered 9000 so far

tls_server_cert() {
    make_ca
    ok openssl req -new -newkey rsa:2048 -nodes -keyout "$T/srv.key" -subj /CN=localhost \
        -out "$T/srv.csr"
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$T/srv.ext"
    ok openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
        -days 1 -extfile "$T/srv.ext" -out "$T/srv.pem"
}

TLS_PID=
tls_server_start() {
    local i run=(openssl s_server -accept 127.0.0.1:0 -naccept 1 -cert "$T/srv.pem"
        -key "$T/srv.key" -CAfile "$T/ca.pem" -Verify 1 -verify_return_error "$@")
    # s_server ends at end of input: its input is a FIFO this shell keeps open
    rm -f "$T/tls-server.in"
    mkfifo "$T/tls-server.in"
    exec 7<> "$T/tls-server.in"
    if [ -n "${LD_PRELOAD:-}" ]; then run=(env -u LD_PRELOAD "${run[@]}"); fi
    timeout 120 "${run[@]}" < "$T/tls-server.in" > "$T/tls-server.log" 2>&1 &
    TLS_PID=$!
    TLS_PORT=
    for ((i = 0; i < 600; i++)); do
        TLS_PORT=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$T/tls-server.log")
        [ -z "$TLS_PORT" ] || break
        kill -0 "$TLS_PID" 2> /dev/null || break
        sleep 0.1
    done
    [ -n "$TLS_PORT" ] || { cat "$T/tls-server.log" >&2; fail "s_server prints no port"; }
    TLS_SIGNS=$(card_signatures)
}

tls_server_wait() {
    local rc=0
    wait "$TLS_PID" || rc=$?
    TLS_PID=
    exec 7>&-
    [ $rc = 0 ] || { cat "$T/tls-server.log" >&2; fail "s_server failed ($rc)"; }
}

tls_server_stop() {
    [ -n "$TLS_PID" ] || return 0
    kill "$TLS_PID" 2> /dev/null || true
    wait "$TLS_PID" 2> /dev/null || true
    TLS_PID=
    exec 7>&-
}
trap tls_server_stop EXIT

card_signatures() { grep -c ' 2A 9E 9A .* sw=9000' "$MDCARD_SIM_LOG" || true; }

tls_server_expect() {
    local want log=$T/tls-server.log
    case $1 in
    tls1_3) want="Protocol  : TLSv1.3" ;;
    tls1_2) want="Protocol  : TLSv1.2" ;;
    *) fail "tls_server_expect: unknown protocol $1" ;;
    esac
    for line in "subject=$2" "Peer signature type: RSA-PSS"; do
        grep -qF -- "$line" "$log" || { cat "$log" >&2; fail "$1: the server log lacks '$line'"; }
    done
    grep -A1 -F "depth=0 $2" "$log" | tail -n 1 | grep -qx 'verify return:1' ||
        { cat "$log" >&2; fail "$1: the server did not verify the client certificate"; }
    # the protocol, from the session the server printed
    sed -n '/BEGIN SSL SESSION PARAMETERS/,/END SSL SESSION PARAMETERS/p' "$log" |
        openssl sess_id -text -noout > "$T/tls-session.txt" 2>&1 || true
    grep -qF -- "$want" "$T/tls-session.txt" ||
        { cat "$log" "$T/tls-session.txt" >&2; fail "$1: the server's session lacks '$want'"; }
    [ "$(card_signatures)" -gt "$TLS_SIGNS" ] || fail "$1: the card made no signature"
}
