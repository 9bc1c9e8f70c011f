#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Interrupted writes (DESIGN.md §5 "Failures"): for every cut point N of one
# write — the simulator armed with "fail-after N" just before the call, N = 0
# … the APDU count of an uninterrupted run — the card comes back, and then:
#   - cardcf differs from before whenever any data object changed;
#   - mdcard (p11-api-test --check-all) and OpenSC enumerate it without error;
#   - each certificate is old, new or absent (on the card: every certificate
#     file the master table names inflates to one of them), each key is old,
#     new or absent and every key listed signs (verified with its public key).
#   write-interrupted.sh cert|renewal|keygen|delete [torn] [even|odd]
# even/odd: only those cut points (two tests share the work, each under ~2 min
# in the sanitizer build; the uninterrupted run is done by both).
# torn: the card runs with --torn (a cut PUT DATA chain leaves its DO zeroed):
# nothing may crash; a failed enumeration must say why; what is intact stays usable.
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard
op=${1:?cert|renewal|keygen|delete}
torn= first=0 stride=1
for opt in "${@:2}"; do
    case $opt in
    torn) torn=1 ;;
    even) stride=2 ;;
    odd) first=1 stride=2 ;;
    *) fail "unknown option $opt" ;;
    esac
done

step "base card: key A with certificate A1 and key B without, both made by OpenSC"
a=$(opensc_key 1024 ka)
b=$(opensc_key 1024 kb nocert)
issue_cert "$T/kb.pub.pem" "B new" "$T/bc.der"
issue_cert "$T/ka.pub.pem" "A renewed" "$T/a2.der"
a1=$T/ka.cert.der
cp "$MDCARD_SIM_STATE" "$T/base.state"
card_dump "$T/base.dump"

case $op in
cert) args=(cert "$T/bc.der") allowed=("$a1" "$T/bc.der") ;;
renewal) args=(cert "$T/a2.der") allowed=("$a1" "$T/a2.der") ;;
keygen) args=(keygen -) allowed=("$a1") ;;
delete) args=(delete "$a") allowed=("$a1") ;;
*) fail "unknown operation $op" ;;
esac

# tick WHAT: with MDCARD_TIMING set, the time of each stage (to keep the test fast).
tick() { [ -z "${MDCARD_TIMING:-}" ] || echo "    $(date +%T.%N | cut -c1-12) $1"; }

restore() {
    local pid
    pid=$(cat "$(dirname "$MDCARD_SIM_RESTART")/sim.pid")
    kill -TERM "$pid" 2> /dev/null
    while kill -0 "$pid" 2> /dev/null; do sleep 0.01; done
    cp "$T/base.state" "$MDCARD_SIM_STATE"
    "$MDCARD_SIM_RESTART" > /dev/null 2>&1 || fail "the simulator did not come back"
}

# run_op N: the operation with a cut after N of its APDUs (-1: none).
run_op() {
    local rc=0
    own_tool "$MDCARD_BUILD_DIR/p11-api-test" --cut-op "${args[0]}" "$MDCARD_SIM_CTL" "$1" "${args[1]}" \
        > "$T/op.out" 2>&1 || rc=$?
    [ $rc = 0 ] || { cat "$T/op.out" >&2; fail "cut $1: the writing process failed (exit $rc)"; }
    before=$(awk '$1 == "BEFORE" { print $2 }' "$T/op.out")
    after=$(awk '$1 == "AFTER" { print $2 }' "$T/op.out")
    oprv=$(awk '$1 == "OP" { print $2 }' "$T/op.out")
}

# is_allowed_cert FILE: FILE equals one of the allowed certificates.
is_allowed_cert() {
    local c
    for c in "${allowed[@]}"; do cmp -s "$1" "$c" && return 0; done
    return 1
}

# torn_damage: the referenced DOs a torn write left zero-filled (--torn), by
# name: master, cmapfile, keymap or a certificate file name; $structure gets
# the first three.
torn_damage() {
    local item ef tag v name
    for item in $changed; do
        ef=${item%%/*} tag=${item#*/do:}
        v=$(dump_do "$T/da" "$ef" "$tag")
        [ -n "$v" ] && [ "$v" != - ] && [ -z "$(printf '%s' "$v" | tr -d 0)" ] || continue
        case $ef/$tag in
        A000/DF1F) name=master ;;
        A010/DF23) name=cmapfile ;;
        A000/DF20) name=keymap ;;
        *) name=$(mft_list "$T/da" | awk -v t="$tag" -v e="$ef" '$2 == t && $3 == e { sub(".*/", "", $1); print $1 }') ;;
        esac
        [ -n "$name" ] || continue # an unreferenced DO: not damage
        damaged="$damaged $name"
        case $name in master | cmapfile | keymap) structure="$structure $name" ;; esac
    done
    [ -z "$damaged" ] || echo "  torn:$damaged"
}
# damage_reported WHAT: mdcard's log (warn level) names every damaged item.
damage_reported() {
    local d
    for d in $damaged; do
        grep -qi -- "$d" "$T/mdlog" || { cat "$T/mdlog" >&2; fail "$1: mdcard does not report the damaged $d"; }
    done
}

# check_card WHAT [final]: the promises after one run (final: the operation completed).
check_card() {
    local what=$1 final=${2:-} all changed rec rc certs n damaged= structure=
    card_dump "$T/da"
    all=$(dump_changes "$T/base.dump" "$T/da")
    changed=$(printf '%s\n' "$all" | grep '/do:' | grep -v '^A010/do:DF22$' || true)
    [ -z "$torn" ] || torn_damage
    if [ -n "$changed" ] && ! printf '%s\n' "$all" | grep -qx 'A010/do:DF22'; then
        fail "$what: data objects changed ($(echo $changed)) but cardcf did not"
    fi
    # On the card: every certificate file named by the master table inflates to an allowed certificate.
    (mft_list "$T/da") > "$T/mft" || [ -n "$torn" ] || fail "$what: the master table is corrupt"
    while read -r rec rtag ref; do
        rec=${rec#mscp/}
        case $rec in k[sx]c*) ;; *) continue ;; esac
        case " $damaged " in *" $rec "*) continue ;; esac
        dump_do "$T/da" "$ref" "$rtag" | own_tool "$MDCARD_BUILD_DIR/certfile-inflate" > "$T/rec.der" ||
            fail "$what: mscp/$rec is not a compressed certificate file"
        is_allowed_cert "$T/rec.der" || fail "$what: mscp/$rec holds a certificate that is neither old nor new"
    done < "$T/mft"
    tick "card checked"
    rc=0
    rm -rf "$T/chk" && mkdir "$T/chk"
    : > "$T/mdlog"
    MDCARD_DEBUG=warn MDCARD_LOG="$T/mdlog" own_tool "$MDCARD_BUILD_DIR/p11-api-test" --check-all "$T/chk" \
        > "$T/chk.out" 2>&1 || rc=$?
    [ -z "$damaged" ] || damage_reported "$what"
    [ $rc -lt 128 ] || { cat "$T/chk.out" >&2; fail "$what: mdcard crashed (exit $rc)"; }
    if [ $rc != 0 ] || ! grep -q '^ENUM-OK' "$T/chk.out" || ! grep -q '^LOGIN CKR_OK$' "$T/chk.out"; then
        cat "$T/chk.out" >&2
        [ -n "$damaged" ] || fail "$what: mdcard does not enumerate the card"
        echo "  $what: damaged ($damaged), enumeration refused: $(tail -n 1 "$T/chk.out")"
        return 0
    fi
    tick "mdcard enumerated"
    # Certificates through mdcard: allowed ones, each under its key's ID.
    certs=0
    while read -r _ cid path; do
        certs=$((certs + 1))
        is_allowed_cert "$path" || { cat "$T/chk.out" >&2; openssl x509 -inform DER -in "$path" -noout -subject >&2; fail "$what: mdcard shows a certificate ($cid) that is neither old nor new"; }
        [ "$(cert_id "$path")" = "$cid" ] || fail "$what: a certificate is listed under the wrong ID $cid"
    done < <(grep '^CERT ' "$T/chk.out")
    # Keys: every public key's ID is SHA-1 of its modulus, every private key signs.
    while read -r _ pid sha; do
        [ "$pid" = "$sha" ] || fail "$what: public key $pid has modulus hash $sha"
    done < <(grep '^PUB ' "$T/chk.out")
    if grep '^PRIV ' "$T/chk.out" | grep -v ' SIGN CKR_OK VERIFIED$' > "$T/badkeys"; then
        cat "$T/chk.out" >&2
        fail "$what: a listed key does not sign: $(cat "$T/badkeys")"
    fi
    # A torn master table, cmapfile or keymap loses what it described: only the rest must stay usable.
    if [ -n "$structure" ]; then
        echo "  $what: structure damaged ($structure): presence of old items not required"
        rc=0
        opensc -O > "$T/osc.out" 2>&1 || rc=$?
        [ $rc -lt 128 ] || fail "$what: OpenSC crashed on the damaged card"
        return 0
    fi
    grep -q "^PRIV $b " "$T/chk.out" || fail "$what: key B ($b) is gone"
    case $op in
    cert)
        grep -q "^CERT $a " "$T/chk.out" || fail "$what: certificate A1 is gone"
        grep -q "^PRIV $a " "$T/chk.out" || fail "$what: key A is gone"
        [ -z "$final" ] || grep -q "^CERT $b " "$T/chk.out" || fail "$what: the new certificate is missing"
        ;;
    renewal)
        [ "$(grep -c "^CERT $a " "$T/chk.out")" = 1 ] || fail "$what: key A has not exactly one certificate"
        if [ -n "$final" ]; then
            cmp -s "$(awk -v a="$a" '$1 == "CERT" && $2 == a { print $3 }' "$T/chk.out")" "$T/a2.der" ||
                fail "$what: the renewed certificate is not the new one"
        fi
        ;;
    keygen)
        grep -q "^CERT $a " "$T/chk.out" || fail "$what: certificate A1 is gone"
        n=$(grep -c '^PRIV ' "$T/chk.out")
        [ "$n" = 2 ] || [ "$n" = 3 ] || fail "$what: $n private keys"
        [ -z "$final" ] || [ "$n" = 3 ] || fail "$what: the new key is missing"
        ;;
    delete)
        [ -z "$final" ] || ! grep -q " $a" "$T/chk.out" || fail "$what: key A or its certificate is still listed"
        ;;
    esac
    tick "mdcard checked"
    # OpenSC, an independent reader, enumerates too and sees the same certificates.
    rc=0
    opensc -O > "$T/osc.out" 2>&1 || rc=$?
    [ $rc -lt 128 ] || fail "$what: OpenSC crashed"
    [ $rc = 0 ] || { cat "$T/osc.out" >&2; fail "$what: OpenSC does not enumerate the card"; }
    [ "$(grep -c '^Certificate Object' "$T/osc.out")" = "$certs" ] ||
        { cat "$T/osc.out" >&2; fail "$what: OpenSC lists another number of certificates than mdcard ($certs)"; }
    tick "OpenSC checked"
}

step "$op without a cut: the APDU count of the operation"
run_op -1
[ "$oprv" = CKR_OK ] || { cat "$T/op.out" >&2; fail "uninterrupted $op returned $oprv"; }
count=$((after - before))
[ "$count" -gt 0 ] || fail "the operation sent no APDU"
check_card "uninterrupted" final
echo "  $op: $count APDUs"

step "$op cut after N = $first, $((first + stride)) … $count APDUs"
for ((n = first; n <= count; n += stride)); do
    # A card still equal to the base needs no restoring (the cut disarmed the simulator).
    cmp -s "$MDCARD_SIM_STATE" "$T/base.state" || restore
    tick "restored"
    run_op "$n"
    if tail -n +"$((before + 1))" "$MDCARD_SIM_LOG" | grep -q ' cut'; then
        # The writer may see the cut before pcscd does: wait for the card to go
        # (unless it is already back, after --reinsert-ms), then for its return.
        own_tool "$MDCARD_BUILD_DIR/pcsc-wait" absent 0 1000 > /dev/null 2>&1 || true
        own_tool "$MDCARD_BUILD_DIR/pcsc-wait" present 0 10000 || fail "cut $n: the card did not come back"
        tick "operation done, card back"
        # Success across a cut is only right when everything the operation promised is on the card.
        check_card "cut $n ($oprv)" "$([ "$oprv" = CKR_OK ] && echo final)"
    else
        # Not reached (N = count): disarm by restarting the simulator on the same state.
        "$MDCARD_SIM_RESTART" > /dev/null 2>&1 || fail "the simulator did not come back"
        [ "$oprv" = CKR_OK ] || fail "cut $n never happened, yet the operation returned $oprv"
        check_card "cut $n (not reached)" final
    fi
    printf '  cut %d: %s, card consistent\n' "$n" "$oprv"
done
echo "PASS"
