# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared helpers for integration tests. Sourced by scripts that run inside
# tests/with-card, so the private pcscd and the simulated card are set up.
set -eu

: "${MDCARD_TEST_DIR:?run this through tests/with-card}"
T=$MDCARD_TEST_DIR
PIN=$MDCARD_USER_PIN

step() { printf '== %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

# Run a command that must succeed; keep its output in $T/out for checks.
ok() {
    if ! "$@" > "$T/out" 2>&1; then
        cat "$T/out" >&2
        fail "command failed: $*"
    fi
}

# Run a command that must fail; keep its output in $T/out for checks.
must_fail() {
    if "$@" > "$T/out" 2>&1; then
        cat "$T/out" >&2
        fail "command unexpectedly succeeded: $*"
    fi
}

# The last command's output must (not) contain a fixed string.
expect_out() { grep -qF -- "$1" "$T/out" || { cat "$T/out" >&2; fail "output lacks '$1'"; }; }
reject_out() { ! grep -qF -- "$1" "$T/out" || { cat "$T/out" >&2; fail "output has '$1'"; }; }

opensc() { pkcs11-tool --module "$MDCARD_OPENSC_MODULE" "$@"; }
mdcard() { pkcs11-tool --module "$MDCARD_MODULE" "$@"; }

# A CA that issues certificates for public keys read from the card:
#   issue_cert PUBKEY_PEM SUBJECT_CN OUT_DER
make_ca() {
    [ -f "$T/ca.pem" ] && return 0
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/ca.key" -out "$T/ca.pem" \
        -days 30 -subj "/CN=mdcard Test CA" > /dev/null 2>&1 || fail "cannot make the test CA"
}
issue_cert() {
    make_ca
    openssl req -new -newkey rsa:2048 -nodes -keyout "$T/throwaway.key" -subj "/CN=$2" \
        -out "$T/req.csr" > /dev/null 2>&1 || fail "cannot make a request"
    openssl x509 -req -in "$T/req.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
        -force_pubkey "$1" -days 30 -outform DER -out "$3" > /dev/null 2>&1 ||
        fail "cannot issue a certificate"
}
