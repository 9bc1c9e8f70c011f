#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The mdcard tool against hostile or odd input (review fixes):
#   tool-fixes.sh hostile   card names with terminal escapes (container, file
#                           names) printed as \xNN; master-table names
#                           repeated or named gids: one finding, dump refuses
#                           to overwrite; dump's argument and path checks
#   tool-fixes.sh input     the PIN from a terminal (end of input, too long,
#                           ^C restores echo) and from a file (permissions,
#                           too long); load of two certificates for one key;
#                           -v logs to stderr although the configuration
#                           file names a log_file
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/tool-common.sh"
preload_only_for_mdcard

ESC=$'\x1b'
# no_raw_escape: the output holds no raw ESC or C1 CSI byte sequence.
no_raw_escape() {
    ! grep -q "$ESC" "$T/out" || { cat -A "$T/out" >&2; fail "a raw ESC reached the output"; }
    ! grep -q $'\xc2\x9b' "$T/out" || { cat -A "$T/out" >&2; fail "a raw C1 control reached the output"; }
}
# utf16 TEXT: UTF-16LE hex (upper case) of TEXT (UTF-8).
utf16() { printf '%s' "$1" | iconv -f UTF-8 -t UTF-16LE | xxd -p | tr -d '\n' | tr a-f A-F; }
# mft_rec DIR NAME TAG EF: one 28-byte master-table record (names up to 8 bytes).
mft_rec() {
    local d n
    d=$(printf '%s' "$1" | xxd -p | tr a-f A-F)
    n=$(printf '%s' "$2" | xxd -p | tr a-f A-F)
    while [ ${#d} -lt 18 ]; do d=${d}00; done
    while [ ${#n} -lt 18 ]; do n=${n}00; done
    printf '%s%s0000%s0000%s0000\n' "$d" "$n" "${3:2:2}${3:0:2}" "${4:2:2}${4:0:2}"
}

case ${1:?} in
hostile)
    enrolled_card "Hostile User"
    expect_status 0 check
    card_dump "$T/d0"
    cm=$(dump_do "$T/d0" A010 DF23)
    mft=$(dump_do "$T/d0" A000 DF1F)

    step "a container name with ESC and a C1 control: printed as \\xNN"
    name=$(utf16 "ghost${ESC}[31m"$'\xc2\x9b')
    rec=$name$(printf '0%.0s' $(seq 1 $((160 - ${#name}))))0100000000 # flags 01, sig 0
    put_do A010 DF23 "$cm${rec}08"                                    # kx 2048
    expect_status 1 check
    expect_out 'error: container 1 (ghost\x1b[31m\xc2\x9b, RSA 2048) has no key on the card [key-missing]'
    no_raw_escape
    expect_status 0 show
    expect_out '[1] ghost\x1b[31m\xc2\x9b  key-exchange  RSA 2048'
    no_raw_escape
    expect_status 1 check --json
    jq_is '.problems[] | select(.code == "key-missing") | .message' \
        "container 1 (ghost${ESC}[31m"$'\xc2\x9b'", RSA 2048) has no key on the card"
    put_do A010 DF23 "$cm"

    step "one master-table name three times (two spellings): one finding; dump writes one"
    put_do A000 DF1F "$mft$(mft_rec mscp KXC00 DF24 A010)$(mft_rec mscp kxc00 DF24 A010)"
    expect_status 1 check
    expect_out "error: the master table names mscp/kxc00 3 times [record-duplicate]"
    [ "$(grep -c record-duplicate "$T/out")" = 1 ] || { cat "$T/out" >&2; fail "record-duplicate reported more than once"; }
    expect_status 1 dump "$T/dup"
    expect_out "warning: not writing mscp/KXC00: it would overwrite mscp/kxc00, already written"
    expect_out "warning: not writing mscp/kxc00: it would overwrite mscp/kxc00, already written"
    expect_out "2 file(s) of the card were not written"
    [ "$(find "$T/dup/mscp" -iname kxc00 | wc -l)" = 1 ] || { ls "$T/dup/mscp" >&2; fail "kxc00 written more than once"; }
    cmp -s "$T/dup/mscp/kxc00" <(file_do "$T/d0" kxc00 | xxd -r -p) || fail "dump: mscp/kxc00 is not the card's"
    put_do A000 DF1F "$mft"

    step "card files named gids/... or with an ESC: not written, names escaped"
    put_do A000 DF1F "$mft$(mft_rec gids A000-DF1F DF24 A010)$(mft_rec mscp "${ESC}[2J" DF24 A010)"
    expect_status 1 dump "$T/gids"
    expect_out "warning: not writing gids/A000-DF1F: 'gids' is where the dump puts the GIDS tables"
    expect_out 'warning: not writing a file with an unusable name (mscp/\x1b[2J)'
    no_raw_escape
    cmp -s "$T/gids/gids/A000-DF1F" <(dump_do "$T/d0" A000 DF1F | xxd -r -p) && fail "dump wrote the old table"
    cmp -s "$T/gids/gids/A000-DF1F" <(printf '%s' "$mft$(mft_rec gids A000-DF1F DF24 A010)$(mft_rec mscp "${ESC}[2J" DF24 A010)" | xxd -r -p) ||
        fail "DIR/gids/A000-DF1F is not the card's master table"
    expect_status 0 check
    expect_out 'warning: mscp/\x1b[2J is not a file the minidriver defines [file-unknown]'
    no_raw_escape
    expect_status 0 show
    expect_out 'mscp  \x1b[2J'
    no_raw_escape
    put_do A000 DF1F "$mft"
    expect_status 0 check

    step "dump: -- before DIR, a plain file, a path too long for a file name"
    (cd "$T" && expect_status 0 dump -- -dash)
    [ -s "$T/-dash/mscp/cmapfile" ] || fail "dump -- -dash wrote nothing"
    : > "$T/plain"
    expect_status 1 dump "$T/plain"
    expect_out "$T/plain is not a directory"
    long=$T/long
    while [ ${#long} -lt 3800 ]; do long=$long/$(printf 'd%.0s' $(seq 1 200)); done
    long=$long/$(printf 'e%.0s' $(seq 1 $((4090 - ${#long} - 1))))
    [ ${#long} = 4090 ] || fail "test setup: path of ${#long} bytes"
    mkdir -p "$long"
    expect_status 1 dump "$long"
    expect_out "/cardid is too long"
    [ -z "$(find "$T/long" -type f)" ] || { find "$T/long" -type f >&2; fail "dump wrote a shortened path"; }
    ;;
input)
    enrolled_card "Input User"
    unset MDCARD_PIN
    command -v python3 > /dev/null || fail "python3 (tests/debian-packages.txt) drives the terminal tests"
    pty() {
        local rc=0
        env ${MDCARD_HOST_PRELOAD:+-u LD_PRELOAD} python3 "$(dirname "$0")/tool-pty.py" "$1" \
            "$MDCARD_BUILD_DIR/mdcard" keygen > "$T/out" 2>&1 || rc=$?
        [ $rc = 0 ] || { cat "$T/out" >&2; fail "tool-pty.py failed"; }
    }
    tries_intact() {
        expect_status 0 list
        expect_out "PIN 3 of 3 tries left"
    }
    card_dump "$T/before"

    step "terminal: the input ends after part of a PIN: nothing submitted"
    pty '12\x04\x04'
    expect_out "no PIN: the input ended before a whole line was entered"
    expect_out "exit 1"
    expect_out "echo on"
    tries_intact

    step "terminal: a PIN longer than 256 characters: refused, not cut"
    pty "$PIN$(printf '0%.0s' $(seq 1 300))\n"
    expect_out "the PIN entered is too long (at most 256 characters)"
    expect_out "exit 1"
    tries_intact

    step "terminal: ^C at the prompt ends the tool with echo back on"
    pty '12\x03'
    expect_out "signal 2"
    expect_out "echo on"
    tries_intact

    step "terminal: the PIN typed right works"
    pty "$PIN\n"
    expect_out "exit 0"
    card_dump "$T/after"

    step "PIN file: others may read it → a warning; too long → refused"
    printf '%s\n' "$PIN" > "$T/pin"
    chmod 644 "$T/pin"
    expect_status 0 --pin-file "$T/pin" csr --key "$ENROLLED_ID" --subject /CN=x --out "$T/x.csr"
    expect_out "warning: the PIN file $T/pin can be read by other users"
    chmod 600 "$T/pin"
    expect_status 0 --pin-file "$T/pin" csr --key "$ENROLLED_ID" --subject /CN=x --out "$T/x.csr"
    reject_out "warning"
    printf '%s%s\n' "$PIN" "$(printf '0%.0s' $(seq 1 300))" > "$T/long-pin"
    chmod 600 "$T/long-pin"
    expect_status 1 --pin-file "$T/long-pin" keygen
    expect_out "the PIN in $T/long-pin is too long"
    tries_intact

    step "load: two certificates for the same card key in one file: refused, card unchanged"
    export MDCARD_PIN=$PIN
    issue_cert "$T/user.pub.pem" "Input One" "$T/one.der"
    issue_cert "$T/user.pub.pem" "Input Two" "$T/two.der"
    openssl x509 -inform DER -in "$T/one.der" > "$T/both.pem"
    openssl x509 -inform DER -in "$T/two.der" >> "$T/both.pem"
    card_dump "$T/b1"
    expect_status 1 load "$T/both.pem"
    expect_out "certificates 1 and 2 are both for the same key on the card (give only one); nothing was written"
    card_dump "$T/b2"
    expect_unchanged "$T/b1" "$T/b2"

    step "-v: the log on stderr although the configuration file names a log_file"
    printf 'log_level = error\nlog_file = %s\n' "$T/conf.log" > "$T/mdcard.conf"
    MDCARD_CONF=$T/mdcard.conf expect_status 0 -v show
    expect_out "mdc_pcsc_trace_cmd"
    [ ! -s "$T/conf.log" ] || { cat "$T/conf.log" >&2; fail "-v logged into the configured log_file"; }
    MDCARD_CONF=$T/mdcard.conf MDCARD_LOG=$T/env.log expect_status 0 -v show
    grep -q "mdc_pcsc_trace_cmd" "$T/env.log" || fail "MDCARD_LOG set by the user did not win over -v"
    ;;
*) fail "unknown case $1" ;;
esac
echo "PASS"
