#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# OpenSC's gids-tool initializes the blank simulated card, and OpenSC's PKCS#11
# module then sees an initialized GIDS token whose serial is the cardid's last
# 16 hex digits. Proves that the simulator accepts a real initializer.
. "$(dirname "$0")/lib.sh"

step "the blank card is not initialized yet"
ok "$MDCARD_SIM" --dump "$MDCARD_SIM_STATE"
reject_out "DF1F"

step "gids-tool --initialize"
ok gids-tool --initialize --serial-number 00112233445566778899AABBCCDDEEFF \
    --admin-key "$MDCARD_ADMIN_KEY" --pin "$PIN"

step "the card now holds the master table, cardapps, cardcf, cmapfile and cardid"
ok "$MDCARD_SIM" --dump "$MDCARD_SIM_STATE"
cp "$T/out" "$T/dump"
for want in A000 A010 A012 B080 DF1F DF21 DF22 DF23 DF20 00112233445566778899AABBCCDDEEFF; do
    grep -qi -- "$want" "$T/dump" || { cat "$T/dump" >&2; fail "dump lacks $want"; }
done

step "OpenSC's module lists the token"
ok opensc -L
expect_out "8899aabbccddeeff"
expect_out "token initialized"

step "a second initialization is refused and changes nothing"
# gids-tool reports this failure on stderr but exits 0, so check what it says.
gids-tool --initialize --serial-number FFEEDDCCBBAA99887766554433221100 \
    --admin-key "$MDCARD_ADMIN_KEY" --pin 999999 > "$T/out" 2>&1 || true
expect_out "failed"
ok "$MDCARD_SIM" --dump "$MDCARD_SIM_STATE"
diff "$T/dump" "$T/out" || fail "the refused initialization changed the card"
echo "PASS"
