/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes the mdcard.conf parser: bounded problem list of printable messages on real lines, every
 * setting either its default or a well-formed value, and the settings written back as a file parse
 * again without problems to the same settings. */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "util/conf_parse.h"

static void check_text(const char *s, size_t max)
{
    size_t n;

    FUZZ_CHECK(s != NULL);
    n = strlen(s);
    FUZZ_CHECK(n > 0 && n <= max);
    FUZZ_CHECK(s[0] != ' ' && s[0] != '\t' && s[n - 1] != ' ' && s[n - 1] != '\t');
    for (size_t i = 0; i < n; i++)
        FUZZ_CHECK((unsigned char)s[i] >= 0x20 || s[i] == '\t');
    FUZZ_CHECK(strchr(s, 0x7f) == NULL);
}

static size_t put(char *out, size_t off, size_t size, const char *key, const char *value)
{
    /* no blanks around "=": the line is never longer than the one it came from */
    int n = snprintf(out + off, size - off, "%s=%s\n", key, value);

    FUZZ_CHECK(n > 0 && (size_t)n < size - off);
    return off + (size_t)n;
}

/* log_levels as a log_level value (they come from one level specification). */
static void spec_of(const enum mdc_log_level lv[MDC_CAT_COUNT], char *out, size_t size)
{
    enum mdc_log_level top = MDC_LOG_OFF;
    size_t off;

    for (int c = 0; c < MDC_CAT_COUNT; c++)
        if (lv[c] > top)
            top = lv[c];
    for (int c = 0; c < MDC_CAT_COUNT; c++) {
        if (lv[c] != MDC_LOG_OFF && lv[c] != top) {
            /* only the numeric level 2 mixes levels: APDUs one below */
            FUZZ_CHECK(top == MDC_LOG_DEBUG && c == MDC_CAT_APDU && lv[c] == MDC_LOG_INFO);
            snprintf(out, size, "2");
            return;
        }
    }
    off = (size_t)snprintf(out, size, "%s:", mdc_log_level_name(top));
    for (int c = 0; c < MDC_CAT_COUNT; c++)
        if (lv[c] == top && top != MDC_LOG_OFF)
            off += (size_t)snprintf(out + off, size - off, "%s,", mdc_log_cat_name(c));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char text[MDC_CONF_MAX_FILE];
    struct mdc_conf c, d;
    unsigned lines = 1;
    char spec[128];
    size_t off = 0;

    if (!mdc_conf_parse(data, size, &c))
        return 0;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';
    FUZZ_CHECK(c.n_problems <= MDC_CONF_MAX_PROBLEMS);
    FUZZ_CHECK(c.n_more_problems == 0 || c.n_problems == MDC_CONF_MAX_PROBLEMS);
    for (size_t i = 0; i < c.n_problems; i++) {
        FUZZ_CHECK(c.problems[i].line <= lines);
        FUZZ_CHECK(memchr(c.problems[i].msg, '\0', sizeof(c.problems[i].msg)) != NULL);
        for (const char *p = c.problems[i].msg; *p != '\0'; p++)
            FUZZ_CHECK(*p >= 0x20 && *p < 0x7f);
    }
    if (size > MDC_CONF_MAX_FILE)
        FUZZ_CHECK(c.n_problems == 1 && c.problems[0].line == 0);
    for (int k = 0; k < MDC_CONF_KEY_COUNT; k++)
        FUZZ_CHECK(c.line[k] <= lines);

    /* Unset keys hold their defaults; set ones are well formed. */
    FUZZ_CHECK(c.line[MDC_CONF_CACHE] != 0 || c.cache);
    FUZZ_CHECK(c.line[MDC_CONF_PIN_CACHE] != 0 || c.pin_cache);
    FUZZ_CHECK((c.line[MDC_CONF_LOG_FILE] != 0) == (c.log_file != NULL));
    FUZZ_CHECK((c.line[MDC_CONF_CACHE_DIR] != 0) == (c.cache_dir != NULL));
    FUZZ_CHECK((c.line[MDC_CONF_READER_INCLUDE] != 0) == (c.reader_include.count != 0));
    FUZZ_CHECK((c.line[MDC_CONF_READER_EXCLUDE] != 0) == (c.reader_exclude.count != 0));
    if (c.line[MDC_CONF_LOG_LEVEL] == 0)
        for (int i = 0; i < MDC_CAT_COUNT; i++)
            FUZZ_CHECK(c.log_levels[i] == MDC_LOG_OFF);
    if (c.log_file != NULL) {
        check_text(c.log_file, MDC_CONF_MAX_LINE);
        FUZZ_CHECK(c.log_file[0] == '/');
    }
    if (c.cache_dir != NULL) {
        check_text(c.cache_dir, MDC_CONF_MAX_LINE);
        FUZZ_CHECK(c.cache_dir[0] == '/');
    }
    FUZZ_CHECK(c.reader_include.count <= MDC_CONF_MAX_PATTERNS);
    FUZZ_CHECK(c.reader_exclude.count <= MDC_CONF_MAX_PATTERNS);
    for (size_t i = 0; i < c.reader_include.count; i++)
        check_text(c.reader_include.item[i], MDC_CONF_MAX_PATTERN);
    for (size_t i = 0; i < c.reader_exclude.count; i++)
        check_text(c.reader_exclude.item[i], MDC_CONF_MAX_PATTERN);

    /* Written back, the settings read the same. */
    if (c.line[MDC_CONF_LOG_LEVEL] != 0) {
        spec_of(c.log_levels, spec, sizeof(spec));
        off = put(text, off, sizeof(text), "log_level", spec);
    }
    if (c.log_file != NULL)
        off = put(text, off, sizeof(text), "log_file", c.log_file);
    if (c.line[MDC_CONF_CACHE] != 0)
        off = put(text, off, sizeof(text), "cache", c.cache ? "on" : "off");
    if (c.cache_dir != NULL)
        off = put(text, off, sizeof(text), "cache_dir", c.cache_dir);
    if (c.line[MDC_CONF_PIN_CACHE] != 0)
        off = put(text, off, sizeof(text), "pin_cache", c.pin_cache ? "on" : "off");
    for (size_t i = 0; i < c.reader_include.count; i++)
        off = put(text, off, sizeof(text), "reader_include", c.reader_include.item[i]);
    for (size_t i = 0; i < c.reader_exclude.count; i++)
        off = put(text, off, sizeof(text), "reader_exclude", c.reader_exclude.item[i]);
    if (!mdc_conf_parse((const uint8_t *)text, off, &d)) {
        mdc_conf_free(&c);
        return 0;
    }
    FUZZ_CHECK(d.n_problems == 0);
    FUZZ_CHECK(memcmp(c.log_levels, d.log_levels, sizeof(c.log_levels)) == 0);
    FUZZ_CHECK(c.cache == d.cache && c.pin_cache == d.pin_cache);
    FUZZ_CHECK((c.log_file == NULL) == (d.log_file == NULL));
    FUZZ_CHECK(c.log_file == NULL || strcmp(c.log_file, d.log_file) == 0);
    FUZZ_CHECK((c.cache_dir == NULL) == (d.cache_dir == NULL));
    FUZZ_CHECK(c.cache_dir == NULL || strcmp(c.cache_dir, d.cache_dir) == 0);
    FUZZ_CHECK(c.reader_include.count == d.reader_include.count);
    for (size_t i = 0; i < c.reader_include.count; i++)
        FUZZ_CHECK(strcmp(c.reader_include.item[i], d.reader_include.item[i]) == 0);
    FUZZ_CHECK(c.reader_exclude.count == d.reader_exclude.count);
    for (size_t i = 0; i < c.reader_exclude.count; i++)
        FUZZ_CHECK(strcmp(c.reader_exclude.item[i], d.reader_exclude.item[i]) == 0);
    mdc_conf_free(&d);
    mdc_conf_free(&c);
    return 0;
}
