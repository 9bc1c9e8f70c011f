/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The JSON writer of the mdcard tool (tools/json.c): escaping, invalid
 * UTF-8, nesting and commas, byte-exact documents; tool_safe, the
 * terminal-safe form of card strings for text output. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* The escaped form of len bytes, as a heap string. */
static char *escaped(const char *s, size_t len)
{
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);

    assert_non_null(f);
    json_write_escaped(f, s, len);
    fclose(f);
    return buf;
}

static void expect_escape(const char *in, size_t len, const char *want)
{
    char *got = escaped(in, len);

    assert_string_equal(got, want);
    free(got);
}

static void test_escapes(void **state)
{
    (void)state;
    expect_escape("plain", 5, "\"plain\"");
    expect_escape("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
    expect_escape("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
    expect_escape("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
    expect_escape("a\0b", 3, "\"a\\u0000b\"");
    expect_escape("/", 1, "\"/\"");
    expect_escape("", 0, "\"\"");
}

static void test_utf8(void **state)
{
    (void)state;
    /* Valid UTF-8 passes unchanged: é, €, U+1F600. */
    expect_escape("\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", 9,
                  "\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");
    /* Invalid bytes become U+FFFD, one per byte, the rest is kept. */
    expect_escape("a\xffz", 3, "\"a\\ufffdz\"");
    expect_escape("\xc3", 1, "\"\\ufffd\"");                                  /* truncated */
    expect_escape("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");                       /* overlong '/' */
    expect_escape("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");            /* surrogate D800 */
    expect_escape("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
    expect_escape("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");
}

static void test_document(void **state)
{
    struct json j;
    char *buf = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&buf, &size);
    static const uint8_t bytes[] = {0x00, 0xab, 0xff};

    (void)state;
    assert_non_null(f);
    json_init(&j, f);
    json_begin_object(&j, NULL);
    json_string(&j, "name", "x\"y");
    json_int(&j, "n", -42);
    json_bool(&j, "t", true);
    json_null(&j, "z");
    json_string(&j, "s", NULL);
    json_hex(&j, "h", bytes, sizeof(bytes));
    json_begin_array(&j, "empty");
    json_end_array(&j);
    json_begin_array(&j, "list");
    json_int(&j, NULL, 1);
    json_begin_object(&j, NULL);
    json_end_object(&j);
    json_string_n(&j, NULL, "ab", 1);
    json_end_array(&j);
    json_end_object(&j);
    assert_true(json_finish(&j));
    fclose(f);
    assert_string_equal(buf, "{\n"
                             "  \"name\": \"x\\\"y\",\n"
                             "  \"n\": -42,\n"
                             "  \"t\": true,\n"
                             "  \"z\": null,\n"
                             "  \"s\": null,\n"
                             "  \"h\": \"00abff\",\n"
                             "  \"empty\": [],\n"
                             "  \"list\": [\n"
                             "    1,\n"
                             "    {},\n"
                             "    \"a\"\n"
                             "  ]\n"
                             "}\n");
    free(buf);
}

static void test_misuse(void **state)
{
    struct json j;
    FILE *f = fopen("/dev/null", "w");

    (void)state;
    assert_non_null(f);
    json_init(&j, f);
    json_end_object(&j); /* nothing open */
    assert_false(json_finish(&j));
    json_init(&j, f);
    json_begin_array(&j, NULL); /* left open */
    assert_false(json_finish(&j));
    json_init(&j, f);
    for (int i = 0; i < JSON_MAX_DEPTH + 2; i++)
        json_begin_array(&j, NULL);
    for (int i = 0; i < JSON_MAX_DEPTH + 2; i++)
        json_end_array(&j);
    assert_false(json_finish(&j)); /* too deep: reported, no overflow */
    fclose(f);
}

static void expect_safe(const char *in, size_t len, const char *want)
{
    char out[TOOL_SAFE_SIZE(64)];

    assert_true(len <= 64);
    assert_string_equal(tool_safe_n(out, sizeof(out), in, len), want);
}

/* The whole literal, NULs and all. */
#define EXPECT_SAFE(lit, want) expect_safe(lit, sizeof(lit) - 1, want)

static void test_safe(void **state)
{
    char small[8];

    (void)state;
    EXPECT_SAFE("kxc00", "kxc00");
    EXPECT_SAFE("a\\b \"q\" ~", "a\\b \"q\" ~"); /* printable ASCII as is */
    EXPECT_SAFE("\x1b[31mred", "\\x1b[31mred");
    EXPECT_SAFE("\x00\x01\t\n\r\x1f\x7f", "\\x00\\x01\\x09\\x0a\\x0d\\x1f\\x7f");
    /* C1 controls U+0080..U+009F (CSI U+009B) escaped byte by byte; U+00A0 up kept. */
    EXPECT_SAFE("\xc2\x80\xc2\x9b\xc2\x9f", "\\xc2\\x80\\xc2\\x9b\\xc2\\x9f");
    EXPECT_SAFE("\xc2\xa0\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
                "\xc2\xa0\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
    /* Invalid UTF-8: a lone continuation, a truncated sequence, an overlong
     * form, a surrogate, above U+10FFFF. */
    EXPECT_SAFE("\x80", "\\x80");
    EXPECT_SAFE("\xe2\x82", "\\xe2\\x82");
    EXPECT_SAFE("\xc0\xaf", "\\xc0\\xaf");
    EXPECT_SAFE("\xed\xa0\x80", "\\xed\\xa0\\x80");
    EXPECT_SAFE("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
    EXPECT_SAFE("", "");
    /* Too small a buffer: whole characters only, always terminated. */
    assert_string_equal(tool_safe_n(small, sizeof(small), "ab\x1b\x1b", 4), "ab\\x1b");
    assert_string_equal(tool_safe_n(small, sizeof(small), "abcdefghij", 10), "abcdefg");
    assert_string_equal(tool_safe_n(small, 1, "abc", 3), "");
    assert_string_equal(tool_safe(small, sizeof(small), "\xe2\x82\xac!"), "\xe2\x82\xac!");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escapes),  cmocka_unit_test(test_utf8),
        cmocka_unit_test(test_document), cmocka_unit_test(test_misuse),
        cmocka_unit_test(test_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
