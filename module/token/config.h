/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The configuration as the rest of the module sees it (token/config.c):
 * loaded once per process, environment variables over the file. The
 * token-internal getters (PIN cache, disk cache) are in tok_int.h.
 */
#ifndef MDC_TOKEN_CONFIG_H
#define MDC_TOKEN_CONFIG_H

#include <stdbool.h>

/* Reads MDCARD_CONF (or the installed mdcard.conf) on the first call and
 * applies its log settings; later calls do nothing. C_Initialize calls it so
 * the log settings hold from the start; every getter calls it too. */
void mdc_tok_config_load(void);

/* Whether the PC/SC reader of this name is used: matched by no
 * reader_exclude pattern, and by a reader_include pattern when any is set. */
bool mdc_tok_config_reader_allowed(const char *reader_name);

#endif
