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
static bool disk_cache = true;
static const char *cache_dir; /* NULL: $XDG_CACHE_HOME/mdcard or ~/.cache/mdcard */

static bool value_is_off(const char *v)
{
    return v != NULL && (strcmp(v, "0") == 0 || strcmp(v, "no") == 0 || strcmp(v, "off") == 0 ||
                         strcmp(v, "false") == 0);
}

static void config_read(void)
{
    if (value_is_off(secure_getenv("MDCARD_PIN_CACHE")))
        pin_cache = false;
    if (value_is_off(secure_getenv("MDCARD_CACHE")))
        disk_cache = false;
    cache_dir = secure_getenv("MDCARD_CACHE_DIR");
    MDC_DEBUG(MDC_CAT_TOKEN, "PIN cache %s, disk cache %s", pin_cache ? "on" : "off",
              disk_cache ? "on" : "off");
}

bool mdc_tok_config_pin_cache(void)
{
    pthread_once(&config_once, config_read);
    return pin_cache;
}

bool mdc_tok_config_disk_cache(void)
{
    pthread_once(&config_once, config_read);
    return disk_cache;
}

const char *mdc_tok_config_cache_dir(void)
{
    pthread_once(&config_once, config_read);
    return cache_dir;
}
