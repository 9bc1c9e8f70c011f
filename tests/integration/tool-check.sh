#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# mdcard check on damaged cards: each damage made with raw APDUs through
# OpenSC's opensc-tool (not through mdcard) and named by check with exit 1;
# a Windows-style card (gids-fixture) gives warnings only.
#   tool-check.sh damage      the damage cases on an enrolled card
#   tool-check.sh fixture     the Windows-style fixture card
#   tool-check.sh blank       a blank card (tests/with-card --blank): readable messages
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tool-common.sh"
preload_only_for_mdcard

case ${1:?} in
damage)
    enrolled_card "Check User"
    expect_status 0 check
    card_dump "$T/d0"

    step "an unreferenced data object: a warning (exit 0), an error with --strict"
    put_do A010 DF30 0102030405
    expect_status 0 check
    expect_out "warning: data object A010/DF30 (5 bytes) is referenced by no master-table record"
    expect_status 1 check --strict
    delete_do A010 DF30

    step "a cmapfile record whose key is not on the card"
    cm=$(dump_do "$T/d0" A010 DF23)
    name=$(printf 'ghost' | iconv -f ascii -t UTF-16LE | xxd -p | tr -d '\n' | tr a-f A-F)
    rec=$name$(printf '0%.0s' $(seq 1 $((160 - ${#name}))))0100000000 # flags 01, sig 0
    rec=${rec}08                                                      # kx 2048 (LE16 00 08)
    put_do A010 DF23 "$cm$rec"
    expect_status 1 check
    expect_out "error: container 1 (ghost, RSA 2048) has no key on the card [key-missing]"
    expect_status 1 check --json
    jq_is '[.problems[] | select(.severity == "error") | .code] | join(",")' key-missing
    put_do A010 DF23 "$cm"
    expect_status 0 check

    step "certificates that do not match their containers' keys (master table swapped)"
    ENROLLED2=$(md_keygen second)
    issue_cert "$T/second.pub.pem" second "$T/second.cert.der"
    md_write_cert "$T/second.cert.der"
    card_dump "$T/d1"
    mft=$(dump_do "$T/d1" A000 DF1F)
    swapped=$(printf '%s' "$mft" | sed 's/24DF000010A00000/XXXX/; s/25DF000010A00000/24DF000010A00000/; s/XXXX/25DF000010A00000/')
    [ "$swapped" != "$mft" ] || fail "kxc00/kxc01 records not found in the master table"
    put_do A000 DF1F "$swapped"
    expect_status 1 check
    expect_out "error: the certificate in mscp/kxc00 does not match the key of container 0"
    expect_out "error: the certificate in mscp/kxc01 does not match the key of container 1"
    put_do A000 DF1F "$mft"
    expect_status 0 check

    step "a master-table record pointing nowhere"
    delete_do A010 DF25
    expect_status 1 check
    expect_out "error: master-table record mscp/kxc01 points to A010/DF25, which does not exist"
    expect_status 0 show
    expect_out "kxc01     A010/DF25  (absent)"
    ;;
fixture)
    mkdir -p "$T/fx"
    ok own_tool "$MDCARD_BUILD_DIR/gids-fixture" --out "$T/fx"
    expect_status 0 check
    expect_out "warning: certificate file mscp/kxc02 belongs to no container with a key"
    expect_out "warning: mscp/kxc04 is not compressed (OpenSC cannot read it)"
    expect_out "warning: certificate file mscp/KXC01 of container 1: the usual spelling is kxc01"
    expect_out "warning: certificate file mscp/kxc0a of container 10: the usual spelling is kxc0A"
    expect_out "warning: cardcf has 10 bytes; 1 application(s) in cardapps make 6"
    expect_out "0 error(s), 5 warning(s)"
    expect_status 1 check --strict
    expect_status 0 show
    expect_out "[10] "
    expect_out "mscp/kxc04  container 4  not compressed"
    expect_out "msroots:    mscp/msroots, not compressed"
    expect_out ", 2 certificate(s)"
    ;;
blank)
    for cmd in show check "dump $T/d"; do
        # shellcheck disable=SC2086
        rc=$(tool_status $cmd)
        [ "$rc" = 0 ] || [ "$rc" = 1 ] || [ "$rc" = 2 ] || { cat "$T/out" >&2; fail "$cmd: exit $rc"; }
        expect_out "blank GIDS card"
    done
    expect_status 2 check
    expect_status 2 dump "$T/d2"
    [ ! -e "$T/d2" ] || fail "dump created a directory for a blank card"
    expect_status 0 list
    expect_out "card: GIDS, blank (not initialized)"
    MDCARD_PIN=$PIN expect_status 2 keygen
    expect_out "blank GIDS card (no minidriver file system)"
    ;;
*) fail "unknown case $1" ;;
esac
echo "PASS"
