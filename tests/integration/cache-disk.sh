#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The on-disk cache (DESIGN.md 6) seen from outside, one case per run:
#   perms     directories 0700, record 0600, no temporary file left; a
#             configured directory (MDCARD_CACHE_DIR) is used instead; a save
#             removes temporary files older than a minute
#   corrupt   truncated, garbage, one flipped byte, empty, another card's
#             record, a symbolic link, a FIFO: the listing stays right, the
#             record is rebuilt identical
#   changed   another process changes the card (OpenSC; mdcard with the cache
#             off): the next mdcard process lists the new certificate
#   parallel  two mdcard processes at once, one listing in a loop while the
#             other writes certificates: every listing is whole, the end right
#   off       MDCARD_CACHE=0: no file or directory created
#   foreign   a cache directory open to the group, owned by someone else, or
#             a symbolic link: ignored (logged), the listing still right
#   untrusted a record with a valid digest whose public keys of two containers
#             are swapped: a certificate write still goes where the card says
#   writes    key generation, key import, certificate and key deletion in warm
#             processes update the cache from what they wrote: the writing
#             process and the next one (warm) list what a cold read lists;
#             a change by another process (OpenSC) is still noticed
#   untrusted-delete  the swapped record again: deleting a private key by
#             its ID never deletes the other container's key
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
    step "a save removes stale temporary files (a crash's), keeps fresh ones"
    d=$T/elsewhere/cache/$serial
    touch -d '2 minutes ago' "$d/.card.rec.1.0"
    ln -s /nonexistent "$d/.card.rec.3.0"
    touch -h -d '2 minutes ago' "$d/.card.rec.3.0"
    touch "$d/.card.rec.2.0" # another process's save in progress
    touch -d '2 minutes ago' "$d/.card.rec" "$d/unrelated" # not temporary files
    rm "$d/card.rec"
    listing "$T/l4"
    [ -f "$d/card.rec" ] || fail "no record saved"
    [ "$(ls -A "$d" | sort | tr '\n' ' ')" = ".card.rec .card.rec.2.0 card.rec unrelated " ] ||
        fail "after the save: $(ls -A "$d")"
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
    step "record a symbolic link: deleted, its target untouched"
    echo "not a record" > "$T/target"
    rm -f "$rec"
    ln -s "$T/target" "$rec"
    MDCARD_DEBUG=info:cache MDCARD_LOG=$T/log.link listing "$T/l.link"
    diff "$T/ref" "$T/l.link" || fail "link: listing differs from the card's"
    grep -q 'disk cache: record is a symbolic link; deleted' "$T/log.link" ||
        { cat "$T/log.link" >&2; fail "link: not logged"; }
    [ "$(cat "$T/target")" = "not a record" ] || fail "link: the target was changed"
    [ -f "$rec" ] && [ ! -L "$rec" ] || fail "link: no record rebuilt"
    cmp "$T/good.rec" "$rec" || fail "link: the rebuilt record differs"
    step "record a FIFO: no hang, deleted"
    rm -f "$rec"
    mkfifo -m 600 "$rec"
    MDCARD_DEBUG=info:cache MDCARD_LOG=$T/log.fifo ok timeout 60 \
        env LD_PRELOAD="${MDCARD_SAVED_PRELOAD:-${LD_PRELOAD:-}}" pkcs11-tool --module "$MDCARD_MODULE" -O
    grep -E 'Object|label:|ID:|subject:' "$T/out" > "$T/l.fifo"
    diff "$T/ref" "$T/l.fifo" || fail "fifo: listing differs from the card's"
    grep -q 'disk cache: record is not a private regular file' "$T/log.fifo" ||
        { cat "$T/log.fifo" >&2; fail "fifo: not logged"; }
    cmp "$T/good.rec" "$rec" || fail "fifo: the record was not rebuilt"
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
writes)
    setup
    listing "$T/l0"
    # as_card WHAT: a new process is warm (3 APDUs) and lists what the card
    # holds (a listing with the cache off).
    as_card() {
        local n0
        MDCARD_CACHE=0 mdcard -O > "$T/cold.raw" 2>&1 || { cat "$T/cold.raw" >&2; fail "cold listing"; }
        grep -E 'Object|label:|ID:|subject:' "$T/cold.raw" > "$T/cold"
        n0=$(apdus)
        listing "$T/warm"
        [ $(($(apdus) - n0)) = 3 ] || fail "$1: the next process sent $(($(apdus) - n0)) APDUs, not 3"
        diff "$T/cold" "$T/warm" || fail "$1: the warm listing differs from the card's"
    }
    # updated LOG: the writing process updated the cache from what it wrote.
    updated() {
        grep -q 'cache updated from the write' "$1" || { cat "$1" >&2; fail "cache not updated from the write"; }
        ! grep -q 'reading the card' "$1" || { cat "$1" >&2; fail "the write read the card's objects"; }
    }
    step "key generation in a warm process; its CKA_ID in that process and the next"
    MDCARD_DEBUG=debug:cache MDCARD_LOG=$T/log.kg ok mdcard --login --pin "$PIN" --keypairgen \
        --key-type rsa:2048 --label kg2
    updated "$T/log.kg"
    id=$(last_id)
    ok mdcard --read-object --type pubkey --id "$id" -o "$T/kg2.pub.der"
    ok openssl pkey -pubin -inform DER -in "$T/kg2.pub.der" -out "$T/kg2.pub.pem"
    [ "$(pubkey_id "$T/kg2.pub.pem")" = "$id" ] || fail "CKA_ID $id is not SHA-1 of the modulus"
    as_card keygen
    grep -q "ID: *$id" "$T/warm" || fail "new key $id not listed"
    step "key import in a warm process"
    ok openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$T/imp.pem"
    ok openssl pkey -in "$T/imp.pem" -outform DER -out "$T/imp.der"
    ok openssl pkey -in "$T/imp.pem" -pubout -out "$T/imp.pub.pem"
    imp=$(pubkey_id "$T/imp.pub.pem")
    MDCARD_DEBUG=debug:cache MDCARD_LOG=$T/log.imp ok mdcard --login --pin "$PIN" \
        --write-object "$T/imp.der" --type privkey --label imported
    updated "$T/log.imp"
    as_card import
    grep -q "ID: *$imp" "$T/warm" || fail "imported key $imp not listed under the SHA-1 of its modulus"
    step "certificate deletion in a warm process"
    MDCARD_DEBUG=debug:cache MDCARD_LOG=$T/log.dc ok mdcard --login --pin "$PIN" \
        --delete-object --type cert --id "$ENROLLED_ID"
    updated "$T/log.dc"
    as_card "certificate deletion"
    ! grep -q 'Certificate Object' "$T/warm" || fail "the certificate is still listed"
    step "key deletion in a warm process (the container's public key checked on the card)"
    MDCARD_DEBUG=debug:cache MDCARD_LOG=$T/log.dk ok mdcard --login --pin "$PIN" \
        --delete-object --type privkey --id "$id"
    updated "$T/log.dk"
    as_card "key deletion"
    ! grep -q "ID: *$id" "$T/warm" || fail "deleted key $id still listed"
    grep -q "ID: *$imp" "$T/warm" || fail "imported key $imp gone"
    step "a key generated by OpenSC (another process) is noticed"
    ok opensc --login --pin "$PIN" --keypairgen --key-type rsa:2048 --label other
    listing "$T/l1"
    MDCARD_CACHE=0 mdcard -O > "$T/cold.raw" 2>&1 || fail "cold listing"
    grep -E 'Object|label:|ID:|subject:' "$T/cold.raw" > "$T/cold"
    diff "$T/cold" "$T/l1" || fail "OpenSC's key: the listing differs from the card's"
    [ "$(grep -c 'Public Key Object' "$T/l1")" = 3 ] || fail "want three public keys"
    ;;
untrusted-delete)
    setup
    id2=$(md_keygen second)
    listing "$T/l1"
    card_dump "$T/before"
    c2=$(container_of "$T/before" "$T/second.pub.pem")
    [ -n "$c2" ] || fail "second key not on the card"
    step "swap the public keys of the two containers in the record, digest recomputed"
    m0=$(openssl rsa -pubin -in "$T/user.pub.pem" -noout -modulus | sed 's/^Modulus=//' | tr A-F a-f)
    m1=$(openssl rsa -pubin -in "$T/second.pub.pem" -noout -modulus | sed 's/^Modulus=//' | tr A-F a-f)
    xxd -p "$rec" | tr -d '\n' > "$T/hex"
    sed -e "s/$m0/SWAP/" -e "s/$m1/$m0/" -e "s/SWAP/$m1/" "$T/hex" > "$T/hex2"
    reseal "$T/hex2" "$rec"
    step "delete the enrolled key by its ID: never the second key"
    rc=0
    MDCARD_DEBUG=info:cache MDCARD_LOG=$T/log.del mdcard --login --pin "$PIN" --delete-object \
        --type privkey --id "$ENROLLED_ID" > "$T/out" 2>&1 || rc=$?
    card_dump "$T/after"
    [ "$(container_of "$T/after" "$T/second.pub.pem")" = "$c2" ] || fail "the second key was deleted"
    grep -q 'disk cache disagrees with the card' "$T/log.del" || { cat "$T/log.del" >&2; fail "not logged"; }
    if [ $rc != 0 ]; then
        # The handle found in the wrong record died with the re-read: nothing
        # deleted; the record is the card's now, so a second attempt works.
        expect_unchanged "$T/before" "$T/after"
        ok mdcard --login --pin "$PIN" --delete-object --type privkey --id "$ENROLLED_ID"
        card_dump "$T/after"
    fi
    [ -z "$(container_of "$T/after" "$T/user.pub.pem")" ] || fail "the enrolled key is still there"
    [ "$(container_of "$T/after" "$T/second.pub.pem")" = "$c2" ] || fail "the second key was deleted"
    listing "$T/l2"
    grep -q "ID: *$id2" "$T/l2" || fail "second key not listed"
    ;;
*) fail "unknown case $1" ;;
esac
echo "PASS"
