#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The configuration file (docs/CONFIGURATION.md) as pkcs11-tool and a PKCS#11
# program see it: MDCARD_CONF's log settings, reader_include/reader_exclude,
# pin_cache, broken files (each problem named with file, line and reason, the
# module working on defaults), the environment over the file (bad values of
# the variables named and ignored), the log file's mode and its refusal of a
# symbolic link, and the
# compiled-in default path (a private mount namespace with an overlay on its
# directory, so the system's files are never touched).
# Needs: tests/with-card --other-aid A000000308000010000100
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard
OTHER_AID="A0 00 00 03 08 00 00 10 00 01 00"
CARD_READER="Virtual PCD 00 00" # the simulated card's reader; "Virtual PCD 00 01" is empty

conf() { printf '%s\n' "$@" > "$T/$CONF_NAME"; }
# list CONF_NAME: pkcs11-tool -L with MDCARD_CONF=$T/CONF_NAME (stdout and stderr in $T/out).
list() { MDCARD_CONF=$T/$1 mdcard -L > "$T/out" 2>&1 || true; }
token_listed() { expect_out "token label        : GIDS"; expect_out "Slot 0 (0x0): $CARD_READER"; }
no_token() { reject_out "token label"; reject_out "GIDS"; }
# count_in FILE TEXT: how many lines of FILE contain TEXT.
count_in() { grep -cF -- "$2" "$1" || true; }

step "the installed default is used when MDCARD_CONF is unset: compiled-in path"
default_conf=$(strings "$MDCARD_MODULE" | grep -m1 '/mdcard\.conf$') ||
    fail "no compiled-in path of mdcard.conf in the module"
echo "default path: $default_conf"

step "(a) log_level and log_file: the log file appears with lines"
CONF_NAME=a.conf conf "log_level = debug" "log_file = $T/a.log"
ok env MDCARD_CONF=/dev/null LD_PRELOAD="${MDCARD_SAVED_PRELOAD:-}" \
    pkcs11-tool --module "$MDCARD_MODULE" -L
[ ! -e "$T/a.log" ] || fail "a log file without any configuration"
list a.conf
token_listed
[ -s "$T/a.log" ] || fail "log_file $T/a.log was not written"
grep -q " debug p11 C_Initialize: CKR_OK" "$T/a.log" || { cat "$T/a.log" >&2; fail "no C_Initialize line"; }
grep -q "configuration $T/a.conf: PIN cache on, disk cache on" "$T/a.log" ||
    { cat "$T/a.log" >&2; fail "the log does not name the configuration"; }
reject_out "mdcard[" # nothing on stderr: it all went to the file
# The APDU trace is masked as always: the PIN never reaches the log file.
CONF_NAME=a2.conf conf "log_level = trace:apdu" "log_file = $T/a2.log"
MDCARD_CONF=$T/a2.conf ok mdcard --login --pin "$PIN" -O
grep -q "00 20 00 80" "$T/a2.log" || fail "trace:apdu logged no VERIFY"
! grep -q "31 32 33 34 35 36" "$T/a2.log" || fail "the PIN is in the log"
! grep -q " p11 " "$T/a2.log" || fail "trace:apdu logged another category"

step "(b) reader_exclude / reader_include on the PC/SC reader names"
CONF_NAME=b1.conf conf "reader_exclude = $CARD_READER"
list b1.conf
no_token
expect_out "Virtual PCD 00 01"
reject_out "$CARD_READER"
CONF_NAME=b2.conf conf "reader_exclude = Virtual*"
list b2.conf
no_token
reject_out "Virtual PCD"
CONF_NAME=b3.conf conf "reader_include = *00 01"
list b3.conf
no_token
expect_out "Virtual PCD 00 01"
CONF_NAME=b4.conf conf "reader_include = Yubico*" "reader_include = Virtual PCD 00 0[0]"
list b4.conf
token_listed
reject_out "Virtual PCD 00 01"
CONF_NAME=b5.conf conf "reader_include = Virtual*" "reader_exclude = *00 00" # exclude wins
list b5.conf
no_token
CONF_NAME=b6.conf conf "reader_exclude = Yubico*" "reader_exclude = *00 0[1-9]"
list b6.conf
token_listed
reject_out "Virtual PCD 00 01"

step "(c) pin_cache = off: another application on the card ends the login"
id=$(md_keygen cfg)
# signed_twice NAME [VAR=VALUE...]: p11-api-test logs in and signs, another
# application is selected on the card (the card forgets the PIN), it signs again.
signed_twice() {
    local name=$1 pid
    shift
    rm -f "$T/go-$name"
    env "$@" "$MDCARD_BUILD_DIR/p11-api-test" --sign-twice-wait "$T/go-$name" > "$T/$name.out" 2>&1 &
    pid=$!
    wait_line "$T/$name.out" READY
    grep -q "^SIGN1 CKR_OK$" "$T/$name.out" || { cat "$T/$name.out" >&2; fail "$name: first signature"; }
    ok opensc-tool -s "00 A4 04 00 0B $OTHER_AID"
    expect_out "SW1=0x90, SW2=0x00"
    touch "$T/go-$name"
    wait "$pid" || { cat "$T/$name.out" >&2; fail "$name: the mdcard process failed"; }
    sed -n 's/^SIGN2 //p' "$T/$name.out"
}
# second_signature NAME WANT WHY [VAR=VALUE...]
second_signature() {
    local name=$1 want=$2 why=$3 got
    shift 3
    got=$(signed_twice "$name" "$@")
    [ "$got" = "$want" ] || { cat "$T/$name.out" >&2; fail "$why: second signature $got, want $want"; }
}
CONF_NAME=c.conf conf "pin_cache = off"
second_signature c-default CKR_OK "PIN cache on by default" MDCARD_CONF=/dev/null
second_signature c-file CKR_USER_NOT_LOGGED_IN "pin_cache = off" MDCARD_CONF="$T/c.conf"
second_signature c-env CKR_USER_NOT_LOGGED_IN "MDCARD_PIN_CACHE=0 (like pin_cache = off)" \
    MDCARD_CONF=/dev/null MDCARD_PIN_CACHE=0

step "(d) a broken file: the module works on defaults, each problem named once"
printf '%s\n' "# broken on purpose" "bogus = 1" "cache = maybe" "log_file = relative.log" \
    "reader_exclude = Virtual* # a trailing comment" "pin_cache = off" "pin_cache = on" \
    "log_level = loud" > "$T/d.conf"
list d.conf
token_listed # reader_exclude with a comment was refused, not read as "Virtual* # a ..."
for want in "$T/d.conf:2: unknown key 'bogus'; line ignored" \
    "$T/d.conf:3: cache: 'maybe' is not on or off; default (on) used" \
    "$T/d.conf:4: log_file: 'relative.log' is not an absolute path" \
    "$T/d.conf:5: reader_exclude: '#' after the value" \
    "$T/d.conf:7: pin_cache set again (first on line 6); default used" \
    "$T/d.conf:8: log_level: 'loud' is not"; do
    [ "$(count_in "$T/out" "$want")" = 1 ] || { cat "$T/out" >&2; fail "not said once: $want"; }
done
[ "$(grep -c "warn token .*$T/d.conf:" "$T/out")" = 6 ] || { cat "$T/out" >&2; fail "not 6 problems"; }
# pin_cache given twice keeps its default (on).
second_signature d CKR_OK "pin_cache given twice: default on" MDCARD_CONF="$T/d.conf"

step "(d) binary garbage, NUL bytes, an over-long line, a file too large"
openssl enc -aes-128-ctr -K 000102030405060708090a0b0c0d0e0f -iv 0 -in /dev/zero 2>/dev/null |
    head -c 3000 > "$T/garbage.conf"
list garbage.conf
token_listed
grep -qF "$T/garbage.conf:1: " "$T/out" || { cat "$T/out" >&2; fail "garbage: no problem on line 1"; }
grep -qF "more problems not shown" "$T/out" || { cat "$T/out" >&2; fail "garbage: problems not bounded"; }
[ "$(grep -c "garbage.conf:[0-9][0-9]*: " "$T/out")" = 16 ] || { cat "$T/out" >&2; fail "garbage: not 16 lines"; }
LC_ALL=C grep -q '[^[:print:]]' "$T/out" && { cat -v "$T/out" >&2; fail "raw bytes in the messages"; }
printf 'cache = off\nreader_exclude = Virtual*\0 # NUL\npin_cache = off\n' > "$T/nul.conf"
list nul.conf
token_listed
expect_out "$T/nul.conf:2: NUL byte; line ignored"
{ printf 'reader_exclude = Virtual'; head -c 2000 /dev/zero | tr '\0' '*'; printf '\n'; } > "$T/long.conf"
list long.conf
token_listed
expect_out "$T/long.conf:1: line longer than 1024 bytes; ignored"
{ printf 'reader_exclude = Virtual*\n'; head -c 70000 /dev/zero | tr '\0' '\n'; } > "$T/big.conf"
list big.conf
token_listed
expect_out "$T/big.conf: larger than 65536 bytes; whole file ignored, defaults used"

step "(d) MDCARD_CONF naming a missing file or a directory: a warning, defaults"
list missing.conf
token_listed
expect_out "cannot read configuration file $T/missing.conf: No such file or directory; using defaults"
mkdir -p "$T/dir.conf"
list dir.conf
token_listed
expect_out "cannot read configuration file $T/dir.conf: Is a directory; using defaults"
CONF_NAME=d2.conf conf "log_level = debug" "log_file = $T/no-such-dir/x.log"
list d2.conf
token_listed
expect_out "$T/d2.conf:2: log_file: cannot open $T/no-such-dir/x.log: No such file or directory"
expect_out "debug p11 C_Initialize: CKR_OK" # on stderr instead
# With a working log_file, the problems go there (the user asked for it).
CONF_NAME=d3.conf conf "log_level = error" "log_file = $T/d3.log" "bogus = 2"
list d3.conf
token_listed
reject_out "bogus"
grep -qF "$T/d3.conf:3: unknown key 'bogus'" "$T/d3.log" || fail "problem not in log_file"

step "(e) the environment wins over the file"
CONF_NAME=e.conf conf "log_level = debug" "log_file = $T/e-file.log" "cache_dir = /nonexistent/file-dir"
MDCARD_LOG=$T/e-env.log MDCARD_CACHE_DIR=$T/env-cache list e.conf
token_listed
[ ! -e "$T/e-file.log" ] || fail "MDCARD_LOG did not win over log_file"
grep -q "disk cache on in $T/env-cache," "$T/e-env.log" ||
    { cat "$T/e-env.log" >&2; fail "MDCARD_CACHE_DIR did not win over cache_dir (or no log in MDCARD_LOG)"; }
CONF_NAME=e2.conf conf "log_level = off" "log_file = $T/e2.log" "cache = off"
MDCARD_DEBUG=debug:token MDCARD_CACHE=1 list e2.conf
grep -q "debug token config_read: configuration $T/e2.conf: PIN cache on, disk cache on" "$T/e2.log" ||
    { cat "$T/e2.log" "$T/out" >&2; fail "MDCARD_DEBUG / MDCARD_CACHE did not win over the file"; }
grep -q " p11 " "$T/e2.log" && fail "MDCARD_DEBUG=debug:token logged another category"
CONF_NAME=e3.conf conf "log_level = debug" "log_file = $T/e3.log"
MDCARD_DEBUG=nonsense list e3.conf
expect_out "MDCARD_DEBUG='nonsense' is not LEVEL[:CATEGORY,...]; ignored"
[ -s "$T/e3.log" ] || fail "an invalid MDCARD_DEBUG must leave the file's log_level in force"
second_signature e CKR_OK "MDCARD_PIN_CACHE=1 over pin_cache = off" MDCARD_CONF="$T/c.conf" \
    MDCARD_PIN_CACHE=1

step "(e) MDCARD_CACHE_DIR must be absolute: a relative one is reported and ignored"
CONF_NAME=e4.conf conf "log_level = debug:token" "log_file = $T/e4.log" "cache_dir = $T/file-cache"
MDCARD_CACHE_DIR=rel/cache list e4.conf
token_listed
[ "$(count_in "$T/e4.log" "MDCARD_CACHE_DIR is not an absolute path; ignored")" = 1 ] ||
    { cat "$T/e4.log" "$T/out" >&2; fail "relative MDCARD_CACHE_DIR not reported once"; }
grep -q "disk cache on in $T/file-cache," "$T/e4.log" ||
    { cat "$T/e4.log" >&2; fail "a relative MDCARD_CACHE_DIR did not leave the file's cache_dir"; }
[ ! -e rel ] && [ ! -e "$T/rel" ] || fail "a relative cache directory was created"

step "(e) MDCARD_CACHE / MDCARD_PIN_CACHE: the file's spellings, any case; bad values named"
CONF_NAME=e5.conf conf "log_level = debug:token" "log_file = $T/e5.log"
MDCARD_CACHE=OFF MDCARD_PIN_CACHE=No list e5.conf
grep -q "configuration $T/e5.conf: PIN cache off, disk cache off" "$T/e5.log" ||
    { cat "$T/e5.log" >&2; fail "MDCARD_CACHE=OFF / MDCARD_PIN_CACHE=No not applied"; }
MDCARD_CACHE=maybe MDCARD_PIN_CACHE=2 list e5.conf
for v in MDCARD_CACHE MDCARD_PIN_CACHE; do
    [ "$(count_in "$T/e5.log" "$v is not on/off, yes/no, true/false or 1/0; ignored")" = 1 ] ||
        { cat "$T/e5.log" >&2; fail "bad $v not reported once"; }
done
[ "$(count_in "$T/e5.log" "PIN cache on, disk cache on")" = 1 ] || fail "bad values not ignored"
! grep -q "is not 0 or 1" "$T/e5.log" || fail "the old message is still there"

step "(e) log_level: blanks inside a name are an error"
CONF_NAME=e6.conf conf "log_level = de bug" "log_file = $T/e6.log"
list e6.conf
expect_out "$T/e6.conf:1: log_level: 'de bug' is not"
[ ! -e "$T/e6.log" ] || fail "'de bug' was read as debug"

step "(f) the log file: created 0600 whatever the umask, a symbolic link refused"
CONF_NAME=f.conf conf "log_level = debug" "log_file = $T/f.log"
(umask 000 && list f.conf)
[ "$(stat -c %a "$T/f.log")" = 600 ] || fail "log file has mode $(stat -c %a "$T/f.log"), not 600"
ln -s "$T/f-target.log" "$T/f-link.log"
CONF_NAME=f2.conf conf "log_level = debug" "log_file = $T/f-link.log"
list f2.conf
token_listed
expect_out "$T/f2.conf:2: log_file: cannot open $T/f-link.log: Too many levels of symbolic links"
[ ! -e "$T/f-target.log" ] || fail "the log followed a symbolic link"
MDCARD_LOG=$T/f-link.log MDCARD_DEBUG=debug MDCARD_CONF=/dev/null ok mdcard -L
[ ! -e "$T/f-target.log" ] || fail "MDCARD_LOG followed a symbolic link"
expect_out "debug p11 C_Initialize: CKR_OK" # on stderr instead

step "(f) an invalid MDCARD_DEBUG is reported in MDCARD_LOG, not on stderr"
MDCARD_CONF=/dev/null MDCARD_LOG=$T/f3.log MDCARD_DEBUG=nonsense ok mdcard -L
reject_out "MDCARD_DEBUG"
grep -qF "MDCARD_DEBUG='nonsense' is not LEVEL[:CATEGORY,...]; ignored" "$T/f3.log" ||
    { cat "$T/f3.log" >&2; fail "the warning did not go to MDCARD_LOG"; }

step "the compiled-in default path: read when present, silent when absent"
dir=$(dirname "$default_conf")
# run_with_default CONTENT|- CMD...: CMD in a private mount namespace where the
# default file has CONTENT ('-': no file), through an overlay on its directory
# (upper layer on a tmpfs: it cannot live on the overlayfs of a container).
run_with_default() {
    local content=$1 ns
    shift
    [ -d "$dir" ] || fail "$dir does not exist"
    mkdir -p "$T/ov"
    if [ "$(id -u)" = 0 ]; then ns=(unshare -m); else ns=(unshare -r -m); fi
    "${ns[@]}" bash -c 'set -e
        mount -t tmpfs mdcard-test "$2"
        mkdir "$2/up" "$2/work"
        mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/up,workdir=$2/work" "$1"
        rm -f "$3"
        [ "$4" = - ] || printf "%s\n" "$4" > "$3"
        shift 4
        exec "$@"' ns "$dir" "$T/ov" "$default_conf" "$content" "$@"
}
run_with_default "reader_exclude = Virtual*" env -u MDCARD_CONF LD_PRELOAD="${MDCARD_SAVED_PRELOAD:-}" \
    pkcs11-tool --module "$MDCARD_MODULE" -L > "$T/out" 2>&1 || true
reject_out "Virtual PCD"
run_with_default "bogus = 3" env -u MDCARD_CONF LD_PRELOAD="${MDCARD_SAVED_PRELOAD:-}" \
    pkcs11-tool --module "$MDCARD_MODULE" -L > "$T/out" 2>&1 || true
token_listed
expect_out "$default_conf:1: unknown key 'bogus'"
run_with_default - env -u MDCARD_CONF LD_PRELOAD="${MDCARD_SAVED_PRELOAD:-}" \
    pkcs11-tool --module "$MDCARD_MODULE" -L > "$T/out" 2>&1 || true
token_listed
reject_out "mdcard[" # no file installed: silence
if [ -e "$default_conf" ] && grep -q "bogus = 3" "$default_conf"; then
    fail "the system's $default_conf was changed"
fi
echo "PASS"
