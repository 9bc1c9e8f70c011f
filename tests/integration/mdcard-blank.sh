#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A GIDS card that was never initialized is a token without
# CKF_TOKEN_INITIALIZED (it answers the GIDS SELECT but has no minidriver
# file system).
. "$(dirname "$0")/lib.sh"
ok mdcard -L
expect_out "Virtual PCD 00 00"
reject_out "token initialized"
echo "PASS"
