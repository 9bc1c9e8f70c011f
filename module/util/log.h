/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging: levels and categories chosen by MDCARD_DEBUG ("debug",
 * "trace:gids,apdu", "2"), output to MDCARD_LOG (a file) or stderr; the
 * configuration file's log_level and log_file apply where those variables
 * are not set. Off by default. Each line names its category and function.
 * Never log secrets.
 */
#ifndef MDC_UTIL_LOG_H
#define MDC_UTIL_LOG_H

#include <stdbool.h>

enum mdc_log_level {
    MDC_LOG_OFF = 0,
    MDC_LOG_ERROR = 1,
    MDC_LOG_WARN = 2,
    MDC_LOG_INFO = 3,
    MDC_LOG_DEBUG = 4,
    MDC_LOG_TRACE = 5,
};

enum mdc_log_cat {
    MDC_CAT_P11,
    MDC_CAT_TOKEN,
    MDC_CAT_MDFS,
    MDC_CAT_GIDS,
    MDC_CAT_APDU,
    MDC_CAT_CACHE,
    MDC_CAT_PCSC,
    MDC_CAT_COUNT
};

/* True when a line of this category and level would be written. */
bool mdc_log_enabled(enum mdc_log_cat cat, enum mdc_log_level level);

void mdc_log_write(enum mdc_log_cat cat, enum mdc_log_level level, const char *func,
                   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Parse a MDCARD_DEBUG value into per-category levels (exposed for tests).
 * Returns false (and leaves levels untouched) when the value is malformed. */
bool mdc_log_parse_spec(const char *spec, enum mdc_log_level levels[MDC_CAT_COUNT]);

const char *mdc_log_cat_name(enum mdc_log_cat cat);
const char *mdc_log_level_name(enum mdc_log_level level);

/* Settings from the configuration file (NULL: not set there), applied under
 * the environment: a valid MDCARD_DEBUG wins over `levels`, a non-empty
 * MDCARD_LOG over `path`. Returns false with errno set when `path` is used
 * and cannot be opened (lines then go to stderr). */
bool mdc_log_configure(const enum mdc_log_level levels[MDC_CAT_COUNT], const char *path);

/* A line written whatever the levels say (to the log file when one is open,
 * else stderr): problems a user must see with logging off, such as a broken
 * configuration file. */
void mdc_log_always(enum mdc_log_cat cat, enum mdc_log_level level, const char *func,
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

#define MDC_LOG(cat, level, ...)                                                                   \
    do {                                                                                           \
        if (mdc_log_enabled((cat), (level)))                                                       \
            mdc_log_write((cat), (level), __func__, __VA_ARGS__);                                  \
    } while (0)

#define MDC_ERROR(cat, ...) MDC_LOG(cat, MDC_LOG_ERROR, __VA_ARGS__)
#define MDC_WARN(cat, ...) MDC_LOG(cat, MDC_LOG_WARN, __VA_ARGS__)
#define MDC_INFO(cat, ...) MDC_LOG(cat, MDC_LOG_INFO, __VA_ARGS__)
#define MDC_DEBUG(cat, ...) MDC_LOG(cat, MDC_LOG_DEBUG, __VA_ARGS__)
#define MDC_TRACE(cat, ...) MDC_LOG(cat, MDC_LOG_TRACE, __VA_ARGS__)

#endif
