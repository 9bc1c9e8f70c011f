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

# ---- The write side: the card as the simulator holds it ----------------------
# A host program that loads mdcard (openssl with the pkcs11 engine, p11tool)
# gets the sanitizer runtime even after preload_only_for_mdcard.
with_module_preload() {
    if [ -n "${MDCARD_SAVED_PRELOAD:-}" ]; then LD_PRELOAD=$MDCARD_SAVED_PRELOAD "$@"; else "$@"; fi
}

# card_dump OUT: the canonical text of the card (gids-sim --dump).
card_dump() { own_tool "$MDCARD_SIM" --dump "$MDCARD_SIM_STATE" > "$1" || fail "cannot dump the card"; }

# dump_do DUMP EF TAG: hex value of a DO ('' when absent, '-' when empty).
dump_do() {
    awk -v ef="$2" -v tag="$3" '$1 == "file" { cur = $2 }
        $1 == "do" && cur == ef && $2 == tag { print $5; exit }' "$1"
}

# dump_changes BEFORE AFTER: the items (EF/do:TAG, EF/key:..., EF/file:) that
# differ, one a line, sorted. Everything else is byte-identical.
dump_canon() {
    awk '$1 == "file" { cur = $2; print cur "/file:", $0; next }
         $1 == "do" || $1 == "key" { print cur "/" $1 ":" $2, $0; next }
         { print "card/" $1, $0 }' "$1"
}
dump_changes() {
    diff <(dump_canon "$1") <(dump_canon "$2") | sed -n 's/^[<>] \([^ ]*\) .*/\1/p' | sort -u
}
# expect_changes BEFORE AFTER ITEM...: exactly these items changed.
expect_changes() {
    local b=$1 a=$2 got want
    shift 2
    got=$(dump_changes "$b" "$a" | tr '\n' ' ')
    want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
    [ "$got" = "$want" ] || { diff "$b" "$a" >&2; fail "card changes: got [$got], want [$want]"; }
}
# expect_unchanged BEFORE AFTER: byte-identical card.
expect_unchanged() {
    cmp -s "$1" "$2" || { diff "$1" "$2" >&2; fail "the card changed: $(dump_changes "$1" "$2" | tr '\n' ' ')"; }
}

# mft_list DUMP: the master table (A000/DF1F), one record a line: "DIR/NAME TAG EF"
# (root directory spelled '.'), in table order.
mft_list() {
    local h
    h=$(dump_do "$1" A000 DF1F)
    [ -n "$h" ] && [ "$h" != - ] || return 0
    [ "${h:0:2}" = 01 ] && [ $(((${#h} / 2 - 1) % 28)) = 0 ] || fail "master table is corrupt: $h"
    awk -v h="${h:2}" 'function str(x,   s, i, c) {
            s = ""
            for (i = 1; i < length(x); i += 2) {
                c = index("0123456789ABCDEF", substr(x, i, 1)) * 16 + index("0123456789ABCDEF", substr(x, i + 1, 1)) - 17
                if (c > 0) s = s sprintf("%c", c)
            }
            return s
        }
        BEGIN {
            for (i = 1; i + 55 <= length(h); i += 56) {
                r = substr(h, i, 56); d = str(substr(r, 1, 18)); n = str(substr(r, 19, 18))
                print (d == "" ? "." : d) "/" n, substr(r, 43, 2) substr(r, 41, 2), substr(r, 51, 2) substr(r, 49, 2)
            }
        }'
}
# file_do DUMP NAME: hex of the DO that the master table names mscp/NAME ('' if no record).
file_do() {
    local rec
    rec=$(mft_list "$1" | awk -v n="mscp/$2" '$1 == n')
    [ -n "$rec" ] || return 0
    [ "$(printf '%s\n' "$rec" | wc -l)" = 1 ] || fail "mscp/$2 has more than one master-table record"
    set -- "$1" $rec
    dump_do "$1" "$4" "$3"
}
# cert_from_card DUMP NAME OUT: the certificate file inflated to DER (strict format).
cert_from_card() {
    local h
    h=$(file_do "$1" "$2")
    [ -n "$h" ] && [ "$h" != - ] || fail "no certificate file mscp/$2 on the card"
    printf '%s' "$h" | own_tool "$MDCARD_BUILD_DIR/certfile-inflate" > "$3" ||
        fail "mscp/$2 is not a compressed certificate file"
}

# cmap_list DUMP: the cmapfile records, one a line: "INDEX FLAGS SIGBITS KXBITS NAME".
cmap_list() {
    local h
    h=$(dump_do "$1" A010 DF23)
    [ -n "$h" ] && [ "$h" != - ] || return 0
    [ $((${#h} % 172)) = 0 ] || fail "cmapfile length is not a multiple of 86: ${#h} hex digits"
    awk -v h="$h" 'function byte(x) {
            return index("0123456789ABCDEF", substr(x, 1, 1)) * 16 + index("0123456789ABCDEF", substr(x, 2, 1)) - 17
        }
        BEGIN {
            for (i = 1; i + 171 <= length(h); i += 172) {
                r = substr(h, i, 172); n = ""
                for (j = 1; j < 160; j += 4) { c = byte(substr(r, j, 2)); if (c > 0) n = n sprintf("%c", c) }
                print (i - 1) / 172, substr(r, 161, 2), byte(substr(r, 165, 2)) + 256 * byte(substr(r, 167, 2)),
                    byte(substr(r, 169, 2)) + 256 * byte(substr(r, 171, 2)), (n == "" ? "-" : n)
            }
        }'
}

# cardcf_bump HEX DPINS DCONTAINERS DFILES: the cardcf expected after the given
# increments (counters wrap; version byte and any bytes after the sixth kept).
cardcf_bump() {
    local h=$1 p c f
    p=$(((16#${h:2:2} + $2) & 0xff))
    c=$(((16#${h:6:2}${h:4:2} + $3) & 0xffff))
    f=$(((16#${h:10:2}${h:8:2} + $4) & 0xffff))
    printf '%s%02X%02X%02X%02X%02X%s\n' "${h:0:2}" $p $((c & 255)) $((c >> 8)) $((f & 255)) \
        $((f >> 8)) "${h:12}"
}
# expect_cardcf BEFORE AFTER DPINS DCONTAINERS DFILES
expect_cardcf() {
    local want got
    want=$(cardcf_bump "$(dump_do "$1" A010 DF22)" "$3" "$4" "$5")
    got=$(dump_do "$2" A010 DF22)
    [ "$got" = "$want" ] || fail "cardcf is $got, want $want (+$3 pins, +$4 containers, +$5 files)"
}

# apdus: the number of APDUs the card has answered so far.
apdus() { wc -l < "$MDCARD_SIM_LOG"; }

# The ID pkcs11-tool printed for the last object it made or listed ("ID: ..."),
# from $T/out.
last_id() { awk '/^ *ID:/ { id = $2 } END { print id }' "$T/out"; }

# An openssl configuration with libp11's engine on MODULE:  engine_conf MODULE OUT
engine_conf() {
    local so
    so=$(find /usr/lib/*/engines-3 /usr/lib/engines-3 -name pkcs11.so 2>/dev/null | head -n 1)
    [ -n "$so" ] || fail "libengine-pkcs11-openssl is not installed"
    cat > "$2" <<EOC
openssl_conf = openssl_init
[openssl_init]
engines = engine_section
[engine_section]
pkcs11 = pkcs11_section
[pkcs11_section]
engine_id = pkcs11
dynamic_path = $so
MODULE_PATH = $1
init = 0
EOC
}

# sign_csr CSR SUBJECT OUT_DER: the test CA signs a request (checked first).
sign_csr() {
    make_ca
    ok openssl req -in "$1" -noout -verify
    ok openssl x509 -req -in "$1" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial \
        -days 30 -outform DER -out "$3" -subj "/CN=$2"
}

# OpenSC's ID of the private key whose certificate/public key has SHA-1(modulus) ID,
# found by listing with OpenSC: opensc_id_of PUBKEY_PEM
opensc_id_of() {
    local want oid der
    want=$(pubkey_id "$1")
    ok opensc -O --type pubkey
    for oid in $(awk '/ID:/ { print $2 }' "$T/out" | sort -u); do
        der=$T/oscid.$oid.der
        opensc --read-object --type pubkey --id "$oid" -o "$der" > /dev/null 2>&1 || continue
        openssl pkey -pubin -inform DER -in "$der" -out "$der.pem" 2> /dev/null || continue
        [ "$(pubkey_id "$der.pem")" = "$want" ] && { echo "$oid"; return 0; }
    done
    fail "OpenSC does not list the key $want"
}

# opensc_signs OID PUB_PEM: OpenSC signs with its key OID; openssl verifies with PUB_PEM.
opensc_signs() {
    head -c 300 /dev/urandom > "$T/osc.msg"
    ok opensc --login --pin "$PIN" --sign --id "$1" -m SHA256-RSA-PKCS -i "$T/osc.msg" -o "$T/osc.sig"
    ok openssl dgst -sha256 -verify "$2" -signature "$T/osc.sig" "$T/osc.msg"
    expect_out "Verified OK"
}

# md_keygen LABEL [pkcs11-tool options]: a key generated through mdcard
# (KEY_TYPE, default rsa:2048); writes $T/LABEL.pub.pem, prints its CKA_ID
# after checking it is SHA-1 of the modulus.
md_keygen() {
    local label=$1 id
    shift
    ok mdcard --login --pin "$PIN" --keypairgen --key-type "${KEY_TYPE:-rsa:2048}" --label "$label" "$@"
    id=$(last_id)
    [[ "$id" =~ ^[0-9a-f]{40}$ ]] || { cat "$T/out" >&2; fail "$label: no 20-byte CKA_ID: '$id'"; }
    ok mdcard --read-object --type pubkey --id "$id" -o "$T/$label.pub.der"
    ok openssl pkey -pubin -inform DER -in "$T/$label.pub.der" -out "$T/$label.pub.pem"
    [ "$(pubkey_id "$T/$label.pub.pem")" = "$id" ] || fail "$label: CKA_ID $id is not SHA-1 of the modulus"
    echo "$id"
}
# md_write_cert CERT.der [pkcs11-tool options]: must succeed.
md_write_cert() {
    local c=$1
    shift
    ok mdcard --write-object "$c" --type cert --login --pin "$PIN" "$@"
}
# cert_ids TOOL: IDs of the certificates TOOL (mdcard|opensc) lists, sorted.
cert_ids() {
    ok "$1" -O --type cert
    awk '/^Certificate Object/ { c = 1 } c && /ID:/ { print $2; c = 0 }' "$T/out" | sort
}

# container_of DUMP PUB_PEM: index of the container whose key file (found
# through the keymap, A000/DF20) holds this public key's modulus; '' if none.
container_of() {
    local km mod i r fid
    km=$(dump_do "$1" A000 DF20)
    mod=$(openssl rsa -pubin -in "$2" -noout -modulus | sed 's/^Modulus=//')
    [ -n "$km" ] && [ "$km" != - ] || return 0
    for ((i = 0; 2 + 24 * i + 24 <= ${#km}; i++)); do
        r=${km:2+24*i:24}
        fid=${r:14:2}${r:12:2}
        if awk -v f="$fid" -v m="$mod" '$1 == "file" { cur = $2 }
            cur == f && $1 == "key" && $2 == "n" && $3 == m { found = 1 } END { exit !found }' "$1"; then
            echo "$i"
            return 0
        fi
    done
}

# ---- The application tests' starting point -----------------------------------
# enrolled_card CN: the card every application test starts from — a 2048-bit
# key generated through mdcard, a certificate for it issued by the test CA and
# written through mdcard (pkcs11-tool --write-object). Sets ENROLLED_ID (the
# CKA_ID, hex) and ENROLLED_URI_ID (the same, %-escaped for pkcs11: URIs);
# writes $T/ca.pem, $T/user.cert.der, $T/user.cert.pem, $T/user.pub.pem.
# Checks that mdcard lists the certificate under the key's ID before returning.
enrolled_card() {
    ENROLLED_ID=$(md_keygen user)
    issue_cert "$T/user.pub.pem" "$1" "$T/user.cert.der"
    ok openssl x509 -inform DER -in "$T/user.cert.der" -out "$T/user.cert.pem"
    md_write_cert "$T/user.cert.der"
    [ "$(cert_ids mdcard)" = "$ENROLLED_ID" ] || fail "the enrolled certificate is not listed under $ENROLLED_ID"
    ENROLLED_URI_ID=$(printf '%s' "$ENROLLED_ID" | sed 's/../%&/g')
}
