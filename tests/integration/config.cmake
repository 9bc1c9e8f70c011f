# SPDX-License-Identifier: LGPL-2.1-or-later
# The configuration file (module/token/config.c, docs/CONFIGURATION.md):
# MDCARD_CONF, log settings, reader filters, pin_cache, broken files, the
# environment over the file, the compiled-in default path. --other-aid: a
# second application on the card, whose selection makes the card forget the
# PIN (the observable effect of pin_cache).
mdcard_integration_test(config-file config-file.sh --other-aid A000000308000010000100
  LABELS config)
