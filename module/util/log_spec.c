/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pure half of logging: names of levels and categories and the level
 * specification syntax shared by MDCARD_DEBUG and the configuration file's
 * log_level ("debug", "trace:gids,apdu", "2"). No I/O, no globals written,
 * so the configuration parser (mdcard_formats) can use it.
 */
#include "util/log.h"

#include <string.h>
#include <strings.h>

static const char *const cat_names[MDC_CAT_COUNT] = {
    "p11", "token", "mdfs", "gids", "apdu", "cache", "pcsc",
};
static const char *const level_names[] = {"off", "error", "warn", "info", "debug", "trace"};

const char *mdc_log_cat_name(enum mdc_log_cat cat)
{
    return (unsigned)cat < MDC_CAT_COUNT ? cat_names[cat] : "?";
}

const char *mdc_log_level_name(enum mdc_log_level level)
{
    return (unsigned)level < sizeof(level_names) / sizeof(level_names[0]) ? level_names[level]
                                                                          : "?";
}

/*
 * Numeric levels are the user-facing ones: 1 errors, 2 calls and return
 * codes (debug, without the APDU trace), 3 and above everything with the
 * APDU trace (secrets masked by the tracer).
 */
static bool parse_level(const char *s, size_t n, enum mdc_log_level *out, bool *numeric)
{
    static const enum mdc_log_level by_number[] = {MDC_LOG_OFF,   MDC_LOG_ERROR, MDC_LOG_DEBUG,
                                                   MDC_LOG_TRACE, MDC_LOG_TRACE, MDC_LOG_TRACE};

    *numeric = false;
    if (n == 1 && s[0] >= '0' && s[0] <= '5') {
        *out = by_number[s[0] - '0'];
        *numeric = true;
        return true;
    }
    for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
        if (strlen(level_names[i]) == n && strncasecmp(s, level_names[i], n) == 0) {
            *out = (enum mdc_log_level)i;
            return true;
        }
    }
    /* Common spellings people try. */
    if ((n == 3 && strncasecmp(s, "all", 3) == 0) ||
        (n == 7 && strncasecmp(s, "verbose", 7) == 0)) {
        *out = MDC_LOG_TRACE;
        return true;
    }
    if (n == 7 && strncasecmp(s, "warning", 7) == 0) {
        *out = MDC_LOG_WARN;
        return true;
    }
    return false;
}

bool mdc_log_parse_spec(const char *spec, enum mdc_log_level levels[MDC_CAT_COUNT])
{
    enum mdc_log_level lv;
    enum mdc_log_level tmp[MDC_CAT_COUNT];
    const char *colon;
    size_t n;
    bool numeric = false;

    if (spec == NULL || levels == NULL)
        return false;
    colon = strchr(spec, ':');
    n = colon ? (size_t)(colon - spec) : strlen(spec);
    if (n == 0 && colon == NULL)
        return false;
    if (n == 0)
        lv = MDC_LOG_DEBUG;
    else if (!parse_level(spec, n, &lv, &numeric))
        return false;

    if (colon == NULL || colon[1] == '\0') {
        for (int c = 0; c < MDC_CAT_COUNT; c++)
            levels[c] = lv;
        /* Level 2 is calls and return codes: the APDU trace waits for 3. */
        if (numeric && lv == MDC_LOG_DEBUG)
            levels[MDC_CAT_APDU] = MDC_LOG_INFO;
        return true;
    }
    for (int c = 0; c < MDC_CAT_COUNT; c++)
        tmp[c] = MDC_LOG_OFF;
    for (const char *p = colon + 1; *p != '\0';) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        bool known = false;

        for (int c = 0; c < MDC_CAT_COUNT; c++) {
            if (strlen(cat_names[c]) == len && strncasecmp(p, cat_names[c], len) == 0) {
                tmp[c] = lv;
                known = true;
            }
        }
        if (!known && len != 0)
            return false;
        p = end ? end + 1 : p + len;
    }
    memcpy(levels, tmp, sizeof(tmp));
    return true;
}
