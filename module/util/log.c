/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging back end: reads MDCARD_DEBUG / MDCARD_LOG once (secure_getenv, so a
 * set-uid host ignores them), keeps per-category levels, and writes whole
 * lines under a mutex so threads do not interleave.
 */
#include "util/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const char *const cat_names[MDC_CAT_COUNT] = {
    "p11", "token", "mdfs", "gids", "apdu", "cache", "pcsc",
};
static const char *const level_names[] = {"off", "error", "warn", "info", "debug", "trace"};

static pthread_once_t log_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t log_mutex = PTHREAD_MUTEX_INITIALIZER;
static enum mdc_log_level log_levels[MDC_CAT_COUNT];
static enum mdc_log_level log_max = MDC_LOG_OFF;
static FILE *log_file;

const char *mdc_log_cat_name(enum mdc_log_cat cat)
{
    return (unsigned)cat < MDC_CAT_COUNT ? cat_names[cat] : "?";
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

static void log_setup(void)
{
    const char *spec = secure_getenv("MDCARD_DEBUG");
    const char *path = secure_getenv("MDCARD_LOG");

    for (int c = 0; c < MDC_CAT_COUNT; c++)
        log_levels[c] = MDC_LOG_OFF;
    if (spec == NULL || *spec == '\0' || !mdc_log_parse_spec(spec, log_levels))
        return;
    for (int c = 0; c < MDC_CAT_COUNT; c++)
        if (log_levels[c] > log_max)
            log_max = log_levels[c];
    if (log_max != MDC_LOG_OFF && path != NULL && *path != '\0') {
        /* "e": close-on-exec, so helpers the host spawns do not inherit it. */
        log_file = fopen(path, "ae");
        if (log_file != NULL)
            setvbuf(log_file, NULL, _IOLBF, 0);
    }
}

bool mdc_log_enabled(enum mdc_log_cat cat, enum mdc_log_level level)
{
    pthread_once(&log_once, log_setup);
    if (level > log_max || (unsigned)cat >= MDC_CAT_COUNT)
        return false;
    return level != MDC_LOG_OFF && level <= log_levels[cat];
}

void mdc_log_write(enum mdc_log_cat cat, enum mdc_log_level level, const char *func,
                   const char *fmt, ...)
{
    char line[2048];
    struct timespec ts;
    struct tm tm;
    va_list ap;
    int off, saved_errno = errno;
    FILE *out;

    if (!mdc_log_enabled(cat, level))
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    off = snprintf(line, sizeof(line), "%02d:%02d:%02d.%03ld mdcard[%ld] %s %s %s: ", tm.tm_hour,
                   tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000L, (long)getpid(), level_names[level],
                   mdc_log_cat_name(cat), func ? func : "?");
    if (off < 0)
        off = 0;
    if ((size_t)off >= sizeof(line))
        off = sizeof(line) - 1;
    va_start(ap, fmt);
    vsnprintf(line + off, sizeof(line) - (size_t)off, fmt, ap);
    va_end(ap);

    pthread_mutex_lock(&log_mutex);
    out = log_file ? log_file : stderr;
    fputs(line, out);
    fputc('\n', out);
    fflush(out);
    pthread_mutex_unlock(&log_mutex);
    errno = saved_errno;
}
