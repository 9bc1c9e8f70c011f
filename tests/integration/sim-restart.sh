#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The simulated card survives a simulator restart with --state: the same
# canonical dump before and after, and OpenSC still finds the key and uses it.
. "$(dirname "$0")/lib.sh"

step "generate a key"
ok opensc --login --pin "$PIN" --keypairgen --key-type rsa:1024 --label survivor
ok "$MDCARD_SIM" --dump "$MDCARD_SIM_STATE"
cp "$T/out" "$T/before"

step "restart the simulator"
ok "$MDCARD_SIM_RESTART"
ok "$MDCARD_SIM" --dump "$MDCARD_SIM_STATE"
diff "$T/before" "$T/out" || fail "card state changed across the restart"

step "the key is still there and signs"
ok opensc -O --type privkey --login --pin "$PIN"
expect_out "survivor"
head -c 100 /dev/urandom > "$T/msg"
ok opensc --login --pin "$PIN" --sign -m SHA256-RSA-PKCS -i "$T/msg" -o "$T/sig" --label survivor
echo "PASS"
