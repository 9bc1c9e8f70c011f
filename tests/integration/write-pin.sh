#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# PIN management through mdcard, checked with OpenSC and the card's dump:
#   write-pin.sh change    C_SetPIN: OpenSC logs in with the new PIN only; the
#                          card changes in bPinsFreshness only (+1)
#   write-pin.sh unblock   a PIN blocked by wrong tries is unblocked by SO login
#                          (admin key, 48 hex digits) + C_InitPIN: bPinsFreshness
#                          +1 only; OpenSC logs in and signs with the new PIN
#   write-pin.sh init      (blank card) C_InitToken with the admin key, C_InitPIN
#                          as SO: a card OpenSC logs into and makes keys on
#   write-pin.sh wipe      C_InitToken on an initialized card with keys: keys and
#                          certificates gone, new cardid (serial), counters bumped
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard
ADMIN=$MDCARD_ADMIN_KEY

# only_pins_bumped BEFORE AFTER [EXTRA_ITEMS...]: cardcf +1 pins, nothing else but EXTRA changed.
only_pins_bumped() {
    local b=$1 a=$2
    shift 2
    expect_cardcf "$b" "$a" 1 0 0
    expect_changes "$b" "$a" A010/do:DF22 "$@"
}
serial_of() { # TOOL: the token serial number it shows
    ok "$1" -L
    awk -F: '/serial num/ { gsub(/ /, "", $2); print $2; exit }' "$T/out"
}
new_pin_works() { # PIN KEYLABEL: OpenSC logs in with PIN and signs; the old PIN is refused
    local p=$1
    ok opensc --login --pin "$p" -O --type privkey
    PIN=$p opensc_signs "$(opensc_id_of "$T/$2.pub.pem")" "$T/$2.pub.pem"
}

case ${1:?change|unblock|init|wipe} in
change)
    step "a key made by OpenSC"
    opensc_key 1024 pk nocert > /dev/null
    card_dump "$T/d0"
    step "C_SetPIN through mdcard: 123456 → 654321"
    ok mdcard --login --pin "$PIN" --change-pin --new-pin 654321
    card_dump "$T/d1"
    only_pins_bumped "$T/d0" "$T/d1"
    step "OpenSC: the new PIN works, the old one is refused"
    new_pin_works 654321 pk
    must_fail opensc --login --pin "$PIN" -O --type privkey
    ok opensc --login --pin 654321 -O --type privkey
    step "C_SetPIN with old == new is accepted (and checked on the card)"
    ok mdcard --login --pin 654321 --change-pin --new-pin 654321
    must_fail mdcard --login --pin 111111 --change-pin --new-pin 111111
    ok opensc --login --pin 654321 -O --type privkey
    ;;
unblock)
    step "a key made by OpenSC; the PIN blocked by three wrong tries"
    opensc_key 1024 pk nocert > /dev/null
    for i in 1 2 3; do must_fail opensc --login --pin 000000 -O --type privkey; done
    card_dump "$T/d0"
    grep -q '^pin set tries-left 0 ' "$T/d0" || fail "the PIN is not blocked: $(grep '^pin' "$T/d0")"
    must_fail opensc --login --pin "$PIN" -O --type privkey
    card_dump "$T/d0"
    step "SO login with the admin key and C_InitPIN through mdcard"
    ok mdcard --login --login-type so --so-pin "$ADMIN" --init-pin --new-pin 222222
    card_dump "$T/d1"
    grep -q '^pin set tries-left 3 ' "$T/d1" || fail "PIN tries not reset: $(grep '^pin' "$T/d1")"
    only_pins_bumped "$T/d0" "$T/d1" card/pin
    step "OpenSC logs in and signs with the new PIN"
    new_pin_works 222222 pk
    step "a wrong admin key is refused and changes nothing"
    card_dump "$T/d2"
    must_fail mdcard --login --login-type so --so-pin 000000000000000000000000000000000000000000000000 \
        --init-pin --new-pin 333333
    card_dump "$T/d3"
    expect_unchanged "$T/d2" "$T/d3"
    ;;
init)
    grep -q '^application initialization' <(card_dump /dev/stdout) || fail "the card is not blank"
    step "C_InitToken through mdcard on a blank card (SO PIN = admin key)"
    ok mdcard --init-token --so-pin "$ADMIN" --label x
    step "C_InitPIN as SO: the user PIN"
    ok mdcard --login --login-type so --so-pin "$ADMIN" --init-pin --new-pin 222222
    card_dump "$T/d1"
    grep -q '^application operational' "$T/d1" || fail "the card is not operational"
    grep -q '^pin set tries-left 3 ' "$T/d1" || fail "no user PIN: $(grep '^pin' "$T/d1")"
    [ "$(mft_list "$T/d1" | awk '{ print $1 }' | tr '\n' ' ')" = "mscp/ ./cardid ./cardapps ./cardcf mscp/cmapfile " ] ||
        fail "master table: $(mft_list "$T/d1" | tr '\n' ';')"
    [ ${#MDCARD_SERIAL} = 32 ] && [ "$(dump_do "$T/d1" A012 DF20 | wc -c)" = 33 ] || fail "no 16-byte cardid"
    step "OpenSC logs in with the new PIN, makes a key and signs"
    ok opensc --login --pin 222222 -O
    PIN=222222 opensc_key 2048 fresh nocert > /dev/null
    new_pin_works 222222 fresh
    step "gids-tool's view of the card agrees"
    ok opensc -L
    expect_out "GIDS"
    ;;
wipe)
    step "an initialized card with keys: OpenSC's with a certificate, mdcard's, a CA in msroots"
    opensc_key 1024 wk > /dev/null
    KEY_TYPE=rsa:1024 md_keygen mk > /dev/null
    card_dump "$T/d0"
    s0=$(serial_of opensc)
    step "C_InitToken through mdcard: a logical wipe"
    ok mdcard --init-token --so-pin "$ADMIN" --label wiped
    ok mdcard --login --login-type so --so-pin "$ADMIN" --init-pin --new-pin 222222
    card_dump "$T/d1"
    ! grep -q '^  key rsa' "$T/d1" || fail "key files are left on the card"
    [ -z "$(mft_list "$T/d1" | grep -E '^mscp/k[sx]c')" ] || fail "certificate files are left"
    [ -z "$(cmap_list "$T/d1" | awk '$2 != "00"')" ] || fail "valid containers are left: $(cmap_list "$T/d1")"
    km=$(dump_do "$T/d1" A000 DF20)
    [ -z "$(printf '%s' "${km:2}" | sed 's/.\{24\}/&\n/g' | grep '^01000000')" ] ||
        fail "keymap entries in use are left: $km"
    [ "$(dump_do "$T/d0" A012 DF20)" != "$(dump_do "$T/d1" A012 DF20)" ] || fail "cardid unchanged"
    c0=$(dump_do "$T/d0" A010 DF22) c1=$(dump_do "$T/d1" A010 DF22)
    [ "${c0:2:2}" != "${c1:2:2}" ] && [ "${c0:4:4}" != "${c1:4:4}" ] && [ "${c0:8:4}" != "${c1:8:4}" ] ||
        fail "cardcf $c0 → $c1: not every counter bumped"
    step "OpenSC logs in with the new PIN, sees no key, a new serial, and makes a key"
    ok opensc --login --pin 222222 -O
    reject_out "Private Key Object"
    reject_out "Certificate Object"
    s1=$(serial_of opensc)
    [ "$s0" != "$s1" ] || fail "serial number unchanged ($s0)"
    PIN=222222 opensc_key 1024 again nocert > /dev/null
    new_pin_works 222222 again
    ;;
*) fail "unknown case" ;;
esac
echo "PASS"
