#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The on-disk cache (DESIGN.md 6) seen from outside, one case per run:
#   perms     directories 0700, record 0600, no temporary file left; a
#             configured directory (MDCARD_CACHE_DIR) is used instead
#   corrupt   truncated, garbage, one flipped byte, empty, another card's
#             record: the listing stays right, the record is rebuilt identical
#   changed   another process changes the card (OpenSC; mdcard with the cache
#             off): the next mdcard process lists the new certificate
#   parallel  two mdcard processes at once, one listing in a loop while the
#             other writes certificates: every listing is whole, the end right
#   off       MDCARD_CACHE=0: no file or directory created
#   foreign   a cache directory open to the group, owned by someone else, or
#             a symbolic link: ignored (logged), the listing still right
#   untrusted a record with a valid digest whose public keys of two containers
#             are swapped: a certificate write still goes where the card says
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard
base=$XDG_CACHE_HOME/mdcard
serial=${MDCARD_SERIAL,,}
rec=$base/$serial/card.rec

# listing OUT: what mdcard shows of the token (objects with IDs and values).
listing() {
    ok mdcard -O
    grep -E 'Object|label:|ID:|subject:' "$T/out" > "$1"
}
# cold card with one enrolled key, and its reference listing (cache off)
setup() {
    enrolled_card cache-user
    MDCARD_CACHE=0 mdcard -O > "$T/ref.raw" 2>&1 || { cat "$T/ref.raw" >&2; fail "listing"; }
    grep -E 'Object|label:|ID:|subject:' "$T/ref.raw" > "$T/ref"
    grep -q 'Certificate Object' "$T/ref" || fail "no certificate in the reference listing"
}
mode() { stat -c %a "$1"; }
# reseal HEXFILE OUT: the record in HEXFILE (hex text) with its trailing
# SHA-256 recomputed, as binary in OUT (mode 0600).
reseal() {
    local h
    h=$(cat "$1")
    h=${h:0:${#h}-64}
    printf '%s' "$h" | xxd -r -p > "$2.body"
    { cat "$2.body"; openssl dgst -sha256 -binary "$2.body"; } > "$2"
    rm -f "$2.body"
    chmod 600 "$2"
}

case ${1:?case} in
perms)
    setup
    listing "$T/l1"
    [ -f "$rec" ] || fail "no record at $rec"
    [ "$(mode "$base")" = 700 ] || fail "$base has mode $(mode "$base")"
    [ "$(mode "$base/$serial")" = 700 ] || fail "card directory has mode $(mode "$base/$serial")"
    [ "$(mode "$rec")" = 600 ] || fail "record has mode $(mode "$rec")"
    [ "$(stat -c %u "$rec")" = "$(id -u)" ] || fail "record not owned by us"
    [ "$(ls -A "$base/$serial")" = card.rec ] || fail "other files: $(ls -A "$base/$serial")"
    diff "$T/ref" "$T/l1" || fail "listing differs from the card's"
    step "a warm process answers from the record: SELECT, cardid, cardcf"
    n0=$(apdus)
    listing "$T/l2"
    [ $(($(apdus) - n0)) = 3 ] || fail "warm listing sent $(($(apdus) - n0)) APDUs, expected 3"
    diff "$T/ref" "$T/l2" || fail "warm listing differs"
    step "MDCARD_CACHE_DIR"
    export MDCARD_CACHE_DIR=$T/elsewhere/cache
    listing "$T/l3"
    [ -f "$T/elsewhere/cache/$serial/card.rec" ] || fail "no record in MDCARD_CACHE_DIR"
    [ "$(mode "$T/elsewhere/cache")" = 700 ] || fail "configured directory not 0700"
    ;;
corrupt)
    setup
    rm -f "$rec"
    listing "$T/l1"
    cp "$rec" "$T/good.rec"
    size=$(stat -c %s "$rec")
    for how in truncated garbage flipped empty othercard; do
        step "record $how"
        case $how in
        truncated) head -c $((size / 2)) "$T/good.rec" > "$rec" ;;
        garbage) head -c "$size" /dev/urandom > "$rec" ;;
        flipped) cp "$T/good.rec" "$rec"
            printf '\xff' | dd of="$rec" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null ;;
        empty) : > "$rec" ;;
        othercard) # a record in this card's directory that names another
            # cardid (one bit of it flipped), with a valid digest
            xxd -p "$T/good.rec" | tr -d '\n' > "$T/hex"
            h=$(cat "$T/hex")
            b=${h:40:2}
            printf '%s%02x%s' "${h:0:40}" $((16#$b ^ 1)) "${h:42}" > "$T/hex"
            reseal "$T/hex" "$rec"
            ;;
        esac
        chmod 600 "$rec"
        MDCARD_DEBUG=info:cache MDCARD_LOG=$T/log.$how listing "$T/l.$how"
        diff "$T/ref" "$T/l.$how" || fail "$how: listing differs from the card's"
        grep -q 'disk cache: record' "$T/log.$how" || { cat "$T/log.$how" >&2; fail "$how: not logged"; }
        cmp "$T/good.rec" "$rec" || fail "$how: the rebuilt record differs from the first one"
    done
    ;;
changed)
    setup
    listing "$T/l1"
    step "OpenSC writes a key and a certificate"
    opensc_key 2048 by-opensc > /dev/null
    listing "$T/l2"
    grep -q 'by-opensc' "$T/l2" || { cat "$T/l2"; fail "mdcard does not list OpenSC's new certificate"; }
    step "mdcard with the cache off writes another certificate"
    id=$(MDCARD_CACHE=0 md_keygen nocache)
    issue_cert "$T/nocache.pub.pem" nocache-cert "$T/nocache.der"
    MDCARD_CACHE=0 md_write_cert "$T/nocache.der"
    listing "$T/l3"
    grep -q 'nocache-cert' "$T/l3" || { cat "$T/l3"; fail "mdcard does not list the new certificate"; }
    [ "$(cert_ids mdcard | grep -c .)" = 3 ] || fail "not three certificates"
    ;;
parallel)
    setup
    for k in p1 p2 p3; do
        md_keygen "$k" > /dev/null
        issue_cert "$T/$k.pub.pem" "$k-cert" "$T/$k.der"
    done
    listing "$T/l0"
    step "one process writes three certificates while another lists in a loop"
    (for k in p1 p2 p3; do md_write_cert "$T/$k.der"; done; touch "$T/done") &
    writer=$!
    last=1 loops=0
    while [ ! -e "$T/done" ] || [ $loops = 0 ]; do
        mdcard -O --type cert > "$T/loop.out" 2>&1 || { cat "$T/loop.out" >&2; fail "listing failed"; }
        n=$(grep -c 'Certificate Object' "$T/loop.out" || true)
        [ "$n" -ge "$last" ] && [ "$n" -le 4 ] || fail "listing saw $n certificates after $last"
        last=$n loops=$((loops + 1))
    done
    wait "$writer" || fail "the writer failed"
    echo "   $loops listings during the writes"
    listing "$T/l1"
    [ "$(grep -c 'Certificate Object' "$T/l1")" = 4 ] || fail "not four certificates at the end"
    MDCARD_CACHE=0 mdcard -O > "$T/ref2.raw" 2>&1
    grep -E 'Object|label:|ID:|subject:' "$T/ref2.raw" > "$T/ref2"
    diff "$T/ref2" "$T/l1" || fail "the cached listing differs from the card's"
    ;;
off)
    export MDCARD_CACHE=0
    setup
    listing "$T/l1"
    listing "$T/l2"
    diff "$T/ref" "$T/l2" || fail "listing differs"
    [ ! -e "$base" ] || fail "$base was created with the cache off: $(find "$base")"
    ;;
foreign)
    setup
    step "group-writable cache directory"
    rm -rf "$base"
    mkdir -p "$base"
    chmod 770 "$base"
    MDCARD_DEBUG=warn:cache MDCARD_LOG=$T/log.group listing "$T/l1"
    diff "$T/ref" "$T/l1" || fail "listing differs"
    [ ! -e "$base/$serial" ] || fail "record written into a group-writable directory"
    grep -q 'cache not used' "$T/log.group" || { cat "$T/log.group" >&2; fail "not logged"; }
    step "cache directory of another user"
    chmod 700 "$base"
    rm -rf "${base:?}"/*
    if chown 65534 "$base" 2> /dev/null; then
        MDCARD_DEBUG=warn:cache MDCARD_LOG=$T/log.owner listing "$T/l2"
        diff "$T/ref" "$T/l2" || fail "listing differs"
        grep -q 'cache not used' "$T/log.owner" || { cat "$T/log.owner" >&2; fail "not logged"; }
        [ ! -e "$base/$serial" ] || fail "record written into another user's directory"
        chown "$(id -u)" "$base"
    else
        echo "   (cannot chown here: the owner check is covered by the mode check above only)"
    fi
    step "cache directory that is a symbolic link"
    rm -rf "$base"
    mkdir -m 700 "$T/target"
    ln -s "$T/target" "$base"
    MDCARD_DEBUG=warn:cache MDCARD_LOG=$T/log.link listing "$T/l3"
    diff "$T/ref" "$T/l3" || fail "listing differs"
    [ -z "$(ls -A "$T/target")" ] || fail "record written through a symbolic link"
    grep -q 'cannot open' "$T/log.link" || { cat "$T/log.link" >&2; fail "not logged"; }
    ;;
untrusted)
    setup
    md_keygen second > /dev/null
    issue_cert "$T/second.pub.pem" second-cert "$T/second.der"
    listing "$T/l1"
    step "swap the public keys of containers 0 and 1 in the record, digest recomputed"
    m0=$(openssl rsa -pubin -in "$T/user.pub.pem" -noout -modulus | sed 's/^Modulus=//' | tr A-F a-f)
    m1=$(openssl rsa -pubin -in "$T/second.pub.pem" -noout -modulus | sed 's/^Modulus=//' | tr A-F a-f)
    xxd -p "$rec" | tr -d '\n' > "$T/hex"
    grep -q "$m0" "$T/hex" && grep -q "$m1" "$T/hex" || fail "moduli not found in the record"
    sed -e "s/$m0/SWAP/" -e "s/$m1/$m0/" -e "s/SWAP/$m1/" "$T/hex" > "$T/hex2"
    reseal "$T/hex2" "$rec"
    MDCARD_DEBUG=info:cache MDCARD_LOG=$T/log.swap md_write_cert "$T/second.der"
    grep -q 'disk cache disagrees with the card' "$T/log.swap" || { cat "$T/log.swap" >&2; fail "not logged"; }
    card_dump "$T/after"
    c=$(container_of "$T/after" "$T/second.pub.pem")
    [ -n "$c" ] && [ "$c" != 0 ] || fail "second key not found in a container other than 0 ('$c')"
    cert_from_card "$T/after" "kxc0$c" "$T/onc.der"
    cmp "$T/onc.der" "$T/second.der" || fail "kxc0$c does not hold the second key's certificate"
    [ "$(cert_ids mdcard | grep -c .)" = 2 ] || fail "not two certificates"
    [ "$(cert_ids opensc | grep -c .)" = 2 ] || fail "OpenSC does not list two certificates"
    ;;
*) fail "unknown case $1" ;;
esac
echo "PASS"
