/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The syntax of mdcard.conf (docs/CONFIGURATION.md), pure: the file's bytes
 * in, the settings and a list of (line, problem) out; no I/O, no logging.
 *
 *   # a comment on a line of its own
 *   key = value          value = rest of the line, blanks trimmed, no quoting
 *
 * A problem (unknown key, bad value, over-long line, NUL or control byte,
 * a single-valued key set twice) leaves that setting at its default, so
 * nothing is ever misread silently; the caller reports the problems.
 */
#ifndef MDC_UTIL_CONF_PARSE_H
#define MDC_UTIL_CONF_PARSE_H

#include "util/log.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MDC_CONF_MAX_FILE (64 * 1024) /* bytes; a larger file is ignored whole */
#define MDC_CONF_MAX_LINE 1024        /* bytes of one line, without its end */
#define MDC_CONF_MAX_PATTERNS 32      /* per reader list */
#define MDC_CONF_MAX_PATTERN 256      /* bytes of one reader pattern */
#define MDC_CONF_MAX_PROBLEMS 16      /* kept; more are only counted */

enum mdc_conf_key {
    MDC_CONF_LOG_LEVEL,
    MDC_CONF_LOG_FILE,
    MDC_CONF_CACHE,
    MDC_CONF_CACHE_DIR,
    MDC_CONF_PIN_CACHE,
    MDC_CONF_READER_INCLUDE,
    MDC_CONF_READER_EXCLUDE,
    MDC_CONF_KEY_COUNT
};

struct mdc_conf_problem {
    unsigned line; /* 1-based; 0 = the file as a whole */
    char msg[160]; /* printable ASCII only: bytes from the file are escaped */
};

struct mdc_conf_list {
    char *item[MDC_CONF_MAX_PATTERNS];
    size_t count;
};

struct mdc_conf {
    /* line[k] != 0: key k was set validly on that line (for single-valued
     * keys: exactly once); 0: not set, the default applies. */
    unsigned line[MDC_CONF_KEY_COUNT];
    enum mdc_log_level log_levels[MDC_CAT_COUNT]; /* log_level */
    char *log_file;                               /* absolute path */
    bool cache;
    char *cache_dir; /* absolute path */
    bool pin_cache;
    struct mdc_conf_list reader_include, reader_exclude; /* fnmatch patterns */

    struct mdc_conf_problem problems[MDC_CONF_MAX_PROBLEMS];
    size_t n_problems;
    size_t n_more_problems; /* beyond MDC_CONF_MAX_PROBLEMS */
};

/* Parses `len` bytes into *conf (initialised here; free with mdc_conf_free).
 * Returns false only when memory ran out; *conf then holds no settings. */
bool mdc_conf_parse(const uint8_t *data, size_t len, struct mdc_conf *conf);
void mdc_conf_free(struct mdc_conf *conf);

/* A boolean as the file and the environment (MDCARD_CACHE, MDCARD_PIN_CACHE)
 * spell it: on/yes/true/1 or off/no/false/0, any case. False when `v` is
 * none of those (*out untouched). */
bool mdc_conf_parse_bool(const char *v, bool *out);

/* The key as written in the file ("log_level"). */
const char *mdc_conf_key_name(enum mdc_conf_key key);

#endif
