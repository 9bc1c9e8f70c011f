/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/util/conf_parse.c: the mdcard.conf syntax, every kind of problem, the
 * limits, line ends, and the shipped conf/mdcard.conf. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util/conf_parse.h"

static struct mdc_conf parse_str(const char *text)
{
    struct mdc_conf c;

    assert_true(mdc_conf_parse((const uint8_t *)text, strlen(text), &c));
    return c;
}

/* The problem list holds exactly one entry, on `line`, containing `what`. */
static void expect_one_problem(const struct mdc_conf *c, unsigned line, const char *what)
{
    if (c->n_problems != 1 || c->problems[0].line != line ||
        strstr(c->problems[0].msg, what) == NULL) {
        for (size_t i = 0; i < c->n_problems; i++)
            print_error("problem %zu: line %u: %s\n", i, c->problems[i].line, c->problems[i].msg);
        fail_msg("want one problem on line %u with '%s'", line, what);
    }
}

static void expect_defaults(const struct mdc_conf *c)
{
    for (int k = 0; k < MDC_CONF_KEY_COUNT; k++)
        assert_int_equal(c->line[k], 0);
    for (int i = 0; i < MDC_CAT_COUNT; i++)
        assert_int_equal(c->log_levels[i], MDC_LOG_OFF);
    assert_null(c->log_file);
    assert_null(c->cache_dir);
    assert_true(c->cache);
    assert_true(c->pin_cache);
    assert_int_equal(c->reader_include.count, 0);
    assert_int_equal(c->reader_exclude.count, 0);
}

static void test_good_file(void **state)
{
    struct mdc_conf c = parse_str("# mdcard\n"
                                  "\n"
                                  "log_level = debug:gids,apdu\n"
                                  "   log_file=/tmp/mdcard log.txt   \n"
                                  "\tcache\t=\toff\n"
                                  "cache_dir = /var/cache/mdcard\n"
                                  "  # indented comment\n"
                                  "pin_cache = No\n"
                                  "reader_include = Yubico*\n"
                                  "reader_include = [AB]CS ACR38 ?? 00\n"
                                  "reader_exclude = *Virtual*\n");

    (void)state;
    assert_int_equal(c.n_problems, 0);
    assert_int_equal(c.n_more_problems, 0);
    assert_int_equal(c.line[MDC_CONF_LOG_LEVEL], 3);
    assert_int_equal(c.log_levels[MDC_CAT_GIDS], MDC_LOG_DEBUG);
    assert_int_equal(c.log_levels[MDC_CAT_APDU], MDC_LOG_DEBUG);
    assert_int_equal(c.log_levels[MDC_CAT_P11], MDC_LOG_OFF);
    assert_int_equal(c.line[MDC_CONF_LOG_FILE], 4);
    assert_string_equal(c.log_file, "/tmp/mdcard log.txt"); /* inner blanks kept */
    assert_int_equal(c.line[MDC_CONF_CACHE], 5);
    assert_false(c.cache);
    assert_string_equal(c.cache_dir, "/var/cache/mdcard");
    assert_int_equal(c.line[MDC_CONF_PIN_CACHE], 8);
    assert_false(c.pin_cache);
    assert_int_equal(c.reader_include.count, 2);
    assert_string_equal(c.reader_include.item[0], "Yubico*");
    assert_string_equal(c.reader_include.item[1], "[AB]CS ACR38 ?? 00");
    assert_int_equal(c.line[MDC_CONF_READER_INCLUDE], 10);
    assert_int_equal(c.reader_exclude.count, 1);
    assert_string_equal(c.reader_exclude.item[0], "*Virtual*");
    mdc_conf_free(&c);
    expect_defaults(&c);
}

static void test_values(void **state)
{
    static const struct {
        const char *text;
        bool on;
    } bools[] = {{"cache = on", true},  {"cache = OFF", false}, {"cache = yes", true},
                 {"cache = no", false}, {"cache = True", true}, {"cache = false", false},
                 {"cache = 1", true},   {"cache = 0", false}};
    struct mdc_conf c;

    (void)state;
    for (size_t i = 0; i < sizeof(bools) / sizeof(bools[0]); i++) {
        c = parse_str(bools[i].text);
        assert_int_equal(c.n_problems, 0);
        assert_int_equal(c.line[MDC_CONF_CACHE], 1);
        assert_int_equal(c.cache, bools[i].on);
        mdc_conf_free(&c);
    }
    /* The MDCARD_DEBUG syntax, blanks allowed. */
    c = parse_str("log_level = trace : gids , cache");
    assert_int_equal(c.n_problems, 0);
    assert_int_equal(c.log_levels[MDC_CAT_GIDS], MDC_LOG_TRACE);
    assert_int_equal(c.log_levels[MDC_CAT_CACHE], MDC_LOG_TRACE);
    assert_int_equal(c.log_levels[MDC_CAT_TOKEN], MDC_LOG_OFF);
    mdc_conf_free(&c);
    c = parse_str("log_level = 2"); /* calls and return codes, no APDU trace */
    assert_int_equal(c.log_levels[MDC_CAT_P11], MDC_LOG_DEBUG);
    assert_int_equal(c.log_levels[MDC_CAT_APDU], MDC_LOG_INFO);
    mdc_conf_free(&c);
    c = parse_str("log_level = off");
    assert_int_equal(c.n_problems, 0);
    assert_int_equal(c.line[MDC_CONF_LOG_LEVEL], 1);
    assert_int_equal(c.log_levels[MDC_CAT_P11], MDC_LOG_OFF);
    mdc_conf_free(&c);
    c = parse_str("pin_cache = offf");
    expect_one_problem(&c, 1, "pin_cache: 'offf' is not on or off");
    assert_true(c.pin_cache);
    assert_int_equal(c.line[MDC_CONF_PIN_CACHE], 0);
    mdc_conf_free(&c);
    c = parse_str("log_level = WARN");
    assert_int_equal(c.log_levels[MDC_CAT_PCSC], MDC_LOG_WARN);
    mdc_conf_free(&c);
    c = parse_str("log_level = debug:\t apdu,  ,pcsc");
    assert_int_equal(c.n_problems, 0);
    assert_int_equal(c.log_levels[MDC_CAT_APDU], MDC_LOG_DEBUG);
    assert_int_equal(c.log_levels[MDC_CAT_PCSC], MDC_LOG_DEBUG);
    assert_int_equal(c.log_levels[MDC_CAT_P11], MDC_LOG_OFF);
    mdc_conf_free(&c);
}

/* The one boolean parser, also used for MDCARD_CACHE and MDCARD_PIN_CACHE. */
static void test_parse_bool(void **state)
{
    static const char *const on[] = {"on", "ON", "Yes", "true", "TRUE", "1"};
    static const char *const off[] = {"off", "Off", "NO", "false", "fAlSe", "0"};
    static const char *const bad[] = {"", "2", "onn", "of", " on", "on ", "y", "00", "-1"};
    bool v;

    (void)state;
    for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
        v = false;
        assert_true(mdc_conf_parse_bool(on[i], &v));
        assert_true(v);
    }
    for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
        v = true;
        assert_true(mdc_conf_parse_bool(off[i], &v));
        assert_false(v);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        v = true;
        assert_false(mdc_conf_parse_bool(bad[i], &v));
        assert_true(v); /* untouched */
        v = false;
        assert_false(mdc_conf_parse_bool(bad[i], &v));
        assert_false(v);
    }
    assert_false(mdc_conf_parse_bool(NULL, &v));
}

/* Each bad line: one problem on its line, the setting at its default, the
 * good lines around it still applied. */
static void test_bad_lines(void **state)
{
    static const struct {
        const char *line;
        const char *what;
    } bad[] = {
        {"bogus = 1", "unknown key 'bogus'"},
        {"Cache = off", "unknown key 'Cache'"}, /* keys are lower case */
        {"pin = 123456", "unknown key 'pin'"},  /* no secrets in the file */
        {"cache = maybe", "cache: 'maybe' is not on or off"},
        {"cache = 2", "cache: '2' is not on or off"},
        {"log_level = loud", "log_level: 'loud' is not"},
        {"log_level = debug:gids,nosuch", "log_level: 'debug:gids,nosuch' is not"},
        /* blanks around ':' and ',' only, never inside a name */
        {"log_level = de bug", "log_level: 'de bug' is not"},
        {"log_level = debug:gi ds", "log_level: 'debug:gi ds' is not"},
        {"log_level = trace : gids , ca che", "log_level: 'trace : gids , ca che' is not"},
        {"log_file = mdcard.log", "log_file: 'mdcard.log' is not an absolute path"},
        {"cache_dir = ~/.cache/x", "cache_dir: '~/.cache/x' is not an absolute path"},
        {"cache =", "cache has no value"},
        {"reader_include =   ", "reader_include has no value"},
        {"cache off", "expected 'key = value', found 'cache off'"},
        {"= on", "no key before '='"},
        {"cache = off # why", "'#' after the value"},
        {"log_file = /tmp/x\t#why", "'#' after the value"},
        {"reader_exclude = #1", "'#' after the value"},
        {"cache = o\x01n", "control character 0x01"},
        {"cache = o\x7fn", "control character 0x7F"},
        {"cache = o\rn", "control character 0x0D"},
    };
    char text[256];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct mdc_conf c;

        snprintf(text, sizeof(text), "pin_cache = off\n\n%s\nreader_exclude = X*\n", bad[i].line);
        c = parse_str(text);
        expect_one_problem(&c, 3, bad[i].what);
        assert_int_equal(c.line[MDC_CONF_CACHE], 0);
        assert_true(c.cache);
        assert_null(c.log_file);
        assert_null(c.cache_dir);
        assert_int_equal(c.log_levels[MDC_CAT_GIDS], MDC_LOG_OFF);
        assert_int_equal(c.reader_include.count, 0);
        /* the other lines still count */
        assert_false(c.pin_cache);
        assert_int_equal(c.reader_exclude.count, 1);
        assert_string_equal(c.reader_exclude.item[0], "X*");
        mdc_conf_free(&c);
    }
}

static void test_nul_byte(void **state)
{
    static const uint8_t text[] = "cache = off\nlog_file = /tmp/a\0b\npin_cache = off\n";
    struct mdc_conf c;

    (void)state;
    assert_true(mdc_conf_parse(text, sizeof(text) - 1, &c));
    expect_one_problem(&c, 2, "NUL byte");
    assert_null(c.log_file); /* not "/tmp/a" */
    assert_false(c.cache);
    assert_false(c.pin_cache);
    mdc_conf_free(&c);
}

static void test_twice(void **state)
{
    struct mdc_conf c;

    (void)state;
    /* Neither value is used: which one the user meant is unknown. */
    c = parse_str("cache = off\npin_cache = off\ncache = off\n");
    expect_one_problem(&c, 3, "cache set again (first on line 1)");
    assert_true(c.cache);
    assert_int_equal(c.line[MDC_CONF_CACHE], 0);
    assert_false(c.pin_cache);
    mdc_conf_free(&c);

    c = parse_str("log_file = /a\nlog_file = /b\nlog_file = /c\nlog_level = debug\n"
                  "log_level = bad\n");
    assert_int_equal(c.n_problems, 3);
    assert_int_equal(c.problems[0].line, 2);
    assert_int_equal(c.problems[1].line, 3);
    assert_non_null(strstr(c.problems[1].msg, "first on line 1"));
    assert_int_equal(c.problems[2].line, 5);
    assert_non_null(strstr(c.problems[2].msg, "log_level set again (first on line 4)"));
    assert_null(c.log_file);
    assert_int_equal(c.line[MDC_CONF_LOG_LEVEL], 0);
    assert_int_equal(c.log_levels[MDC_CAT_P11], MDC_LOG_OFF);
    mdc_conf_free(&c);

    /* A first line with a bad value still counts as the first. */
    c = parse_str("cache = bad\ncache = off\n");
    assert_int_equal(c.n_problems, 2);
    assert_int_equal(c.problems[1].line, 2);
    assert_true(c.cache);
    mdc_conf_free(&c);

    /* Repeating a pattern key is normal. */
    c = parse_str("reader_exclude = A*\nreader_exclude = A*\nreader_exclude = B*\n");
    assert_int_equal(c.n_problems, 0);
    assert_int_equal(c.reader_exclude.count, 3);
    mdc_conf_free(&c);
}

static void test_line_ends(void **state)
{
    struct mdc_conf c;

    (void)state;
    c = parse_str("cache = off\r\n\r\n# c\r\nlog_file = /tmp/l\r\npin_cache = off"); /* CRLF, no
                                                                                   final newline */
    assert_int_equal(c.n_problems, 0);
    assert_false(c.cache);
    assert_string_equal(c.log_file, "/tmp/l");
    assert_false(c.pin_cache);
    assert_int_equal(c.line[MDC_CONF_PIN_CACHE], 5);
    mdc_conf_free(&c);

    c = parse_str("\xEF\xBB\xBF"
                  "cache = off\n"); /* UTF-8 byte order mark */
    assert_int_equal(c.n_problems, 0);
    assert_false(c.cache);
    mdc_conf_free(&c);

    /* Old Mac line ends: one line with CRs in it, refused rather than misread. */
    c = parse_str("cache = off\rpin_cache = off\r");
    expect_one_problem(&c, 1, "control character 0x0D");
    assert_true(c.cache);
    assert_true(c.pin_cache);
    mdc_conf_free(&c);

    c = parse_str("");
    assert_int_equal(c.n_problems, 0);
    expect_defaults(&c);
    mdc_conf_free(&c);
    assert_true(mdc_conf_parse(NULL, 0, &c));
    expect_defaults(&c);
    mdc_conf_free(&c);
}

static void test_long_lines(void **state)
{
    size_t n = MDC_CONF_MAX_LINE;
    char *text = malloc(3 * n + 64);
    struct mdc_conf c;
    size_t pre;

    (void)state;
    assert_non_null(text);
    /* Exactly the limit: accepted (a log_file path that long). */
    pre = (size_t)sprintf(text, "log_file = /");
    memset(text + pre, 'a', n - pre);
    strcpy(text + n, "\ncache = off\n");
    c = parse_str(text);
    assert_int_equal(c.n_problems, 0);
    assert_int_equal(strlen(c.log_file), n - 11);
    assert_false(c.cache);
    mdc_conf_free(&c);
    /* The limit with CRLF: the CR is not part of the line. */
    strcpy(text + n, "\r\ncache = off\n");
    c = parse_str(text);
    assert_int_equal(c.n_problems, 0);
    mdc_conf_free(&c);
    /* One byte more: the line is refused whole (never a cut path). */
    memset(text + pre, 'a', n + 1 - pre);
    strcpy(text + n + 1, "\ncache = off\n");
    c = parse_str(text);
    expect_one_problem(&c, 1, "line longer than 1024 bytes");
    assert_null(c.log_file);
    assert_false(c.cache);
    mdc_conf_free(&c);
    /* A very long line (three times the limit), then a good one. */
    memset(text, 'x', 3 * n);
    strcpy(text + 3 * n, "\npin_cache = off");
    c = parse_str(text);
    expect_one_problem(&c, 1, "line longer than");
    assert_false(c.pin_cache);
    mdc_conf_free(&c);
    free(text);
}

static void test_file_size(void **state)
{
    uint8_t *data = malloc(MDC_CONF_MAX_FILE + 1);
    struct mdc_conf c;
    const char *first = "cache = off\n";

    (void)state;
    assert_non_null(data);
    memset(data, '\n', MDC_CONF_MAX_FILE + 1);
    memcpy(data, first, strlen(first));
    assert_true(mdc_conf_parse(data, MDC_CONF_MAX_FILE, &c));
    assert_int_equal(c.n_problems, 0);
    assert_false(c.cache);
    mdc_conf_free(&c);
    /* One byte over: nothing of it is used. */
    assert_true(mdc_conf_parse(data, MDC_CONF_MAX_FILE + 1, &c));
    expect_one_problem(&c, 0, "larger than 65536 bytes");
    expect_defaults(&c);
    mdc_conf_free(&c);
    free(data);
}

static void test_pattern_limits(void **state)
{
    char *text = malloc(64 * (MDC_CONF_MAX_PATTERNS + 1) + 2 * MDC_CONF_MAX_PATTERN);
    size_t off = 0;
    struct mdc_conf c;

    (void)state;
    assert_non_null(text);
    for (int i = 0; i <= MDC_CONF_MAX_PATTERNS; i++)
        off += (size_t)sprintf(text + off, "reader_include = R%d*\n", i);
    c = parse_str(text);
    expect_one_problem(&c, MDC_CONF_MAX_PATTERNS + 1, "more than 32 patterns");
    assert_int_equal(c.reader_include.count, MDC_CONF_MAX_PATTERNS);
    assert_string_equal(c.reader_include.item[MDC_CONF_MAX_PATTERNS - 1], "R31*");
    mdc_conf_free(&c);

    off = (size_t)sprintf(text, "reader_exclude = ");
    memset(text + off, 'p', MDC_CONF_MAX_PATTERN);
    text[off + MDC_CONF_MAX_PATTERN] = '\0';
    c = parse_str(text);
    assert_int_equal(c.n_problems, 0);
    assert_int_equal(strlen(c.reader_exclude.item[0]), MDC_CONF_MAX_PATTERN);
    mdc_conf_free(&c);
    strcpy(text + off + MDC_CONF_MAX_PATTERN, "p");
    c = parse_str(text);
    expect_one_problem(&c, 1, "pattern longer than 256 bytes");
    assert_int_equal(c.reader_exclude.count, 0);
    mdc_conf_free(&c);
    free(text);
}

/* Garbage: the problem list is bounded, every message printable ASCII. */
static void test_garbage(void **state)
{
    uint8_t data[4096];
    struct mdc_conf c;
    uint32_t x = 12345;

    (void)state;
    for (size_t i = 0; i < sizeof(data); i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (uint8_t)(x >> 16);
        if (data[i] == '\n')
            data[i] = 'x';
        if (i % 60 == 0)
            data[i] = 'k'; /* no line is blank or a comment: each is a problem */
        if (i % 60 == 59)
            data[i] = '\n';
    }
    assert_true(mdc_conf_parse(data, sizeof(data), &c));
    assert_int_equal(c.n_problems, MDC_CONF_MAX_PROBLEMS);
    assert_true(c.n_more_problems > 0);
    assert_int_equal(c.n_problems + c.n_more_problems, 69); /* 68 lines and a partial one */
    for (size_t i = 0; i < c.n_problems; i++) {
        assert_true(c.problems[i].line >= 1);
        for (const char *p = c.problems[i].msg; *p != '\0'; p++)
            assert_true(*p >= 0x20 && *p < 0x7f);
    }
    expect_defaults(&c);
    mdc_conf_free(&c);

    /* A key made of high bytes is quoted as \xNN and cut at 40 bytes. */
    c = parse_str("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 = 1");
    assert_int_equal(c.n_problems, 1);
    assert_non_null(strstr(c.problems[0].msg, "unknown key '\\xC3\\xA9"));
    assert_non_null(strstr(c.problems[0].msg, "...'"));
    mdc_conf_free(&c);
}

static char *read_shipped(size_t *len)
{
    const char *vectors = getenv("MDCARD_VECTORS");
    char path[4096];
    FILE *f;
    char *buf = malloc(MDC_CONF_MAX_FILE + 1);

    assert_non_null(vectors);
    assert_non_null(buf);
    snprintf(path, sizeof(path), "%s/../../../conf/mdcard.conf", vectors);
    f = fopen(path, "rb");
    assert_non_null(f);
    *len = fread(buf, 1, MDC_CONF_MAX_FILE + 1, f);
    fclose(f);
    assert_true(*len > 0 && *len <= MDC_CONF_MAX_FILE);
    buf[*len] = '\0';
    return buf;
}

/* conf/mdcard.conf as shipped: only comments, so every default; with every
 * "# key = value" line uncommented: every setting valid. */
static void test_shipped_file(void **state)
{
    size_t len, out = 0, uncommented = 0;
    char *text = read_shipped(&len);
    char *edited = malloc(len + 1);
    struct mdc_conf c;

    (void)state;
    assert_true(mdc_conf_parse((const uint8_t *)text, len, &c));
    assert_int_equal(c.n_problems, 0);
    expect_defaults(&c);
    mdc_conf_free(&c);

    assert_non_null(edited);
    for (char *line = text; *line != '\0';) {
        char *nl = strchr(line, '\n');
        size_t n = nl ? (size_t)(nl - line) + 1 : strlen(line);
        bool setting = false;

        for (int k = 0; k < MDC_CONF_KEY_COUNT; k++) {
            const char *name = mdc_conf_key_name((enum mdc_conf_key)k);

            if (strncmp(line, "# ", 2) == 0 && strncmp(line + 2, name, strlen(name)) == 0 &&
                strncmp(line + 2 + strlen(name), " = ", 3) == 0)
                setting = true;
        }
        if (setting) {
            line += 2;
            n -= 2;
            uncommented++;
        }
        memcpy(edited + out, line, n);
        out += n;
        line += n;
    }
    assert_int_equal(uncommented, MDC_CONF_KEY_COUNT); /* every key documented */
    assert_true(mdc_conf_parse((const uint8_t *)edited, out, &c));
    assert_int_equal(c.n_problems, 0);
    for (int k = 0; k < MDC_CONF_KEY_COUNT; k++)
        assert_true(c.line[k] != 0);
    /* The defaults shown are the defaults. */
    assert_true(c.cache);
    assert_true(c.pin_cache);
    assert_int_equal(c.log_levels[MDC_CAT_P11], MDC_LOG_OFF);
    mdc_conf_free(&c);
    free(edited);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_file),      cmocka_unit_test(test_values),
        cmocka_unit_test(test_bad_lines),      cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_twice),          cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_long_lines),     cmocka_unit_test(test_file_size),
        cmocka_unit_test(test_pattern_limits), cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_shipped_file),   cmocka_unit_test(test_parse_bool),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
