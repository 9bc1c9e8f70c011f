/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/mdfs/cardcf.c: parse, bump (wrap-around, preserved bytes), diff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mdfs/cardcf.h"
#include "vectors/vectors.h"

static void test_parse_fields(void **state)
{
    const uint8_t v[] = {0x01, 0x7f, 0x34, 0x12, 0xcd, 0xab};
    mdc_cardcf cf;

    (void)state;
    assert_int_equal(mdc_mdfs_cardcf_parse(v, sizeof(v), &cf), MDC_MDFS_OK);
    assert_int_equal(cf.version, 0x01);
    assert_int_equal(cf.pins, 0x7f);
    assert_int_equal(cf.containers, 0x1234);
    assert_int_equal(cf.files, 0xabcd);
}

static void test_parse_long_used_vector(void **state)
{
    size_t len;
    uint8_t *v = vec_load("cardcf_long_used.hex", &len);
    mdc_cardcf cf;

    (void)state;
    assert_non_null(v);
    assert_int_equal(len, 6);
    assert_int_equal(mdc_mdfs_cardcf_parse(v, len, &cf), MDC_MDFS_OK);
    assert_int_equal(cf.version, 0);
    assert_int_equal(cf.pins, 0);
    assert_int_equal(cf.containers, 0x19);
    assert_int_equal(cf.files, 0x4b);
    free(v);
}

static void test_parse_short(void **state)
{
    const uint8_t v[6] = {0};
    mdc_cardcf cf;
    size_t n;

    (void)state;
    for (n = 0; n < 6; n++)
        assert_int_equal(mdc_mdfs_cardcf_parse(v, n, &cf), MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_cardcf_parse(NULL, 0, &cf), MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_cardcf_parse(NULL, 6, &cf), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cardcf_parse(v, 6, NULL), MDC_MDFS_ERR_ARGS);
}

static void test_parse_cap(void **state)
{
    uint8_t *v = calloc(1, MDC_CARDCF_MAX_LEN + 1);
    mdc_cardcf cf;

    (void)state;
    assert_non_null(v);
    assert_int_equal(mdc_mdfs_cardcf_parse(v, MDC_CARDCF_MAX_LEN, &cf), MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_cardcf_parse(v, MDC_CARDCF_MAX_LEN + 1, &cf), MDC_MDFS_ERR_TOO_LARGE);
    free(v);
}

/* The Windows key import trace: files, files, containers, files. */
static void test_progression_vector(void **state)
{
    static const unsigned steps[4] = {MDC_CARDCF_FILES, MDC_CARDCF_FILES, MDC_CARDCF_CONTAINERS,
                                      MDC_CARDCF_FILES};
    size_t len, i;
    uint8_t *v = vec_load("cardcf_progression.hex", &len);
    uint8_t next[6];

    (void)state;
    assert_non_null(v);
    assert_int_equal(len, 30);
    for (i = 0; i < 4; i++) {
        assert_int_equal(mdc_mdfs_cardcf_bump(v + 6 * i, 6, steps[i], next), MDC_MDFS_OK);
        assert_memory_equal(next, v + 6 * (i + 1), 6);
        assert_int_equal(mdc_mdfs_cardcf_diff_raw(v + 6 * i, 6, next, 6), steps[i]);
    }
    free(v);
}

static void test_bump_wraps(void **state)
{
    const uint8_t in[6] = {0x01, 0xff, 0xff, 0xff, 0xff, 0xff};
    const uint8_t want[6] = {0x01, 0x00, 0x00, 0x00, 0x00, 0x00};
    const uint8_t in2[6] = {0x00, 0xfe, 0xff, 0x00, 0xff, 0x7f};
    const uint8_t want2[6] = {0x00, 0xff, 0x00, 0x01, 0x00, 0x80};
    uint8_t out[6];

    (void)state;
    assert_int_equal(mdc_mdfs_cardcf_bump(in, 6, MDC_CARDCF_ALL, out), MDC_MDFS_OK);
    assert_memory_equal(out, want, 6);
    assert_int_equal(mdc_mdfs_cardcf_bump(in2, 6, MDC_CARDCF_ALL, out), MDC_MDFS_OK);
    assert_memory_equal(out, want2, 6);
}

/* Version byte and bytes after the sixth belong to others: copied untouched. */
static void test_bump_preserves_tail(void **state)
{
    const uint8_t in[14] = {0x05, 0x10, 0x20, 0x00, 0x30, 0x00, 1, 2, 3, 4, 0xff, 0xff, 0xff, 0xff};
    const uint8_t want[14] = {0x05, 0x10, 0x21, 0x00, 0x31, 0x00, 1,
                              2,    3,    4,    0xff, 0xff, 0xff, 0xff};
    uint8_t buf[14];

    (void)state;
    assert_int_equal(
        mdc_mdfs_cardcf_bump(in, sizeof(in), MDC_CARDCF_CONTAINERS | MDC_CARDCF_FILES, buf),
        MDC_MDFS_OK);
    assert_memory_equal(buf, want, sizeof(want));
    /* In place, and a no-op selection copies exactly. */
    memcpy(buf, in, sizeof(in));
    assert_int_equal(mdc_mdfs_cardcf_bump(buf, sizeof(buf), MDC_CARDCF_PINS, buf), MDC_MDFS_OK);
    assert_int_equal(buf[1], 0x11);
    assert_memory_equal(buf + 2, in + 2, sizeof(in) - 2);
    assert_int_equal(mdc_mdfs_cardcf_bump(in, sizeof(in), 0, buf), MDC_MDFS_OK);
    assert_memory_equal(buf, in, sizeof(in));
}

static void test_bump_errors(void **state)
{
    const uint8_t in[6] = {0};
    uint8_t out[6];

    (void)state;
    assert_int_equal(mdc_mdfs_cardcf_bump(in, 5, MDC_CARDCF_FILES, out), MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_cardcf_bump(in, 6, MDC_CARDCF_OTHER, out), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cardcf_bump(in, 6, 0x100, out), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cardcf_bump(NULL, 6, MDC_CARDCF_FILES, out), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cardcf_bump(in, 6, MDC_CARDCF_FILES, NULL), MDC_MDFS_ERR_ARGS);
}

static void test_diff(void **state)
{
    mdc_cardcf a = {1, 2, 3, 4}, b = a;

    (void)state;
    assert_int_equal(mdc_mdfs_cardcf_diff(&a, &b), 0);
    b.pins = 9;
    assert_int_equal(mdc_mdfs_cardcf_diff(&a, &b), MDC_CARDCF_PINS);
    b.files = 0;
    assert_int_equal(mdc_mdfs_cardcf_diff(&a, &b), MDC_CARDCF_PINS | MDC_CARDCF_FILES);
    b = a;
    b.containers = 0x0103; /* only the high byte differs */
    assert_int_equal(mdc_mdfs_cardcf_diff(&a, &b), MDC_CARDCF_CONTAINERS);
    b = a;
    b.version = 7; /* the struct diff looks at counters only */
    assert_int_equal(mdc_mdfs_cardcf_diff(&a, &b), 0);
    assert_int_equal(mdc_mdfs_cardcf_diff(NULL, &b), MDC_CARDCF_ALL | MDC_CARDCF_OTHER);
}

static void test_diff_raw(void **state)
{
    const uint8_t a[8] = {0, 1, 2, 0, 3, 0, 9, 9};
    const uint8_t b[8] = {1, 1, 2, 0, 3, 0, 9, 9};
    const uint8_t c[8] = {0, 1, 2, 0, 3, 0, 9, 8};
    const uint8_t d[8] = {0, 1, 2, 1, 3, 0, 9, 9};

    (void)state;
    assert_int_equal(mdc_mdfs_cardcf_diff_raw(a, 8, a, 8), 0);
    assert_int_equal(mdc_mdfs_cardcf_diff_raw(a, 8, b, 8), MDC_CARDCF_OTHER);
    assert_int_equal(mdc_mdfs_cardcf_diff_raw(a, 8, c, 8), MDC_CARDCF_OTHER);
    assert_int_equal(mdc_mdfs_cardcf_diff_raw(a, 8, a, 6), MDC_CARDCF_OTHER);
    assert_int_equal(mdc_mdfs_cardcf_diff_raw(a, 8, d, 8), MDC_CARDCF_CONTAINERS);
    assert_int_equal(mdc_mdfs_cardcf_diff_raw(a, 5, a, 8), MDC_CARDCF_ALL | MDC_CARDCF_OTHER);
    assert_int_equal(mdc_mdfs_cardcf_diff_raw(a, 8, NULL, 0), MDC_CARDCF_ALL | MDC_CARDCF_OTHER);
}

static void test_rv_names(void **state)
{
    (void)state;
    assert_string_equal(mdc_mdfs_rv_name(MDC_MDFS_OK), "MDC_MDFS_OK");
    assert_string_equal(mdc_mdfs_rv_name(MDC_MDFS_ERR_RAGGED), "MDC_MDFS_ERR_RAGGED");
    assert_string_equal(mdc_mdfs_rv_name(MDC_MDFS_ERR_CRYPTO), "MDC_MDFS_ERR_CRYPTO");
    assert_string_equal(mdc_mdfs_rv_name((mdc_mdfs_rv)15), "MDC_MDFS_ERR_UNKNOWN");
    /* Every value has its own name. */
    {
        int a, b;
        for (a = MDC_MDFS_OK; a <= MDC_MDFS_ERR_CRYPTO; a++) {
            assert_string_not_equal(mdc_mdfs_rv_name((mdc_mdfs_rv)a), "MDC_MDFS_ERR_UNKNOWN");
            for (b = MDC_MDFS_OK; b < a; b++)
                assert_string_not_equal(mdc_mdfs_rv_name((mdc_mdfs_rv)a),
                                        mdc_mdfs_rv_name((mdc_mdfs_rv)b));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_fields),
        cmocka_unit_test(test_parse_long_used_vector),
        cmocka_unit_test(test_parse_short),
        cmocka_unit_test(test_parse_cap),
        cmocka_unit_test(test_progression_vector),
        cmocka_unit_test(test_bump_wraps),
        cmocka_unit_test(test_bump_preserves_tail),
        cmocka_unit_test(test_bump_errors),
        cmocka_unit_test(test_diff),
        cmocka_unit_test(test_diff_raw),
        cmocka_unit_test(test_rv_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
