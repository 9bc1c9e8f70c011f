/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/mdfs/cmapfile.c and guid.c: records, flags, names, free record, default. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mdfs/cmapfile.h"
#include "mdfs/guid.h"
#include "vectors/vectors.h"

static const char windows_name[] = "257f0362-2ee7-44f5-9885-36fa490f30c1";

static void test_windows_record(void **state)
{
    size_t len, out_len, idx;
    uint8_t *v = vec_load("cmap_windows_record.hex", &len), *out;
    mdc_cmapfile cm;
    char name[MDC_CMAP_NAME_UTF8_MAX];

    (void)state;
    assert_non_null(v);
    assert_int_equal(len, 86);
    assert_int_equal(mdc_mdfs_cmap_parse(v, len, &cm), MDC_MDFS_OK);
    assert_int_equal(cm.count, 1);
    assert_int_equal(cm.records[0].flags, 0x03);
    assert_int_equal(cm.records[0].sig_key_bits, 0);
    assert_int_equal(cm.records[0].kx_key_bits, 2048);
    assert_true(mdc_mdfs_cmap_is_valid(&cm.records[0]));
    assert_true(mdc_mdfs_cmap_is_default(&cm.records[0]));
    assert_true(mdc_mdfs_cmap_is_key(&cm.records[0]));
    assert_false(mdc_mdfs_cmap_is_reservation(&cm.records[0]));
    assert_int_equal(mdc_mdfs_cmap_key_spec_of(&cm.records[0]), MDC_CMAP_KEY_EXCHANGE);
    assert_int_equal(mdc_mdfs_cmap_name_get(&cm.records[0], name, sizeof(name)), MDC_MDFS_OK);
    assert_string_equal(name, windows_name);
    assert_int_equal(mdc_mdfs_cmap_find_name(&cm, windows_name, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(mdc_mdfs_cmap_find_name(&cm, "257F0362-2EE7-44F5-9885-36FA490F30C1", &idx),
                     MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_cmap_find_name(&cm, "257f0362", &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_mdfs_cmap_find_default(&cm, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 0);
    /* Round trip. */
    assert_int_equal(mdc_mdfs_cmap_build(&cm, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, v, len);
    mdc_mdfs_free(out);
    /* Building the same record from its parts gives the Windows bytes. */
    {
        mdc_cmap_record r;
        mdc_cmapfile built = {NULL, 0};
        memset(&r, 0, sizeof(r));
        assert_int_equal(mdc_mdfs_cmap_name_set(&r, windows_name), MDC_MDFS_OK);
        r.flags = MDC_CMAP_FLAG_VALID | MDC_CMAP_FLAG_DEFAULT;
        r.kx_key_bits = 2048;
        assert_int_equal(mdc_mdfs_cmap_set_record(&built, 0, &r), MDC_MDFS_OK);
        assert_int_equal(mdc_mdfs_cmap_build(&built, &out, &out_len), MDC_MDFS_OK);
        assert_int_equal(out_len, 86);
        assert_memory_equal(out, v, 86);
        mdc_mdfs_free(out);
        mdc_mdfs_cmap_clear(&built);
    }
    mdc_mdfs_cmap_clear(&cm);
    free(v);
}

static void test_empty_and_ragged(void **state)
{
    uint8_t buf[86 * 3] = {0};
    mdc_cmapfile cm;
    uint8_t *out = (uint8_t *)1;
    size_t out_len = 99, n;

    (void)state;
    assert_int_equal(mdc_mdfs_cmap_parse(NULL, 0, &cm), MDC_MDFS_OK);
    assert_int_equal(cm.count, 0);
    assert_int_equal(mdc_mdfs_cmap_build(&cm, &out, &out_len), MDC_MDFS_OK);
    assert_null(out);
    assert_int_equal(out_len, 0);
    for (n = 1; n < sizeof(buf); n++) {
        mdc_mdfs_rv want = n % 86 == 0 ? MDC_MDFS_OK
                           : n < 86    ? MDC_MDFS_ERR_TRUNCATED
                                       : MDC_MDFS_ERR_RAGGED;
        assert_int_equal(mdc_mdfs_cmap_parse(buf, n, &cm), want);
        if (want == MDC_MDFS_OK)
            assert_int_equal(cm.count, n / 86);
        else
            assert_int_equal(cm.count, 0);
        mdc_mdfs_cmap_clear(&cm);
    }
    assert_int_equal(mdc_mdfs_cmap_parse(NULL, 86, &cm), MDC_MDFS_ERR_ARGS);
}

static void test_record_cap(void **state)
{
    uint8_t *buf = calloc(128, 86);
    mdc_cmapfile cm;
    size_t idx;
    mdc_cmap_record r;

    (void)state;
    assert_non_null(buf);
    assert_int_equal(mdc_mdfs_cmap_parse(buf, 128 * 86, &cm), MDC_MDFS_ERR_TOO_LARGE);
    /* 127 records, all valid: no free record left (key references end at 0xFF). */
    for (idx = 0; idx < 127; idx++)
        buf[idx * 86 + 80] = MDC_CMAP_FLAG_VALID;
    assert_int_equal(mdc_mdfs_cmap_parse(buf, 127 * 86, &cm), MDC_MDFS_OK);
    assert_int_equal(cm.count, 127);
    assert_int_equal(mdc_mdfs_cmap_find_free(&cm, &idx), MDC_MDFS_ERR_FULL);
    memset(&r, 0, sizeof(r));
    assert_int_equal(mdc_mdfs_cmap_set_record(&cm, 127, &r), MDC_MDFS_ERR_FULL);
    /* Record 126 freed: it is the one to use. */
    assert_int_equal(mdc_mdfs_cmap_free_record(&cm, 126), MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_cmap_find_free(&cm, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 126);
    mdc_mdfs_cmap_clear(&cm);
    /* 126 valid records: append at index 126, then full. */
    assert_int_equal(mdc_mdfs_cmap_parse(buf, 126 * 86, &cm), MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_cmap_find_free(&cm, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 126);
    r.flags = MDC_CMAP_FLAG_VALID;
    assert_int_equal(mdc_mdfs_cmap_set_record(&cm, 126, &r), MDC_MDFS_OK);
    assert_int_equal(cm.count, 127);
    assert_int_equal(mdc_mdfs_cmap_find_free(&cm, &idx), MDC_MDFS_ERR_FULL);
    mdc_mdfs_cmap_clear(&cm);
    free(buf);
}

static void test_free_record_and_default(void **state)
{
    mdc_cmapfile cm = {NULL, 0};
    mdc_cmap_record r;
    size_t idx, i;
    uint8_t *out;
    size_t out_len;

    (void)state;
    assert_int_equal(mdc_mdfs_cmap_find_free(&cm, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(mdc_mdfs_cmap_find_default(&cm, &idx), MDC_MDFS_ERR_NOT_FOUND);
    memset(&r, 0, sizeof(r));
    for (i = 0; i < 3; i++) {
        char name[8] = "cont-0";
        name[5] = (char)('0' + i);
        assert_int_equal(mdc_mdfs_cmap_name_set(&r, name), MDC_MDFS_OK);
        r.flags = MDC_CMAP_FLAG_VALID;
        r.kx_key_bits = 2048;
        assert_int_equal(mdc_mdfs_cmap_set_record(&cm, i, &r), MDC_MDFS_OK);
    }
    assert_int_equal(mdc_mdfs_cmap_set_record(&cm, 5, &r), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cmap_find_free(&cm, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 3);
    assert_int_equal(mdc_mdfs_cmap_set_default(&cm, 1), MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_cmap_find_default(&cm, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 1);
    assert_int_equal(mdc_mdfs_cmap_set_default(&cm, 2), MDC_MDFS_OK);
    assert_int_equal(cm.records[1].flags, MDC_CMAP_FLAG_VALID);
    assert_int_equal(cm.records[2].flags, MDC_CMAP_FLAG_VALID | MDC_CMAP_FLAG_DEFAULT);
    /* Freeing a record zeroes it; the file keeps its length. */
    assert_int_equal(mdc_mdfs_cmap_free_record(&cm, 1), MDC_MDFS_OK);
    assert_int_equal(cm.count, 3);
    assert_int_equal(mdc_mdfs_cmap_find_free(&cm, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 1);
    assert_int_equal(mdc_mdfs_cmap_set_default(&cm, 1), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_mdfs_cmap_set_default(&cm, 3), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cmap_free_record(&cm, 3), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cmap_find_name(&cm, "cont-1", &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_mdfs_cmap_find_name(&cm, "CONT-2", &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 2);
    assert_int_equal(mdc_mdfs_cmap_build(&cm, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, 3 * 86);
    for (i = 86; i < 2 * 86; i++)
        assert_int_equal(out[i], 0);
    assert_int_equal(out[2 * 86 + 80], 0x03);
    assert_int_equal(out[2 * 86 + 84], 0x00);
    assert_int_equal(out[2 * 86 + 85], 0x08);
    mdc_mdfs_free(out);
    mdc_mdfs_cmap_clear(&cm);
}

static void test_key_classification(void **state)
{
    mdc_cmap_record r;

    (void)state;
    memset(&r, 0, sizeof(r));
    r.kx_key_bits = 2048; /* not valid: not a key whatever the sizes say */
    assert_false(mdc_mdfs_cmap_is_key(&r));
    assert_int_equal(mdc_mdfs_cmap_key_spec_of(&r), MDC_CMAP_KEY_NONE);
    r.flags = MDC_CMAP_FLAG_DEFAULT; /* default without valid is not default */
    assert_false(mdc_mdfs_cmap_is_default(&r));
    r.flags = MDC_CMAP_FLAG_VALID;
    r.kx_key_bits = 0; /* valid, both zero: reservation */
    assert_true(mdc_mdfs_cmap_is_reservation(&r));
    assert_false(mdc_mdfs_cmap_is_key(&r));
    r.sig_key_bits = 1024;
    assert_true(mdc_mdfs_cmap_is_key(&r));
    assert_int_equal(mdc_mdfs_cmap_key_spec_of(&r), MDC_CMAP_KEY_SIGNATURE);
    r.kx_key_bits = 1024; /* both: GIDS has one key per container */
    assert_false(mdc_mdfs_cmap_is_key(&r));
    assert_false(mdc_mdfs_cmap_is_reservation(&r));
    assert_int_equal(mdc_mdfs_cmap_key_spec_of(&r), MDC_CMAP_KEY_NONE);
    assert_false(mdc_mdfs_cmap_is_valid(NULL));
}

static void test_names(void **state)
{
    mdc_cmap_record r;
    char out[MDC_CMAP_NAME_UTF8_MAX];
    char small[4];
    const char *longest = "ADAM_ACCOUNT-b204d442-0c8e-4d76-a-36633"; /* 39, from a trace */
    size_t i;

    (void)state;
    memset(&r, 0xee, sizeof(r));
    assert_int_equal(strlen(longest), 39);
    assert_int_equal(mdc_mdfs_cmap_name_set(&r, longest), MDC_MDFS_OK);
    assert_int_equal(r.name[78], 0);
    assert_int_equal(r.name[79], 0);
    assert_int_equal(r.name[0], 'A');
    assert_int_equal(r.name[1], 0);
    assert_int_equal(mdc_mdfs_cmap_name_get(&r, out, sizeof(out)), MDC_MDFS_OK);
    assert_string_equal(out, longest);
    assert_int_equal(mdc_mdfs_cmap_name_set(&r, "ADAM_ACCOUNT-b204d442-0c8e-4d76-a-366334"),
                     MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cmap_name_set(&r, ""), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cmap_name_set(&r, "a\tb"), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cmap_name_set(&r, "bad\xc3"), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_cmap_name_set(&r, "\xc0\xaf"), MDC_MDFS_ERR_ARGS);     /* overlong */
    assert_int_equal(mdc_mdfs_cmap_name_set(&r, "\xed\xa0\x80"), MDC_MDFS_ERR_ARGS); /* surrogate */
    /* Non-ASCII: e-acute (1 unit) and U+1F511 (surrogate pair). */
    assert_int_equal(mdc_mdfs_cmap_name_set(&r, "cl\xc3\xa9-\xf0\x9f\x94\x91"), MDC_MDFS_OK);
    assert_int_equal(r.name[4], 0xe9);
    assert_int_equal(r.name[5], 0x00);
    assert_int_equal(r.name[8], 0x3d);
    assert_int_equal(r.name[9], 0xd8);
    assert_int_equal(r.name[10], 0x11);
    assert_int_equal(r.name[11], 0xdd);
    assert_int_equal(mdc_mdfs_cmap_name_get(&r, out, sizeof(out)), MDC_MDFS_OK);
    assert_string_equal(out, "cl\xc3\xa9-\xf0\x9f\x94\x91");
    assert_int_equal(mdc_mdfs_cmap_name_get(&r, small, sizeof(small)), MDC_MDFS_ERR_TOO_LARGE);
    assert_string_equal(small, "cl");
    /* 40 units without NUL and a lone surrogate: bounded read, U+FFFD. */
    for (i = 0; i < 40; i++) {
        r.name[2 * i] = 'x';
        r.name[2 * i + 1] = 0;
    }
    r.name[0] = 0x00;
    r.name[1] = 0xdc;
    assert_int_equal(mdc_mdfs_cmap_name_get(&r, out, sizeof(out)), MDC_MDFS_OK);
    assert_int_equal(strlen(out), 3 + 39);
    assert_memory_equal(out, "\xef\xbf\xbdxxx", 6);
    /* Worst case: 40 units of U+20AC, no NUL: 120 bytes of UTF-8 fit the documented size. */
    for (i = 0; i < 40; i++) {
        r.name[2 * i] = 0xac;
        r.name[2 * i + 1] = 0x20;
    }
    assert_int_equal(mdc_mdfs_cmap_name_get(&r, out, sizeof(out)), MDC_MDFS_OK);
    assert_int_equal(strlen(out), 120);
    assert_memory_equal(out + 117, "\xe2\x82\xac", 3);
}

static void test_guid_format(void **state)
{
    const uint8_t zero[16] = {0};
    const uint8_t ff[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                            0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    char s[MDC_GUID_STR_SIZE];

    (void)state;
    mdc_mdfs_guid_format(zero, s);
    assert_string_equal(s, "00000000-0000-4000-8000-000000000000");
    mdc_mdfs_guid_format(ff, s);
    assert_string_equal(s, "ffffffff-ffff-4fff-bfff-ffffffffffff");
}

static void test_guid_new_name(void **state)
{
    mdc_cmapfile cm = {NULL, 0};
    mdc_cmap_record r;
    char a[MDC_GUID_STR_SIZE], b[MDC_GUID_STR_SIZE];
    size_t i, idx;

    (void)state;
    assert_int_equal(mdc_mdfs_guid_new_name(&cm, a), MDC_MDFS_OK);
    assert_int_equal(strlen(a), 36);
    for (i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23)
            assert_int_equal(a[i], '-');
        else
            assert_true((a[i] >= '0' && a[i] <= '9') || (a[i] >= 'a' && a[i] <= 'f'));
    }
    assert_int_equal(a[14], '4');
    memset(&r, 0, sizeof(r));
    assert_int_equal(mdc_mdfs_cmap_name_set(&r, a), MDC_MDFS_OK);
    r.flags = MDC_CMAP_FLAG_VALID;
    assert_int_equal(mdc_mdfs_cmap_set_record(&cm, 0, &r), MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_guid_new_name(&cm, b), MDC_MDFS_OK);
    assert_string_not_equal(a, b);
    assert_int_equal(mdc_mdfs_cmap_find_name(&cm, a, &idx), MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_cmap_find_name(&cm, b, &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_mdfs_guid_new_name(NULL, b), MDC_MDFS_ERR_ARGS);
    mdc_mdfs_cmap_clear(&cm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_windows_record),     cmocka_unit_test(test_empty_and_ragged),
        cmocka_unit_test(test_record_cap),         cmocka_unit_test(test_free_record_and_default),
        cmocka_unit_test(test_key_classification), cmocka_unit_test(test_names),
        cmocka_unit_test(test_guid_format),        cmocka_unit_test(test_guid_new_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
