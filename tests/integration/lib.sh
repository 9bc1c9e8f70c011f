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

# The build directory (ctest sets it; by hand it is where the simulator lives).
: "${MDCARD_BUILD_DIR:=$(dirname "${MDCARD_SIM:?}")}"

# Our own C programs: in the sanitizer build they carry the sanitizer runtime
# themselves, so the preload meant for uninstrumented host programs is dropped.
own_tool() {
    if [ -n "${MDCARD_HOST_PRELOAD:-}" ]; then env -u LD_PRELOAD "$@"; else "$@"; fi
}
p11api() { own_tool "$MDCARD_BUILD_DIR/p11-api-test" "$@"; }

# Opt-in for scripts that run many small programs: the sanitizer runtime is
# preloaded only into pkcs11-tool with the mdcard module (mdcard()), not into
# every grep and sed (each would pay the runtime's start-up).
preload_only_for_mdcard() {
    [ -n "${MDCARD_HOST_PRELOAD:-}" ] || return 0
    MDCARD_SAVED_PRELOAD=${LD_PRELOAD:-}
    unset LD_PRELOAD
    mdcard() { LD_PRELOAD=$MDCARD_SAVED_PRELOAD pkcs11-tool --module "$MDCARD_MODULE" "$@"; }
}

# CKA_ID as mdcard defines it: SHA-1 of the RSA modulus, lower-case hex.
#   cert_id CERT.der    pubkey_id PUBKEY.der|.pem (DER or PEM by extension)
modulus_sha1() { sed 's/^Modulus=//' | xxd -r -p | sha1sum | cut -d' ' -f1; }
cert_id() { openssl x509 -inform DER -in "$1" -noout -modulus | modulus_sha1; }
pubkey_id() {
    local form=DER
    case $1 in *.pem) form=PEM ;; esac
    openssl rsa -pubin -inform "$form" -in "$1" -noout -modulus 2>/dev/null | modulus_sha1
}

# An RSA key made on the card by OpenSC, with a certificate written by OpenSC:
#   opensc_key BITS LABEL [nocert]  → $T/<LABEL>.pub.pem, $T/<LABEL>.cert.der,
# prints the mdcard CKA_ID (SHA-1 of the modulus). OpenSC's own ID is the
# container index, found as the ID of the new key in OpenSC's listing.
opensc_key() {
    local bits=$1 label=$2 oid
    ok opensc --login --pin "$PIN" --keypairgen --key-type "rsa:$bits" --label "$label"
    ok opensc -O --type pubkey
    oid=$(awk -v l="$label" '/label:/ { cur = $2 } /ID:/ && cur == l { print $2; exit }' "$T/out")
    [ -n "$oid" ] || { cat "$T/out" >&2; fail "OpenSC does not list the new key $label"; }
    ok opensc --read-object --type pubkey --id "$oid" -o "$T/$label.pub.der"
    ok openssl pkey -pubin -inform DER -in "$T/$label.pub.der" -out "$T/$label.pub.pem"
    if [ "${3:-}" != nocert ]; then
        issue_cert "$T/$label.pub.pem" "$label" "$T/$label.cert.der"
        ok opensc --login --pin "$PIN" --write-object "$T/$label.cert.der" --type cert --id "$oid"
    fi
    echo "$oid" > "$T/$label.opensc-id"
    pubkey_id "$T/$label.pub.pem"
}

# Waits until FILE contains a line starting with WORD (up to 60 s).
wait_line() {
    local n=0
    until grep -q "^$2" "$1" 2>/dev/null; do
        n=$((n + 1))
        [ $n -lt 600 ] || { cat "$1" >&2; fail "timed out waiting for '$2' in $1"; }
        sleep 0.1
    done
}
