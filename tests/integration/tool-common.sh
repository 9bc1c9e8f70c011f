# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers of the `mdcard` tool tests (tool-*.sh), sourced after lib.sh.

# The tool under test; in the sanitizer build it carries its own runtime.
tool() { own_tool "$MDCARD_BUILD_DIR/mdcard" "$@"; }
# tool_status CMD...: runs the tool, output in $T/out, prints its exit status.
tool_status() {
    local rc=0
    tool "$@" > "$T/out" 2>&1 || rc=$?
    echo "$rc"
}
# expect_status WANT CMD...: the tool exits with WANT.
expect_status() {
    local want=$1 got
    shift
    got=$(tool_status "$@")
    [ "$got" = "$want" ] || { cat "$T/out" >&2; fail "mdcard $*: exit $got, want $want"; }
}
# jq_is FILTER WANT: the JSON in $T/out parses and FILTER gives WANT.
jq_is() {
    local got
    got=$(jq -r "$1" "$T/out") || { cat "$T/out" >&2; fail "the output is not JSON (jq '$1')"; }
    [ "$got" = "$2" ] || { cat "$T/out" >&2; fail "jq '$1': got '$got', want '$2'"; }
}

# Raw APDUs to the card (OpenSC's opensc-tool), after SELECT GIDS and VERIFY:
# the independent way these tests damage a card.
SELECT_GIDS=00A4040009A0000003974254465900
VERIFY_PIN=00200080$(printf '%02X' ${#PIN})$(printf '%s' "$PIN" | xxd -p | tr a-f A-F)
raw_apdus() {
    local args=(-r 0 -s "$SELECT_GIDS" -s "$VERIFY_PIN") a
    for a; do args+=(-s "$a"); done
    opensc-tool "${args[@]}" > "$T/apdu.out" 2>&1 || { cat "$T/apdu.out" >&2; fail "opensc-tool failed"; }
}
# put_do EF TAG HEX: PUT DATA of one DO (value up to 250 bytes); must answer 9000.
put_do() {
    local len=$((${#3} / 2)) blen lc
    if [ "$len" -lt 128 ]; then blen=$(printf '%02X' "$len"); else blen=81$(printf '%02X' "$len"); fi
    lc=$(((${#2} + ${#blen} + ${#3}) / 2))
    [ "$lc" -le 255 ] || fail "put_do: $lc bytes do not fit one APDU"
    raw_apdus "00DB$1$(printf '%02X' "$lc")$2$blen$3"
    [ "$(grep -c 'SW1=0x90, SW2=0x00' "$T/apdu.out")" = 3 ] || { cat "$T/apdu.out" >&2; fail "PUT DATA $1/$2 refused"; }
}
# delete_do EF TAG: two empty PUT DATA (GIDS-AND-MINIDRIVER.md 2.6).
delete_do() {
    raw_apdus "00DB${1}03${2}00" "00DB${1}03${2}00"
}
