/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/gids/keymap.c: the GIDS keymap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gids/keymap.h"
#include "vectors/vectors.h"

static const uint8_t released[12] = {0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0};

static void test_windows_vector(void **state)
{
    size_t len, out_len, idx;
    uint8_t *v = vec_load("keymap_windows.hex", &len), *out;
    mdc_gids_keymap km;
    uint8_t kid;

    (void)state;
    assert_non_null(v);
    assert_int_equal(len, 13);
    assert_int_equal(mdc_gids_keymap_parse(v, len, &km), MDC_MDFS_OK);
    assert_int_equal(km.count, 1);
    assert_int_equal(km.records[0].state, 1);
    assert_int_equal(km.records[0].alg, 0x07);
    assert_int_equal(km.records[0].key_type, MDC_GIDS_KEY_TYPE_EXCHANGE);
    assert_int_equal(km.records[0].key_fid, 0xB081);
    assert_int_equal(km.records[0].unknown, 0xFFFF);
    assert_true(mdc_gids_keymap_in_use(&km.records[0]));
    assert_int_equal(mdc_gids_keymap_find_kid(&km, 0x81, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(mdc_gids_keymap_find_kid(&km, 0x82, &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_gids_keymap_free_kid(&km, &kid), MDC_MDFS_OK);
    assert_int_equal(kid, 0x82);
    assert_int_equal(mdc_gids_keymap_build(&km, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, v, len);
    mdc_mdfs_free(out);
    mdc_gids_keymap_clear(&km);
    /* Built from scratch the way a key import would. */
    assert_int_equal(mdc_gids_keymap_parse(NULL, 0, &km), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_keymap_set_key(&km, 0, 0x07, MDC_GIDS_KEY_TYPE_EXCHANGE),
                     MDC_MDFS_OK);
    assert_int_equal(mdc_gids_keymap_build(&km, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, v, len);
    mdc_mdfs_free(out);
    mdc_gids_keymap_clear(&km);
    free(v);
}

static void test_absent_and_empty(void **state)
{
    const uint8_t only_version[1] = {0x01};
    mdc_gids_keymap km;
    uint8_t *out;
    size_t out_len;
    uint8_t kid;

    (void)state;
    assert_int_equal(mdc_gids_keymap_parse(NULL, 0, &km), MDC_MDFS_OK);
    assert_int_equal(km.count, 0);
    assert_int_equal(mdc_gids_keymap_parse(only_version, 0, &km), MDC_MDFS_OK);
    assert_int_equal(km.count, 0);
    assert_int_equal(mdc_gids_keymap_parse(only_version, 1, &km), MDC_MDFS_OK);
    assert_int_equal(km.count, 0);
    assert_int_equal(mdc_gids_keymap_free_kid(&km, &kid), MDC_MDFS_OK);
    assert_int_equal(kid, 0x81);
    /* Never written empty: at least the version byte. */
    assert_int_equal(mdc_gids_keymap_build(&km, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, 1);
    assert_int_equal(out[0], 0x01);
    mdc_mdfs_free(out);
}

static void test_hostile(void **state)
{
    uint8_t buf[1 + 12 * 128];
    mdc_gids_keymap km;
    size_t n;

    (void)state;
    memset(buf, 0, sizeof(buf));
    buf[0] = 0x01;
    for (n = 2; n < 1 + 12 * 3; n++) {
        if ((n - 1) % 12 != 0)
            assert_int_equal(mdc_gids_keymap_parse(buf, n, &km),
                             n < 13 ? MDC_MDFS_ERR_TRUNCATED : MDC_MDFS_ERR_RAGGED);
    }
    assert_int_equal(mdc_gids_keymap_parse(buf, 1 + 12 * 127, &km), MDC_MDFS_OK);
    assert_int_equal(km.count, 127);
    mdc_gids_keymap_clear(&km);
    assert_int_equal(mdc_gids_keymap_parse(buf, 1 + 12 * 128, &km), MDC_MDFS_ERR_TOO_LARGE);
    buf[0] = 0x00;
    assert_int_equal(mdc_gids_keymap_parse(buf, 13, &km), MDC_MDFS_ERR_VERSION);
    assert_int_equal(km.count, 0);
    assert_int_equal(mdc_gids_keymap_parse(NULL, 13, &km), MDC_MDFS_ERR_ARGS);
}

static void test_set_release_resize(void **state)
{
    mdc_gids_keymap km = {NULL, 0};
    uint8_t *out;
    size_t out_len, idx;
    uint8_t kid;

    (void)state;
    /* Container 2 before 0 and 1 exist: records 0 and 1 are padded as released. */
    assert_int_equal(mdc_gids_keymap_set_key(&km, 2, 0x06, MDC_GIDS_KEY_TYPE_SIGNATURE),
                     MDC_MDFS_OK);
    assert_int_equal(km.count, 3);
    assert_int_equal(mdc_gids_keymap_build(&km, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, 37);
    assert_memory_equal(out + 1, released, 12);
    assert_memory_equal(out + 13, released, 12);
    {
        const uint8_t want[12] = {1, 0, 0, 0, 0x06, 0x9C, 0x83, 0xB0, 0xFF, 0xFF, 0, 0};
        assert_memory_equal(out + 25, want, 12);
    }
    mdc_mdfs_free(out);
    assert_int_equal(mdc_gids_keymap_free_kid(&km, &kid), MDC_MDFS_OK);
    assert_int_equal(kid, 0x81);
    assert_int_equal(mdc_gids_keymap_set_key(&km, 0, 0x07, MDC_GIDS_KEY_TYPE_EXCHANGE),
                     MDC_MDFS_OK);
    assert_int_equal(mdc_gids_keymap_free_kid(&km, &kid), MDC_MDFS_OK);
    assert_int_equal(kid, 0x82);
    assert_int_equal(mdc_gids_keymap_set_key(&km, 0, 0x07, 0x42), MDC_MDFS_ERR_ARGS);
    /* Release record 0: the record stays, with OpenSC's released bytes. */
    assert_int_equal(mdc_gids_keymap_release(&km, 0), MDC_MDFS_OK);
    assert_int_equal(km.count, 3);
    assert_int_equal(mdc_gids_keymap_find_kid(&km, 0x81, &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_gids_keymap_release(&km, 3), MDC_MDFS_ERR_ARGS);
    /* Repair to the cmapfile's count. */
    assert_int_equal(mdc_gids_keymap_resize(&km, 5), MDC_MDFS_OK);
    assert_int_equal(km.count, 5);
    assert_false(mdc_gids_keymap_in_use(&km.records[4]));
    assert_int_equal(mdc_gids_keymap_resize(&km, 3), MDC_MDFS_OK);
    assert_int_equal(km.count, 3);
    assert_int_equal(mdc_gids_keymap_find_kid(&km, 0x83, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 2);
    assert_int_equal(mdc_gids_keymap_resize(&km, 128), MDC_MDFS_ERR_FULL);
    assert_int_equal(mdc_gids_keymap_resize(&km, 0), MDC_MDFS_OK);
    assert_int_equal(km.count, 0);
    mdc_gids_keymap_clear(&km);
}

/* Record 126 is key reference 0xFF, the last one; 127 does not exist. */
static void test_last_kid(void **state)
{
    mdc_gids_keymap km = {NULL, 0};
    uint8_t kid;
    size_t i;

    (void)state;
    for (i = 0; i < 126; i++)
        assert_int_equal(mdc_gids_keymap_set_key(&km, i, 7, MDC_GIDS_KEY_TYPE_EXCHANGE),
                         MDC_MDFS_OK);
    assert_int_equal(mdc_gids_keymap_free_kid(&km, &kid), MDC_MDFS_OK);
    assert_int_equal(kid, 0xFF);
    assert_int_equal(mdc_gids_keymap_set_key(&km, 126, 7, MDC_GIDS_KEY_TYPE_EXCHANGE), MDC_MDFS_OK);
    assert_int_equal(km.records[126].key_fid, 0xB0FF);
    assert_int_equal(mdc_gids_keymap_free_kid(&km, &kid), MDC_MDFS_ERR_FULL);
    assert_int_equal(mdc_gids_keymap_set_key(&km, 127, 7, MDC_GIDS_KEY_TYPE_EXCHANGE),
                     MDC_MDFS_ERR_FULL);
    /* A released record whose key EF another record still points at is not free. */
    assert_int_equal(mdc_gids_keymap_release(&km, 5), MDC_MDFS_OK);
    km.records[7].key_fid = 0xB086;
    assert_int_equal(mdc_gids_keymap_free_kid(&km, &kid), MDC_MDFS_ERR_FULL);
    km.records[7].key_fid = 0xB088;
    assert_int_equal(mdc_gids_keymap_free_kid(&km, &kid), MDC_MDFS_OK);
    assert_int_equal(kid, 0x86);
    mdc_gids_keymap_clear(&km);
}

/* Unknown state values and fields survive a parse/build. */
static void test_preserves_unknown(void **state)
{
    const uint8_t v[25] = {0x01, 0x05, 0x00, 0x00, 0x80, 0x09, 0x9A, 0x82, 0xB0,
                           0x12, 0x34, 0x56, 0x78, 0x00, 0x00, 0x00, 0x00, 0x00,
                           0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00};
    mdc_gids_keymap km;
    uint8_t *out;
    size_t out_len;

    (void)state;
    assert_int_equal(mdc_gids_keymap_parse(v, sizeof(v), &km), MDC_MDFS_OK);
    assert_int_equal(km.records[0].state, 0x80000005u);
    assert_int_equal(mdc_gids_keymap_build(&km, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, sizeof(v));
    assert_memory_equal(out, v, sizeof(v));
    mdc_mdfs_free(out);
    mdc_gids_keymap_clear(&km);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_vector), cmocka_unit_test(test_absent_and_empty),
        cmocka_unit_test(test_hostile),        cmocka_unit_test(test_set_release_resize),
        cmocka_unit_test(test_last_kid),       cmocka_unit_test(test_preserves_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
