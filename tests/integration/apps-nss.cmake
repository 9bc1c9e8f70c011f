# SPDX-License-Identifier: LGPL-2.1-or-later
# NSS tools and Firefox ESR with mdcard, each from a card enrolled through
# mdcard (tests/integration/app-nss.sh, app-firefox.sh).
mdcard_integration_test(app-nss-tls app-nss.sh ARGS tls LABELS apps-nss)
mdcard_integration_test(app-nss-import app-nss.sh ARGS import LABELS apps-nss)
mdcard_integration_test(app-nss-enroll app-nss.sh ARGS enroll LABELS apps-nss)
# Firefox ESR headless: label "firefox" (not run in the sanitizer build).
mdcard_integration_test(app-firefox-profile app-firefox.sh ARGS profile LABELS apps-nss firefox TIMEOUT 600)
mdcard_integration_test(app-firefox-policy app-firefox.sh ARGS policy LABELS apps-nss firefox TIMEOUT 600)
