/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Token settings, in one place so the configuration file of a later issue
 * can take them over: for now only the PIN cache (MDCARD_PIN_CACHE=0 turns
 * it off; on by default), read once with secure_getenv.
 */
#include "token/tok_int.h"

#include "util/log.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static bool pin_cache = true;

static void config_read(void)
{
    const char *v = secure_getenv("MDCARD_PIN_CACHE");

    if (v != NULL && (strcmp(v, "0") == 0 || strcmp(v, "no") == 0 || strcmp(v, "off") == 0 ||
                      strcmp(v, "false") == 0))
        pin_cache = false;
    MDC_DEBUG(MDC_CAT_TOKEN, "PIN cache %s", pin_cache ? "on" : "off");
}

bool mdc_tok_config_pin_cache(void)
{
    pthread_once(&config_once, config_read);
    return pin_cache;
}
