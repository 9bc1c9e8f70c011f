#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# 1000 APDU round trips through pcscd and vpcd to the simulator; prints the
# time per APDU (a measurement, not a timed assertion) and checks that the
# simulator logged every one of them.
. "$(dirname "$0")/lib.sh"
before=$(wc -l < "$MDCARD_SIM_LOG")
ok "$MDCARD_BUILD_DIR/apdu-roundtrip" 1000
cat "$T/out"
after=$(wc -l < "$MDCARD_SIM_LOG")
[ $((after - before)) -ge 1000 ] || fail "simulator logged $((after - before)) APDUs, expected 1000"
echo "PASS"
