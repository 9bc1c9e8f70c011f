#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `cmake --install --prefix /usr` of the build under test into a scratch root
# (DESTDIR): every installed file, its mode and content, and nothing else (no
# tests, no simulator). Then the installed tree as a system install: in a
# private mount namespace the scratch root's p11-kit module directory and
# module configuration directory are bind-mounted over the system's (root
# ignores user configuration, so this is the only way to register a module
# privately), so mdcard.module's plain file name resolves to the installed
# module exactly as on a real system, and p11-kit's consumers find the card
# with no configuration: `p11-kit list-modules`, pkcs11-tool through
# p11-kit-proxy.so (list and sign), p11tool without --provider, and libp11's
# engine without MODULE_PATH (its default is p11-kit-proxy.so).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/install-lib.sh"
preload_only_for_mdcard

build=$MDCARD_BUILD_DIR
root=$T/root

step "cmake --install $build --prefix /usr (DESTDIR=$root)"
# cmake --install (re)writes the build's install_manifest.txt: keep the one a
# real `make install` left there.
manifest=$build/install_manifest.txt
[ ! -f "$manifest" ] || cp -p "$manifest" "$T/manifest.saved"
ok env DESTDIR="$root" cmake --install "$build" --prefix /usr
if [ -f "$T/manifest.saved" ]; then mv "$T/manifest.saved" "$manifest"; else rm -f "$manifest"; fi

# The configuration path is the one compiled into the module (the module's
# sysconfdir comes from the configure-time prefix, not from --install --prefix).
module=$root$P11_MODULE_PATH/mdcard-pkcs11.so
[ -f "$module" ] || fail "the module is not in p11-kit's module path: $module"
conf=$(strings -a "$module" | grep -m1 '^/.*/mdcard\.conf$') ||
    fail "no configuration path compiled into the module"
echo "module reads $conf"

step "installed files, modes and contents"
expected=("$P11_MODULE_PATH/mdcard-pkcs11.so" "$P11_MODULE_CONFIGS/mdcard.module" "$conf"
    /usr/share/doc/mdcard/README.md)
expect_file "$module" 644
nm -D --defined-only "$module" | grep -qw C_GetFunctionList || fail "the installed module exports no C_GetFunctionList"
expect_file "$root$P11_MODULE_CONFIGS/mdcard.module" 644 "$REPO/conf/mdcard.module"
[ "$(registered_module "$root$P11_MODULE_CONFIGS/mdcard.module")" = mdcard-pkcs11.so ] ||
    fail "mdcard.module does not name mdcard-pkcs11.so"
expect_file "$root$conf" 644 "$REPO/conf/mdcard.conf"
expect_file "$root/usr/share/doc/mdcard/README.md" 644 "$REPO/README.md"
for doc in "$REPO"/docs/*.md; do
    expected+=("/usr/share/doc/mdcard/${doc##*/}")
    expect_file "$root/usr/share/doc/mdcard/${doc##*/}" 644 "$doc"
done
for f in LICENSE COPYING; do
    [ -f "$REPO/$f" ] || continue
    expected+=("/usr/share/doc/mdcard/$f")
    expect_file "$root/usr/share/doc/mdcard/$f" 644 "$REPO/$f"
done
# The mdcard tool and its manual page, when this build has them.
if [ -x "$build/mdcard" ]; then
    expected+=(/usr/bin/mdcard)
    expect_file "$root/usr/bin/mdcard" 755
fi
if [ -f "$REPO/tools/mdcard.1" ]; then
    expected+=(/usr/share/man/man1/mdcard.1)
    expect_file "$root/usr/share/man/man1/mdcard.1" 644 "$REPO/tools/mdcard.1"
fi
got=$(cd "$root" && find . ! -type d | sed 's/^\.//' | sort)
want=$(printf '%s\n' "${expected[@]}" | sort)
[ "$got" = "$want" ] || { diff <(echo "$want") <(echo "$got") >&2; fail "the installed tree differs (< missing, > extra)"; }

step "a card holding a key and a certificate written through mdcard"
enrolled_card "Install Test"

# in_system CMD...: CMD with the scratch root's p11-kit directories in place
# of the system's (and an empty admin directory /etc/pkcs11/modules, if the
# machine has one), in a private mount namespace; programs that load the
# module get the sanitizer runtime in the sanitizer build.
if [ "$(id -u)" = 0 ]; then ns=(unshare -m); else ns=(unshare -r -m); fi
mkdir -p "$T/empty"
in_system() {
    "${ns[@]}" bash -c '
        mount --bind "$1$2" "$2" && mount --bind "$1$3" "$3" || exit 1
        if [ -d /etc/pkcs11/modules ]; then mount --bind "$4" /etc/pkcs11/modules || exit 1; fi
        shift 4
        exec "$@"' in_system "$root" "$P11_MODULE_PATH" "$P11_MODULE_CONFIGS" "$T/empty" \
        env ${MDCARD_SAVED_PRELOAD:+LD_PRELOAD=$MDCARD_SAVED_PRELOAD} "$@"
}

step "p11-kit list-modules shows mdcard and the card's token"
p11kit_lists_mdcard in_system p11-kit list-modules
# Only the installed registration is visible: the module was found through it.
[ "$(grep -c '^[^ ].*: ' "$T/out")" = 1 ] || { cat "$T/out" >&2; fail "modules other than mdcard are registered"; }
expect_out "mdcard: mdcard-pkcs11.so"

step "pkcs11-tool through p11-kit-proxy.so: list, sign"
ok in_system pkcs11-tool --module "$P11_PROXY" -L
expect_out "token label        : $TOKEN_LABEL"
signs_and_verifies "$ENROLLED_ID" "$T/user.pub.pem" in_system pkcs11-tool --module "$P11_PROXY"

step "GnuTLS: p11tool --list-tokens with no --provider"
ok in_system p11tool --list-tokens
expect_out "Label: $TOKEN_LABEL"
ok in_system p11tool --list-all-certs "$TOKEN_URI"
expect_out "Install Test"

step "OpenSSL: libp11's engine with no MODULE_PATH signs with the card's key"
openssl dgst -sha256 -binary "$T/sv.msg" > "$T/sv.hash"
key="$TOKEN_URI;id=$ENROLLED_URI_ID;type=private;pin-value=$PIN"
ok in_system openssl pkeyutl -engine pkcs11 -keyform engine -sign \
    -inkey "$key" -in "$T/sv.hash" -pkeyopt digest:sha256 -out "$T/engine.sig"
ok openssl pkeyutl -verify -pubin -inkey "$T/user.pub.pem" -in "$T/sv.hash" -sigfile "$T/engine.sig" \
    -pkeyopt digest:sha256
expect_out "Signature Verified Successfully"

step "the bind mounts stayed in their namespace"
! grep -qF "$root" /proc/self/mountinfo || fail "a scratch mount is visible outside the namespace"
echo "PASS"
