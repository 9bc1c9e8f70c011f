#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# mdcard list / show / dump / check (read-only subcommands) on a card that
# OpenSC, an independent writer, gave a key and a certificate; text and
# --json output (parsed with jq); dump compared with the simulator's dump.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tool-common.sh"
preload_only_for_mdcard

step "list: the reader and its card"
expect_status 0 list
expect_out "card: GIDS, serial $(echo "${MDCARD_SERIAL: -16}" | tr A-F a-f)"
expect_out "PIN 3 of 3 tries left"
expect_status 0 list --json
jq_is '.readers[0].card.cardid' "$(echo "$MDCARD_SERIAL" | tr A-F a-f)"
jq_is '.readers[0].card.initialized' true
jq_is '.readers[1].card_present' false

step "OpenSC writes a key and a certificate"
oid_id=$(opensc_key 2048 osc)
card_dump "$T/sim.dump"

step "show: cardid, cardcf counters, the container and the certificate"
expect_status 0 show
expect_out "cardid:     $(echo "$MDCARD_SERIAL" | tr A-F a-f)"
cf=$(dump_do "$T/sim.dump" A010 DF22)
expect_out "cardcf:     $(echo "$cf" | tr A-F a-f)"
expect_out "containers $((16#${cf:6:2}${cf:4:2})), files $((16#${cf:10:2}${cf:8:2}))"
expect_out "[0] osc"
expect_out "key-exchange  RSA 2048  default"
expect_out "key ID $oid_id"
expect_out "mscp/kxc00  container 0  compressed"
expect_out "subject  CN=osc"
expect_out "issuer   CN=mdcard Test CA"
want_after=$(openssl x509 -inform DER -in "$T/osc.cert.der" -noout -enddate | sed 's/notAfter=//')
want_after=$(date -u -d "$want_after" '+%Y-%m-%d %H:%M:%S UTC')
expect_out ".. $want_after"
expect_out "msroots:    (none)"

step "show --json: the same facts, valid JSON"
expect_status 0 show --json
jq_is '.cardcf.raw' "$(echo "$cf" | tr A-F a-f)"
jq_is '.cardcf.containers' "$((16#${cf:6:2}${cf:4:2}))"
jq_is '.containers[0] | "\(.index) \(.name) \(.key_spec) \(.key_bits) \(.default) \(.key_id)"' "0 osc key-exchange 2048 true $oid_id"
jq_is '.certificates[0] | "\(.file) \(.container) \(.compressed) \(.subject) \(.key_id)"' "kxc00 0 true CN=osc $oid_id"
jq_is '.certificates[0].not_after' "$want_after"
jq_is '.msroots' null

step "dump: every file byte-identical to the simulator's dump"
mkdir -p "$T/full" && echo x > "$T/full/x"
expect_status 1 dump "$T/full"
expect_out "is not empty"
expect_status 0 dump "$T/d"
for f in cardid:A012:DF20 cardapps:A010:DF21 cardcf:A010:DF22 mscp/cmapfile:A010:DF23 \
         gids/A000-DF1F:A000:DF1F gids/A000-DF20:A000:DF20; do
    IFS=: read -r name ef tag <<< "$f"
    got=$(xxd -p "$T/d/$name" | tr -d '\n' | tr a-f A-F)
    [ "$got" = "$(dump_do "$T/sim.dump" "$ef" "$tag")" ] || fail "dump of $name differs from the card"
done
got=$(xxd -p "$T/d/mscp/kxc00" | tr -d '\n' | tr a-f A-F)
[ "$got" = "$(file_do "$T/sim.dump" kxc00)" ] || fail "dump of mscp/kxc00 differs from the card"
[ "$(find "$T/d" -type f | wc -l)" = 7 ] || { find "$T/d" >&2; fail "dump wrote other files"; }
expect_status 0 dump "$T/d" --force

step "check: a clean card"
expect_status 0 check
expect_out "clean: 0 error(s), 0 warning(s)"
expect_status 0 check --json
jq_is '.clean' true

step "bad command lines"
expect_status 64 frobnicate
expect_status 64 show extra
expect_status 2 --reader 7 show
expect_out "no reader number 7"
expect_status 2 --reader "Virtual PCD 00 01" show
expect_out "no card in the reader"
echo "PASS"
