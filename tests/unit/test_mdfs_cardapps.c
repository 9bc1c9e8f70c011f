/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/mdfs/cardapps.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "mdfs/cardapps.h"

static void test_standard(void **state)
{
    const uint8_t want[8] = {0x6D, 0x73, 0x63, 0x70, 0, 0, 0, 0};
    uint8_t *out;
    size_t len, idx;
    mdc_cardapps ca;

    (void)state;
    assert_int_equal(mdc_mdfs_cardapps_standard(&out, &len), MDC_MDFS_OK);
    assert_int_equal(len, 8);
    assert_memory_equal(out, want, 8);
    assert_int_equal(mdc_mdfs_cardapps_parse(out, len, &ca), MDC_MDFS_OK);
    assert_int_equal(ca.count, 1);
    assert_int_equal(mdc_mdfs_cardapps_find(&ca, "MSCP", &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(mdc_mdfs_cardapps_find(&ca, "mscerts", &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_mdfs_cardapps_find(&ca, "msc", &idx), MDC_MDFS_ERR_NOT_FOUND);
    mdc_mdfs_cardapps_clear(&ca);
    mdc_mdfs_free(out);
}

static void test_full_width_names_and_round_trip(void **state)
{
    /* All 8 bytes used: no terminator; garbage after a NUL is kept verbatim. */
    const uint8_t v[24] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'm', 's', 'c', 'p',
                           0,   0,   0,   0,   'x', 0,   'y', 0,   0,   0,   0,   0};
    mdc_cardapps ca;
    uint8_t *out;
    size_t len, idx;

    (void)state;
    assert_int_equal(mdc_mdfs_cardapps_parse(v, sizeof(v), &ca), MDC_MDFS_OK);
    assert_int_equal(ca.count, 3);
    assert_int_equal(mdc_mdfs_cardapps_find(&ca, "abcdefgh", &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(mdc_mdfs_cardapps_find(&ca, "abcdefghi", &idx), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cardapps_find(&ca, "mscp", &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 1);
    assert_int_equal(mdc_mdfs_cardapps_find(&ca, "x", &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 2);
    assert_int_equal(mdc_mdfs_cardapps_build(&ca, &out, &len), MDC_MDFS_OK);
    assert_int_equal(len, sizeof(v));
    assert_memory_equal(out, v, sizeof(v));
    mdc_mdfs_free(out);
    assert_int_equal(mdc_mdfs_cardapps_add(&ca, "MSCP"), MDC_MDFS_ERR_EXISTS);
    assert_int_equal(mdc_mdfs_cardapps_add(&ca, "toolongname"), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cardapps_add(&ca, ""), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cardapps_add(&ca, "a b"), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cardapps_add(&ca, "mscerts"), MDC_MDFS_OK);
    assert_int_equal(ca.count, 4);
    assert_int_equal(mdc_mdfs_cardapps_find(&ca, "mscerts", &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 3);
    mdc_mdfs_cardapps_clear(&ca);
}

static void test_ragged_empty_cap(void **state)
{
    uint8_t buf[8 * (MDC_CARDAPPS_MAX + 1)];
    mdc_cardapps ca;
    uint8_t *out;
    size_t len, n;

    (void)state;
    memset(buf, 'a', sizeof(buf));
    for (n = 1; n < 8; n++)
        assert_int_equal(mdc_mdfs_cardapps_parse(buf, n, &ca), MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_cardapps_parse(buf, 17, &ca), MDC_MDFS_ERR_RAGGED);
    assert_int_equal(mdc_mdfs_cardapps_parse(NULL, 0, &ca), MDC_MDFS_OK);
    assert_int_equal(ca.count, 0);
    assert_int_equal(mdc_mdfs_cardapps_build(&ca, &out, &len), MDC_MDFS_OK);
    assert_null(out);
    assert_int_equal(len, 0);
    assert_int_equal(mdc_mdfs_cardapps_parse(buf, 8 * MDC_CARDAPPS_MAX, &ca), MDC_MDFS_OK);
    assert_int_equal(ca.count, MDC_CARDAPPS_MAX);
    assert_int_equal(mdc_mdfs_cardapps_add(&ca, "new"), MDC_MDFS_ERR_FULL);
    mdc_mdfs_cardapps_clear(&ca);
    assert_int_equal(mdc_mdfs_cardapps_parse(buf, sizeof(buf), &ca), MDC_MDFS_ERR_TOO_LARGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standard),
        cmocka_unit_test(test_full_width_names_and_round_trip),
        cmocka_unit_test(test_ragged_empty_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
