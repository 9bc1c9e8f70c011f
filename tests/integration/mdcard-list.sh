#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# mdcard lists the private pcscd's readers as slots and the simulated card as
# a token: serial = the cardid's last 16 hex digits in lower case, label
# "GIDS <serial>"; the second (empty) reader is a slot without a token.
. "$(dirname "$0")/lib.sh"
serial=$(printf '%s' "$MDCARD_SERIAL" | tail -c 16 | tr A-F a-f)

step "pkcs11-tool -L through mdcard"
ok mdcard -L
expect_out "Virtual PCD 00 00"
expect_out "Virtual PCD 00 01"
expect_out "token label        : GIDS $serial"
expect_out "serial num         : $serial"
expect_out "token initialized"
expect_out "PIN initialized"
expect_out "(empty)"

step "module information"
ok mdcard -I
expect_out "mdcard"

step "OpenSC sees the same serial"
ok opensc -L
expect_out "$serial"
echo "PASS"
