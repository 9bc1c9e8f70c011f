/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Slot table: one slot per reader, IDs stable while loaded (a returning
 * reader gets its old ID), presence flags, errors for empty/unknown slots.
 * PC/SC is faked with -Wl,--wrap (tests/unit/extra.cmake).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <winscard.h>

#include "fake_readers.h"
#include "pkcs11/p11.h"

/* Readers currently "plugged in": NUL-separated names, and which hold a card. */
static void plug(const char *a, bool ca, const char *b, bool cb, const char *c, bool cc)
{
    const char *const names[3] = {a, b, c};
    const bool present[3] = {ca, cb, cc};

    fake_readers_plug(names, present, 3);
}

static CK_ULONG list(CK_BBOOL present, CK_SLOT_ID *ids, CK_ULONG max)
{
    CK_ULONG n = 0;

    assert_int_equal(mdc_p11_slot_list(present, NULL, &n), CKR_OK);
    assert_true(n <= max);
    assert_int_equal(mdc_p11_slot_list(present, ids, &n), CKR_OK);
    return n;
}

static void test_stable_ids(void **state)
{
    CK_SLOT_ID ids[4];
    CK_SLOT_INFO si;
    CK_TOKEN_INFO ti;
    CK_ULONG n;

    (void)state;
    assert_int_equal(mdc_p11_initialize(NULL), CKR_OK);
    plug("Reader A", false, "Reader B", true, NULL, false);
    assert_int_equal(list(CK_FALSE, ids, 4), 2);
    assert_int_equal(ids[0], 0);
    assert_int_equal(ids[1], 1);
    /* only B holds a card */
    assert_int_equal(list(CK_TRUE, ids, 4), 1);
    assert_int_equal(ids[0], 1);

    assert_int_equal(mdc_p11_slot_info(0, &si), CKR_OK);
    assert_int_equal(si.flags, CKF_REMOVABLE_DEVICE | CKF_HW_SLOT);
    assert_memory_equal(si.slotDescription, "Reader A ", 9);
    assert_int_equal(mdc_p11_slot_info(1, &si), CKR_OK);
    assert_int_equal(si.flags, CKF_REMOVABLE_DEVICE | CKF_HW_SLOT | CKF_TOKEN_PRESENT);
    assert_int_equal(mdc_p11_token_info(0, &ti), CKR_TOKEN_NOT_PRESENT);
    assert_int_equal(mdc_p11_slot_info(7, &si), CKR_SLOT_ID_INVALID);

    /* too small a buffer: CKR_BUFFER_TOO_SMALL and the count */
    n = 1;
    assert_int_equal(mdc_p11_slot_list(CK_FALSE, ids, &n), CKR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 2);

    /* A leaves: its ID disappears, B keeps 1 */
    plug("Reader B", true, NULL, false, NULL, false);
    assert_int_equal(list(CK_FALSE, ids, 4), 1);
    assert_int_equal(ids[0], 1);
    assert_int_equal(mdc_p11_slot_info(0, &si), CKR_SLOT_ID_INVALID);

    /* C is new (ID 2), A comes back with its old ID 0 */
    plug("Reader C", false, "Reader A", true, "Reader B", true);
    assert_int_equal(list(CK_FALSE, ids, 4), 3);
    assert_int_equal(ids[0], 0);
    assert_int_equal(ids[1], 1);
    assert_int_equal(ids[2], 2);
    assert_int_equal(mdc_p11_slot_info(2, &si), CKR_OK);
    assert_memory_equal(si.slotDescription, "Reader C ", 9);

    /* every reader gone */
    plug(NULL, false, NULL, false, NULL, false);
    assert_int_equal(list(CK_FALSE, ids, 4), 0);
    assert_int_equal(mdc_p11_finalize(), CKR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stable_ids),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
