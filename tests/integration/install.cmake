# SPDX-License-Identifier: LGPL-2.1-or-later
# Installation and p11-kit: the installed tree as p11-kit's consumers see it,
# the Debian package (root only, changes the system: label deb, run alone),
# and remote use through p11-kit server/client.
mdcard_integration_test(install-tree install-tree.sh)
mdcard_integration_test(p11kit-remote p11kit-remote.sh)
# Installs and purges the real package: root only, alone, not in the
# sanitizer run (make check: -LE 'firefox|deb'). It builds the package in a
# scratch build (about a minute on 2 cores).
mdcard_integration_test(deb deb.sh LABELS deb RUN_SERIAL TIMEOUT 900)
