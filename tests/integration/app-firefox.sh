#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Firefox ESR (headless, fresh profile) logs in to a local
# `openssl s_server -www -Verify 1` with the certificate and key of a card
# enrolled through mdcard; the server log shows the card certificate's subject.
#   app-firefox.sh profile  mdcard added to the profile's NSS database with modutil
#   app-firefox.sh policy   mdcard added by the enterprise policy SecurityDevices
#                           in /etc/firefox/policies/policies.json (a first start
#                           on about:blank applies it, the second start logs in —
#                           APPS.md 2)
# Firefox has no way to take a PIN headless, so an autoconfig script (test
# machines only; APPS.md 2) logs in to the token by its label with the PIN from
# the environment. It is placed over Firefox's directory, the policy over /etc,
# with read-only overlays in a private mount namespace; Firefox and the server run in
# private network and PID namespaces too: no connection can leave the machine,
# and nothing they started outlives the test.
. "$(dirname "$0")/lib.sh"
preload_only_for_mdcard
mode=${1:?usage: app-firefox.sh profile|policy}
case $mode in profile | policy) ;; *) fail "unknown mode $mode" ;; esac

# Firefox brings its own allocator: it cannot run with the sanitizer runtime
# preloaded (the sanitizer build excludes the label "firefox").
[ -z "${MDCARD_SAVED_PRELOAD:-}" ] || fail "Firefox cannot load the sanitizer-instrumented module"
ff=$(command -v firefox-esr) || fail "firefox-esr is not installed"
ffdir=$(dirname "$(readlink -f "$ff")")
[ -f "$ffdir/omni.ja" ] || fail "no Firefox installation found beside $ff ($ffdir)"

SERIAL=$(printf '%s' "$MDCARD_SERIAL" | tail -c 16 | tr A-F a-f)
TOKEN="GIDS $SERIAL"
CN="Firefox Test User"

step "a card enrolled through mdcard"
enrolled_card "$CN"

step "a server certificate from the test CA"
ok openssl req -new -newkey rsa:2048 -nodes -keyout "$T/srv.key" -subj /CN=localhost -out "$T/srv.csr"
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > "$T/srv.ext"
ok openssl x509 -req -in "$T/srv.csr" -CA "$T/ca.pem" -CAkey "$T/ca.key" -CAcreateserial -days 1 \
    -extfile "$T/srv.ext" -out "$T/srv.pem"

step "a fresh profile ($mode)"
P=$T/profile
mkdir "$P"
# What goes over Firefox's directory (X: autoconfig) and over /etc (E: the
# policy); the overlays merge them with what is there.
X=$T/ff-overlay E=$T/etc-overlay
mkdir -p "$X/defaults/pref" "$E"
if [ "$mode" = profile ]; then
    ok certutil -N -d "sql:$P" --empty-password
    ok with_module_preload modutil -dbdir "sql:$P" -add mdcard -libfile "$MDCARD_MODULE" -force
    ok certutil -A -d "sql:$P" -n "mdcard Test CA" -t "CT,," -i "$T/ca.pem"
else
    # The system-wide policy file Firefox reads on Linux (APPS.md 2), put in
    # place by a read-only overlay over /etc.
    mkdir -p "$E/firefox/policies"
    cat > "$E/firefox/policies/policies.json" <<EOF
{"policies": {
  "SecurityDevices": {"Add": {"mdcard": "$MDCARD_MODULE"}},
  "Certificates": {"Install": ["$T/ca.pem"]},
  "DisableAppUpdate": true, "DisableTelemetry": true, "DisableFirefoxStudies": true,
  "DisablePocket": true, "CaptivePortal": false
}}
EOF
fi

# No outside connection even without the network namespace: updates,
# telemetry, studies, remote settings, safe browsing, captive portal and
# connectivity checks off, every service URL and proxy pointed at a closed
# local port (127.0.0.1 itself is never proxied).
nowhere=http://127.0.0.1:9/
cat > "$P/user.js" <<EOF
user_pref("security.default_personal_cert", "Select Automatically");
user_pref("browser.dom.window.dump.enabled", true);
user_pref("app.update.enabled", false);
user_pref("app.update.auto", false);
user_pref("app.update.url", "$nowhere");
user_pref("app.normandy.enabled", false);
user_pref("app.normandy.api_url", "$nowhere");
user_pref("app.shield.optoutstudies.enabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("toolkit.telemetry.unified", false);
user_pref("toolkit.telemetry.server", "$nowhere");
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("services.settings.server", "$nowhere");
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("browser.safebrowsing.downloads.enabled", false);
user_pref("browser.safebrowsing.downloads.remote.enabled", false);
user_pref("browser.safebrowsing.blockedURIs.enabled", false);
user_pref("browser.safebrowsing.provider.google4.updateURL", "$nowhere");
user_pref("browser.safebrowsing.provider.mozilla.updateURL", "$nowhere");
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("network.trr.mode", 5);
user_pref("network.dns.disablePrefetch", true);
user_pref("network.prefetch-next", false);
user_pref("network.http.speculative-parallel-limit", 0);
user_pref("network.proxy.type", 1);
user_pref("network.proxy.http", "127.0.0.1");
user_pref("network.proxy.http_port", 9);
user_pref("network.proxy.ssl", "127.0.0.1");
user_pref("network.proxy.ssl_port", 9);
user_pref("network.proxy.socks", "127.0.0.1");
user_pref("network.proxy.socks_port", 9);
user_pref("network.proxy.no_proxies_on", "");
user_pref("extensions.update.enabled", false);
user_pref("extensions.getAddons.cache.enabled", false);
user_pref("extensions.systemAddon.update.enabled", false);
user_pref("extensions.blocklist.enabled", false);
user_pref("browser.search.update", false);
user_pref("browser.region.update.enabled", false);
user_pref("browser.region.network.url", "");
user_pref("browser.startup.homepage_override.mstone", "ignore");
user_pref("browser.aboutwelcome.enabled", false);
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.newtabpage.activity-stream.feeds.topsites", false);
user_pref("browser.newtabpage.activity-stream.feeds.section.topstories", false);
user_pref("browser.topsites.contile.enabled", false);
user_pref("dom.push.enabled", false);
user_pref("dom.push.connection.enabled", false);
user_pref("geo.enabled", false);
user_pref("identity.fxaccounts.enabled", false);
user_pref("media.gmp-manager.updateEnabled", false);
user_pref("security.OCSP.enabled", 0);
user_pref("security.remote_settings.crlite_filters.enabled", false);
user_pref("security.remote_settings.intermediates.enabled", false);
user_pref("security.certerrors.mitm.priming.enabled", false);
user_pref("doh-rollout.disable-heuristics", true);
user_pref("browser.shell.checkDefaultBrowser", false);
EOF

# Autoconfig: log in to the token named TOKEN_LABEL with TOKEN_PIN as soon
# as its module is loaded (a policy-added module appears late, hence polling).
# changePassword(pin, pin) is the one nsIPK11Token call left that logs in
# (C_Login, then C_SetPIN with old == new).
cat > "$X/defaults/pref/autoconfig.js" <<'EOF'
pref("general.config.filename", "mozilla.cfg");
pref("general.config.obscure_value", 0);
pref("general.config.sandbox_enabled", false);
EOF
cat > "$X/mozilla.cfg" <<'EOF'
// mdcard test: log in to the card's token (test machines only).
async function mdcardLogin() {
  const Cc = Components.classes, Ci = Components.interfaces;
  const env = Cc["@mozilla.org/process/environment;1"].getService(Ci.nsIEnvironment);
  const pin = env.get("TOKEN_PIN"), want = env.get("TOKEN_LABEL");
  if (!pin) return true;
  const mdb = Cc["@mozilla.org/security/pkcs11moduledb;1"].getService(Ci.nsIPKCS11ModuleDB);
  for (const m of await mdb.listModules())
    for (const s of (m.slots || [])) {
      let tok;
      try { tok = s.getToken(); } catch (e) { continue; }
      if (tok && tok.tokenName === want) {
        tok.changePassword(pin, pin);
        dump("mdcard-autoconfig: " + m.libName + " " + want + " loggedIn=" + tok.isLoggedIn + "\n");
        return true;
      }
    }
  return false;
}
(async () => {
  for (let i = 0; i < 300; i++) {
    if (await mdcardLogin()) return;
    await new Promise(r => {
      const t = Components.classes["@mozilla.org/timer;1"].createInstance(Components.interfaces.nsITimer);
      t.initWithCallback({ notify: r }, 100, Components.interfaces.nsITimer.TYPE_ONE_SHOT);
      globalThis.__mdcardTimer = t;
    });
  }
  dump("mdcard-autoconfig: token not found\n");
})().catch(e => dump("mdcard-autoconfig error: " + e + "\n"));
EOF

# Inside the namespaces: overlays, loopback up, the server, Firefox. Runs as
# PID 1 of its PID namespace: when it exits, the kernel kills everything left
# in there (the server included).
cat > "$T/inside.sh" <<'EOF'
set -eu
mount --make-rprivate /
mount -t overlay mdcard-ff -o "lowerdir=$X:$ffdir" "$ffdir"
[ "$MODE" != policy ] || mount -t overlay mdcard-etc -o "lowerdir=$E:/etc" /etc
ip link set lo up
openssl s_server -accept 127.0.0.1:0 -cert "$T/srv.pem" -key "$T/srv.key" -Verify 1 \
    -CAfile "$T/ca.pem" -www > "$T/srv.log" 2>&1 &
n=0
until grep -q '^ACCEPT' "$T/srv.log"; do
    n=$((n + 1)); [ $n -lt 300 ] || { echo "s_server did not start" >&2; exit 1; }
    sleep 0.1
done
port=$(sed -n 's/^ACCEPT .*:\([0-9]*\)$/\1/p' "$T/srv.log")
run_ff() { # URL OUT
    TOKEN_PIN=$PIN TOKEN_LABEL=$TOKEN MOZ_CRASHREPORTER_DISABLE=1 MOZ_REMOTE_SETTINGS_DEVTOOLS=1 \
        timeout -k 10 "$FF_TIMEOUT" firefox-esr --headless --no-remote --profile "$P" \
        --screenshot "$2" "$1" > "$T/ff.$3.log" 2>&1
}
if [ "$MODE" = policy ]; then
    run_ff about:blank "$T/blank.png" first || { echo "first start failed: $?" >&2; exit 1; }
fi
rc=0
run_ff "https://127.0.0.1:$port/" "$T/page.png" login || rc=$?
echo "firefox exit status $rc"
exit $rc
EOF

step "Firefox: client-certificate login to s_server -www -Verify 1"
# --kill-child: if the test itself is killed (a ctest timeout), the namespace's
# first process gets SIGKILL and the kernel ends the rest of the namespace.
ns=(unshare --kill-child -m -n -p -f --mount-proc)
[ "$(id -u)" = 0 ] || ns=(unshare --kill-child -r -m -n -p -f --mount-proc)
signs0=$(grep -c ' 2A 9E 9A .* sw=9000' "$MDCARD_SIM_LOG" || true)
rc=0
export T X E ffdir P PIN TOKEN MODE=$mode FF_TIMEOUT=${MDCARD_FF_TIMEOUT:-150}
timeout -k 10 450 "${ns[@]}" bash "$T/inside.sh" > "$T/inside.log" 2>&1 || rc=$?
show() { cat "$T/inside.log" "$T"/ff.*.log "$T/srv.log" >&2 2>/dev/null || true; }
[ $rc = 0 ] || { show; fail "Firefox run failed ($rc)"; }

step "the server verified the card's certificate; the card signed"
grep -q "depth=0 CN = $CN" "$T/srv.log" || { show; fail "server log lacks the card certificate's subject"; }
grep -A1 "depth=0 CN = $CN" "$T/srv.log" | grep -qx 'verify return:1' || { show; fail "verification failed"; }
! grep -q 'peer did not return a certificate' "$T/srv.log" || { show; fail "a connection came without certificate"; }
signs1=$(grep -c ' 2A 9E 9A .* sw=9000' "$MDCARD_SIM_LOG" || true)
[ "$signs1" -gt "$signs0" ] || { show; fail "the card made no signature"; }
grep -q "mdcard-autoconfig: .* $TOKEN loggedIn=true" "$T/ff.login.log" || { show; fail "autoconfig did not log in"; }
[ -s "$T/page.png" ] || { show; fail "no screenshot of the page"; }
if [ "$mode" = policy ]; then
    grep -q "library=$MDCARD_MODULE" "$P/pkcs11.txt" || fail "the policy did not add mdcard to pkcs11.txt"
fi
echo "PASS"
