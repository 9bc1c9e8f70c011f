# SPDX-License-Identifier: LGPL-2.1-or-later
# The mdcard command-line tool (tools/): read-only subcommands and --json,
# check on damaged, Windows-style and blank cards, the enrollment
# keygen → csr → CA → load read back by OpenSC.
mdcard_integration_test(tool-read tool-read.sh LABELS tool)
mdcard_integration_test(tool-check-damage tool-check.sh ARGS damage LABELS tool)
mdcard_integration_test(tool-check-fixture tool-check.sh ARGS fixture LABELS tool)
mdcard_integration_test(tool-check-blank tool-check.sh --blank ARGS blank LABELS tool)
mdcard_integration_test(tool-enroll tool-enroll.sh LABELS tool)
mdcard_integration_test(tool-fixes-hostile tool-fixes.sh ARGS hostile LABELS tool)
mdcard_integration_test(tool-fixes-input tool-fixes.sh ARGS input LABELS tool)
