/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/gids/mft.c: the GIDS master file table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "gids/mft.h"
#include "vectors/vectors.h"

static void test_initial_vector(void **state)
{
    size_t len, out_len, idx;
    uint8_t *v = vec_load("mft_initial.hex", &len), *out;
    mdc_gids_mft t;
    char dir[10], file[10];

    (void)state;
    assert_non_null(v);
    assert_int_equal(len, 141);
    assert_int_equal(mdc_gids_mft_parse(v, len, &t), MDC_MDFS_OK);
    assert_int_equal(t.count, 5);
    mdc_gids_mft_names(&t.records[0], dir, file);
    assert_string_equal(dir, "mscp");
    assert_string_equal(file, "");
    assert_int_equal(t.records[0].ef, 0xA000);
    assert_int_equal(t.records[0].tag, 0);
    assert_int_equal(mdc_gids_mft_find(&t, "", "cardid", &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 1);
    assert_int_equal(t.records[1].tag, 0xDF20);
    assert_int_equal(t.records[1].ef, 0xA012);
    assert_int_equal(mdc_gids_mft_find(&t, NULL, "CardCF", &idx), MDC_MDFS_OK);
    assert_int_equal(t.records[idx].tag, 0xDF22);
    assert_int_equal(mdc_gids_mft_find(&t, "MSCP", "CMAPFILE", &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 4);
    assert_int_equal(t.records[4].tag, 0xDF23);
    assert_int_equal(t.records[4].ef, 0xA010);
    assert_int_equal(mdc_gids_mft_find(&t, "mscp", NULL, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 0);
    assert_int_equal(mdc_gids_mft_find(&t, "", "cmapfile", &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_gids_mft_find(&t, "mscp", "msroots", &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_gids_mft_find(&t, "", "cardi", &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_gids_mft_find_location(&t, 0xA010, 0xDF21, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 2);
    assert_int_equal(mdc_gids_mft_build(&t, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, v, len);
    mdc_mdfs_free(out);
    mdc_gids_mft_clear(&t);
    /* The built-in initial table is the same 141 bytes. */
    assert_int_equal(mdc_gids_mft_initial(&t), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_build(&t, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, v, len);
    mdc_mdfs_free(out);
    mdc_gids_mft_clear(&t);
    free(v);
}

/* Adding mscp/msroots to the initial table gives Windows' 169-byte table. */
static void test_add_msroots(void **state)
{
    size_t len, out_len, idx;
    uint8_t *v = vec_load("mft_with_msroots.hex", &len), *out;
    mdc_gids_mft t;
    uint32_t tag;

    (void)state;
    assert_non_null(v);
    assert_int_equal(len, 169);
    assert_int_equal(mdc_gids_mft_initial(&t), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_free_tag(&t, MDC_GIDS_EF_USER, &tag), MDC_MDFS_OK);
    assert_int_equal(tag, 0xDF24);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "msroots", MDC_GIDS_EF_USER, tag), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_build(&t, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, v, len);
    mdc_mdfs_free(out);
    assert_int_equal(mdc_gids_mft_free_tag(&t, MDC_GIDS_EF_USER, &tag), MDC_MDFS_OK);
    assert_int_equal(tag, 0xDF25);
    /* Same name in another case, or the same location: refused. */
    assert_int_equal(mdc_gids_mft_add(&t, "MSCP", "MSRoots", MDC_GIDS_EF_USER, 0xDF30),
                     MDC_MDFS_ERR_EXISTS);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "kxc00", MDC_GIDS_EF_USER, 0xDF24),
                     MDC_MDFS_ERR_EXISTS);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "kxc00", 0xA011, 0xDF24), MDC_MDFS_OK);
    /* Name rules for writers. */
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "ninechars", MDC_GIDS_EF_USER, 0xDF40),
                     MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "", MDC_GIDS_EF_USER, 0xDF40), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_gids_mft_add(&t, "ms/cp", "x", MDC_GIDS_EF_USER, 0xDF40),
                     MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "a b", MDC_GIDS_EF_USER, 0xDF40),
                     MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "x", MDC_GIDS_EF_USER, 0), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "x", MDC_GIDS_EF_USER, 0x10000),
                     MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "eightchr", MDC_GIDS_EF_USER, 0xDF40),
                     MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_find(&t, "mscp", "EIGHTCHR", &idx), MDC_MDFS_OK);
    assert_int_equal(t.records[idx].file[8], 0);
    mdc_gids_mft_clear(&t);
    free(v);
}

static void test_remove_and_repoint(void **state)
{
    size_t len, out_len, idx;
    uint8_t *v = vec_load("mft_with_msroots.hex", &len), *out;
    uint8_t *init = NULL;
    size_t init_len;
    mdc_gids_mft t;

    (void)state;
    assert_non_null(v);
    assert_int_equal(mdc_gids_mft_parse(v, len, &t), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "kxc00", MDC_GIDS_EF_USER, 0xDF25), MDC_MDFS_OK);
    /* Copy-on-write replacement: point kxc00 at DF26. */
    assert_int_equal(mdc_gids_mft_repoint(&t, "mscp", "KXC00", MDC_GIDS_EF_USER, 0xDF26),
                     MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_find(&t, "mscp", "kxc00", &idx), MDC_MDFS_OK);
    assert_int_equal(t.records[idx].tag, 0xDF26);
    assert_int_equal(mdc_gids_mft_repoint(&t, "mscp", "kxc00", MDC_GIDS_EF_USER, 0xDF24),
                     MDC_MDFS_ERR_EXISTS); /* msroots lives there */
    assert_int_equal(mdc_gids_mft_repoint(&t, "mscp", "kxc00", MDC_GIDS_EF_USER, 0xDF26),
                     MDC_MDFS_OK); /* its own location: no-op */
    assert_int_equal(mdc_gids_mft_repoint(&t, "mscp", "kxc01", MDC_GIDS_EF_USER, 0xDF27),
                     MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_gids_mft_repoint(&t, "mscp", NULL, MDC_GIDS_EF_USER, 0xDF27),
                     MDC_MDFS_ERR_ARGS);
    /* Removing shifts the records after it down. */
    assert_int_equal(mdc_gids_mft_remove(&t, "mscp", "msroots"), MDC_MDFS_OK);
    assert_int_equal(t.count, 6);
    assert_int_equal(mdc_gids_mft_find(&t, "mscp", "kxc00", &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 5);
    assert_int_equal(mdc_gids_mft_remove(&t, "mscp", "msroots"), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_gids_mft_remove(&t, "mscp", ""), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_gids_mft_remove(&t, "mscp", "kxc00"), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_build(&t, &out, &out_len), MDC_MDFS_OK);
    init = vec_load("mft_initial.hex", &init_len);
    assert_non_null(init);
    assert_int_equal(out_len, init_len);
    assert_memory_equal(out, init, init_len);
    mdc_mdfs_free(out);
    free(init);
    mdc_gids_mft_clear(&t);
    free(v);
}

static void test_free_tag(void **state)
{
    mdc_gids_mft t;
    uint32_t tag, i;

    (void)state;
    assert_int_equal(mdc_gids_mft_initial(&t), MDC_MDFS_OK);
    /* Gaps are filled lowest first; tags used in other EFs do not count. */
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "a", MDC_GIDS_EF_USER, 0xDF25), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "b", 0xA013, 0xDF24), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_free_tag(&t, MDC_GIDS_EF_USER, &tag), MDC_MDFS_OK);
    assert_int_equal(tag, 0xDF24);
    assert_int_equal(mdc_gids_mft_free_tag(&t, 0xA013, &tag), MDC_MDFS_OK);
    assert_int_equal(tag, 0xDF25);
    mdc_gids_mft_clear(&t);
    /* Fill DF24..DFFD: DFFE is the last one; then full. */
    assert_int_equal(mdc_gids_mft_initial(&t), MDC_MDFS_OK);
    for (i = 0xDF24; i < 0xDFFE; i++) {
        char name[9];
        snprintf(name, sizeof(name), "f%04x", (unsigned)i);
        assert_int_equal(mdc_gids_mft_add(&t, "mscp", name, MDC_GIDS_EF_USER, i), MDC_MDFS_OK);
    }
    assert_int_equal(mdc_gids_mft_free_tag(&t, MDC_GIDS_EF_USER, &tag), MDC_MDFS_OK);
    assert_int_equal(tag, 0xDFFE);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "last", MDC_GIDS_EF_USER, 0xDFFE), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_free_tag(&t, MDC_GIDS_EF_USER, &tag), MDC_MDFS_ERR_FULL);
    mdc_gids_mft_clear(&t);
}

static void test_hostile(void **state)
{
    size_t len, n;
    uint8_t *v = vec_load("mft_initial.hex", &len);
    mdc_gids_mft t;
    uint8_t *big;
    char dir[10], file[10];
    size_t idx;

    (void)state;
    assert_non_null(v);
    assert_int_equal(mdc_gids_mft_parse(v, 0, &t), MDC_MDFS_ERR_TRUNCATED);
    for (n = 2; n < len; n++) {
        if ((n - 1) % 28 != 0)
            assert_int_equal(mdc_gids_mft_parse(v, n, &t),
                             n < 29 ? MDC_MDFS_ERR_TRUNCATED : MDC_MDFS_ERR_RAGGED);
    }
    assert_int_equal(mdc_gids_mft_parse(v, 1, &t), MDC_MDFS_OK); /* version only: no records */
    assert_int_equal(t.count, 0);
    v[0] = 0x02;
    assert_int_equal(mdc_gids_mft_parse(v, len, &t), MDC_MDFS_ERR_VERSION);
    v[0] = 0x01;
    /* Names filling all 9 bytes (no NUL): read within the field, never matched by 8-char names. */
    memset(v + 1 + 28 + 9, 'Z', 9);
    assert_int_equal(mdc_gids_mft_parse(v, len, &t), MDC_MDFS_OK);
    mdc_gids_mft_names(&t.records[1], dir, file);
    assert_string_equal(file, "ZZZZZZZZZ");
    assert_int_equal(mdc_gids_mft_find(&t, "", "zzzzzzzz", &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_gids_mft_find(&t, "", "zzzzzzzzz", &idx), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_find(&t, "", "zzzzzzzzzz", &idx), MDC_MDFS_ERR_NOT_FOUND);
    mdc_gids_mft_clear(&t);
    big = calloc(1, 1 + 28 * (MDC_GIDS_MFT_MAX_RECORDS + 1));
    assert_non_null(big);
    big[0] = 1;
    assert_int_equal(mdc_gids_mft_parse(big, 1 + 28 * MDC_GIDS_MFT_MAX_RECORDS, &t), MDC_MDFS_OK);
    mdc_gids_mft_clear(&t);
    assert_int_equal(mdc_gids_mft_parse(big, 1 + 28 * (MDC_GIDS_MFT_MAX_RECORDS + 1), &t),
                     MDC_MDFS_ERR_TOO_LARGE);
    free(big);
    free(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_initial_vector),
        cmocka_unit_test(test_add_msroots),
        cmocka_unit_test(test_remove_and_repoint),
        cmocka_unit_test(test_free_tag),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
