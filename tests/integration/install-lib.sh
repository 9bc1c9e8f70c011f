# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers of the installation tests (install-tree, deb, p11kit-remote), sourced
# after lib.sh: p11-kit's directories and what an installed mdcard must look
# like to p11-kit's consumers.

P11_MODULE_PATH=$(pkg-config --variable=p11_module_path p11-kit-1)
P11_MODULE_CONFIGS=$(pkg-config --variable=p11_module_configs p11-kit-1)
P11_PROXY=$(pkg-config --variable=proxy_module p11-kit-1)
P11_CLIENT=$P11_MODULE_PATH/p11-kit-client.so
[ -n "$P11_MODULE_PATH" ] && [ -n "$P11_MODULE_CONFIGS" ] && [ -f "$P11_PROXY" ] ||
    fail "p11-kit's pkg-config file or p11-kit-proxy.so is missing (libp11-kit-dev, p11-kit-modules)"
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# The token mdcard shows for the simulated card, and a URI that matches it.
TOKEN_SERIAL=$(printf '%s' "$MDCARD_SERIAL" | tail -c 16 | tr A-F a-f)
TOKEN_LABEL="GIDS $TOKEN_SERIAL"
TOKEN_URI="pkcs11:token=GIDS%20$TOKEN_SERIAL"

# mode_of FILE: octal permission bits.
mode_of() { stat -c %a "$1"; }

# expect_file PATH MODE [SAME_AS]: a regular file with this mode (and content).
expect_file() {
    [ -f "$1" ] && [ ! -L "$1" ] || fail "not installed: $1"
    [ "$(mode_of "$1")" = "$2" ] || fail "$1 has mode $(mode_of "$1"), want $2"
    [ -z "${3:-}" ] || cmp -s "$1" "$3" || fail "$1 differs from $3"
}

# registered_module FILE: the value of the module: line of a p11-kit module file.
registered_module() { sed -n 's/^module:[[:space:]]*//p' "$1"; }

# p11kit_lists_mdcard CMD...: CMD (a p11-kit list-modules invocation) shows the
# module under the name mdcard, with the simulated card as its token.
p11kit_lists_mdcard() {
    ok "$@"
    grep -q '^mdcard: ' "$T/out" || { cat "$T/out" >&2; fail "p11-kit does not list the module mdcard"; }
    awk '/^[^ ]/ { m = $1 } m == "mdcard:" && $1 == "token:" { $1 = ""; sub(/^ /, ""); print }' \
        "$T/out" | grep -qxF "$TOKEN_LABEL" ||
        { cat "$T/out" >&2; fail "p11-kit lists mdcard without the token $TOKEN_LABEL"; }
}

# signs_and_verifies ID PUB_PEM CMD...: CMD is pkcs11-tool with a --module
# option; it logs in, signs with SHA256-RSA-PKCS and the key ID, and openssl
# verifies the signature with PUB_PEM.
signs_and_verifies() {
    local id=$1 pub=$2
    shift 2
    head -c 1000 /dev/urandom > "$T/sv.msg"
    rm -f "$T/sv.sig"
    ok "$@" --login --pin "$PIN" --sign --id "$id" -m SHA256-RSA-PKCS -i "$T/sv.msg" -o "$T/sv.sig"
    ok openssl dgst -sha256 -verify "$pub" -signature "$T/sv.sig" "$T/sv.msg"
    expect_out "Verified OK"
}
