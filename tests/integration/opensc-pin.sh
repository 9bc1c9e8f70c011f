#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# PIN life cycle through OpenSC against the simulated card: change, block with
# wrong tries, unblock with gids-tool and the admin key.
. "$(dirname "$0")/lib.sh"
new=654321
unblocked=11223344

step "change the PIN"
ok opensc --login --pin "$PIN" --change-pin --new-pin "$new"
must_fail opensc --login --pin "$PIN" -O
ok opensc --login --pin "$new" -O

step "three wrong PINs block it"
for try in 1 2 3; do
    must_fail opensc --login --pin 000000 -O
done
must_fail opensc --login --pin "$new" -O
expect_out "CKR_PIN_LOCKED"
ok "$MDCARD_SIM" --dump "$MDCARD_SIM_STATE"
expect_out "tries-left 0 of 3"

step "a wrong admin key does not unblock"
must_fail gids-tool --unblock --admin-key 000102030405060708090A0B0C0D0E0F1011121314151617 \
    --pin "$unblocked"
must_fail opensc --login --pin "$unblocked" -O

step "gids-tool --unblock with the admin key sets a new PIN"
ok gids-tool --unblock --admin-key "$MDCARD_ADMIN_KEY" --pin "$unblocked"
ok opensc --login --pin "$unblocked" -O
ok "$MDCARD_SIM" --dump "$MDCARD_SIM_STATE"
expect_out "tries-left 3 of 3"
echo "PASS"
