#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Debian package, installed for real: build it the way `make deb` does
# (a scratch build configured with -DCMAKE_INSTALL_PREFIX=/usr, then
# `cpack -G DEB`), `dpkg -i` it, check that p11-kit's system configuration
# now shows mdcard with the simulated card's token and that the tool runs,
# then `dpkg --purge` it and check that everything it brought is gone,
# /etc/mdcard.conf (a conffile) included. Root only: it changes the system,
# so it runs alone (RUN_SERIAL, label deb) and purges on every exit. A run
# killed before its purge leaves a marker; the next run purges first.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/install-lib.sh"

[ "$(id -u)" = 0 ] || fail "the deb test installs a package system-wide and must run as root (CI does); it did not run"
marker=/var/tmp/mdcard-deb-test.installed
if [ -e "$marker" ]; then
    echo "a previous run was killed before its purge: purging mdcard first"
    dpkg --purge mdcard > /dev/null || fail "cannot purge the package a previous run left installed"
    rm -f "$marker"
fi
# dpkg's state of the package: '' or not-installed when absent.
pkg_state() { dpkg-query -W -f='${db:Status-Status}' mdcard 2> /dev/null || true; }
case $(pkg_state) in
'' | not-installed) ;;
*) fail "mdcard is on this machine already (state $(pkg_state), not from this test): not touching it" ;;
esac

step "build the package: configure with prefix /usr, build, cpack -G DEB"
b=$T/deb-build
ok cmake -S "$REPO" -B "$b" -DCMAKE_INSTALL_PREFIX=/usr -DMDCARD_TESTS=OFF
ok cmake --build "$b" -j2
ok sh -c "cd '$b' && cpack -G DEB"
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$b/CMakeCache.txt")
deb=$b/mdcard_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || { ls "$b" >&2; fail "cpack made no $deb"; }
ok dpkg-deb -f "$deb" Package Version Depends Recommends Suggests
expect_out "Package: mdcard"
expect_out "Version: $version"
expect_out "libpcsclite1"
expect_out "Recommends: pcscd"
expect_out "Suggests: p11-kit-modules, p11-kit"

# Which of the package's paths exist before: after the purge every other one
# must be gone (directories shared with other packages stay).
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' | grep -v '^$' | sort > "$T/paths"
while read -r p; do if [ -e "$p" ]; then echo "$p"; fi; done < "$T/paths" > "$T/existing"
grep -qx /etc/mdcard.conf "$T/paths" || fail "the package holds no /etc/mdcard.conf"
! grep -qx /etc/mdcard.conf "$T/existing" || fail "/etc/mdcard.conf exists before the install"

purge() {
    dpkg --purge mdcard > "$T/purge.log" 2>&1 || { cat "$T/purge.log" >&2; return 1; }
    rm -f "$marker"
}
cleanup() { [ ! -e "$marker" ] || purge; }
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

step "dpkg -i $(basename "$deb")"
: > "$marker"
ok dpkg -i "$deb"
ok dpkg-query -W -f='${Status}\n${Conffiles}\n' mdcard
expect_out "install ok installed"
expect_out "/etc/mdcard.conf"
ok dpkg -L mdcard
for f in "$P11_MODULE_PATH/mdcard-pkcs11.so" "$P11_MODULE_CONFIGS/mdcard.module" /etc/mdcard.conf; do
    grep -qx "$f" "$T/out" || { cat "$T/out" >&2; fail "the package does not install $f"; }
    [ -f "$f" ] || fail "$f is missing after dpkg -i"
done
cp "$T/out" "$T/dpkg-L"
strings -a "$P11_MODULE_PATH/mdcard-pkcs11.so" | grep -qx /etc/mdcard.conf ||
    fail "the packaged module does not read /etc/mdcard.conf"

step "p11-kit list-modules (the system's configuration) shows mdcard and the card"
p11kit_lists_mdcard p11-kit list-modules
ok pkcs11-tool --module "$P11_PROXY" -L
expect_out "token label        : $TOKEN_LABEL"

if grep -qx /usr/bin/mdcard "$T/dpkg-L"; then
    step "mdcard --help"
    ok /usr/bin/mdcard --help
    expect_out "mdcard"
fi

step "dpkg --purge mdcard: nothing left"
purge || fail "dpkg --purge mdcard failed"
case $(pkg_state) in '' | not-installed) ;; *) fail "mdcard is still on the machine: $(pkg_state)" ;; esac
while read -r p; do
    grep -qxF "$p" "$T/existing" && continue
    [ ! -e "$p" ] || fail "left after purge: $p"
done < "$T/paths"
[ ! -e /etc/mdcard.conf ] || fail "/etc/mdcard.conf is left after purge"
ok p11-kit list-modules
reject_out "mdcard: "
echo "PASS"
