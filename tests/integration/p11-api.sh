#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs p11-api-test (the PKCS#11 C API driven directly) against mdcard.
#   p11-api.sh              the suite, with two OpenSC-made keys (one with a certificate)
#   p11-api.sh --ro-session a read-only session refuses token changes (needs the write side)
#   p11-api.sh --apdu-budget APDUs for login + signatures on a warm cache (DESIGN.md §8)
#   p11-api.sh --pin-lock   wrong PINs until CKR_PIN_LOCKED, on a card of its own
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard
if [ "${1:-}" != --pin-lock ]; then
    step "keys made by OpenSC: RSA-2048 with a certificate, RSA-1024 without"
    opensc_key 2048 apikey > /dev/null
    opensc_key 1024 apikey2 nocert > /dev/null
fi
step "p11-api-test ${1:-}"
p11api "$@" > "$T/api.out" 2>&1 && rc=0 || rc=$?
cat "$T/api.out"
[ $rc = 0 ] || fail "p11-api-test exited $rc"
grep -q "^[0-9][0-9]* passed, 0 failed$" "$T/api.out" || fail "p11-api-test reported failures"
echo "PASS"
