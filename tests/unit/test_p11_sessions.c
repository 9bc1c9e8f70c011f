/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Sessions and what needs no card: C_OpenSession argument and token checks,
 * C_GetSessionInfo states, closing, slot events (insertion, removal, new
 * reader; removal closes the slot's sessions) and the digest operations
 * with the PKCS#11 length protocol. PC/SC is faked with -Wl,--wrap
 * (tests/unit/extra.cmake), as in test_p11_slots.
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

static void plug(const char *a, bool ca, const char *b, bool cb)
{
    const char *const names[2] = {a, b};
    const bool present[2] = {ca, cb};

    fake_readers_plug(names, present, 2);
}

static int init(void **state)
{
    CK_ULONG n = 0;

    (void)state;
    plug("Reader A", true, "Reader B", false);
    assert_int_equal(mdc_p11_initialize(NULL), CKR_OK);
    assert_int_equal(mdc_p11_slot_list(CK_FALSE, NULL, &n), CKR_OK);
    assert_int_equal(n, 2);
    return 0;
}

static int fini(void **state)
{
    (void)state;
    assert_int_equal(mdc_p11_finalize(), CKR_OK);
    return 0;
}

static void test_open_close(void **state)
{
    CK_SESSION_HANDLE ro, rw, h;
    CK_SESSION_INFO si;
    CK_ULONG all, nrw;

    (void)state;
    assert_int_equal(mdc_p11_open_session(9, CKF_SERIAL_SESSION, &h), CKR_SLOT_ID_INVALID);
    assert_int_equal(mdc_p11_open_session(0, 0, &h), CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    assert_int_equal(mdc_p11_open_session(1, CKF_SERIAL_SESSION, &h), CKR_TOKEN_NOT_PRESENT);
    assert_int_equal(mdc_p11_open_session(0, CKF_SERIAL_SESSION, &ro), CKR_OK);
    assert_int_equal(mdc_p11_open_session(0, CKF_SERIAL_SESSION | CKF_RW_SESSION, &rw), CKR_OK);
    assert_true(ro != CK_INVALID_HANDLE && rw != CK_INVALID_HANDLE && ro != rw);

    assert_int_equal(mdc_p11_session_info(ro, &si), CKR_OK);
    assert_int_equal(si.state, CKS_RO_PUBLIC_SESSION);
    assert_int_equal(si.slotID, 0);
    assert_int_equal(si.flags, CKF_SERIAL_SESSION);
    assert_int_equal(mdc_p11_session_info(rw, &si), CKR_OK);
    assert_int_equal(si.state, CKS_RW_PUBLIC_SESSION);
    mdc_p11_session_count(0, &all, &nrw);
    assert_int_equal(all, 2);
    assert_int_equal(nrw, 1);

    /* Writes are the write side's; a read-only session says so first. */
    assert_int_equal(mdc_p11_write_not_supported(ro), CKR_SESSION_READ_ONLY);
    assert_int_equal(mdc_p11_write_not_supported(rw), CKR_FUNCTION_NOT_SUPPORTED);

    assert_int_equal(mdc_p11_close_session(ro), CKR_OK);
    assert_int_equal(mdc_p11_close_session(ro), CKR_SESSION_HANDLE_INVALID);
    assert_int_equal(mdc_p11_session_info(ro, &si), CKR_SESSION_HANDLE_INVALID);
    assert_int_equal(mdc_p11_close_all_sessions(0), CKR_OK);
    assert_int_equal(mdc_p11_session_info(rw, &si), CKR_SESSION_HANDLE_INVALID);
    assert_int_equal(mdc_p11_close_all_sessions(5), CKR_SLOT_ID_INVALID);
}

static void test_slot_events(void **state)
{
    CK_SESSION_HANDLE h;
    CK_SESSION_INFO si;
    CK_SLOT_ID id = 99;
    CK_ULONG n = 0;

    (void)state;
    assert_int_equal(mdc_p11_wait_for_slot_event(CKF_DONT_BLOCK, &id), CKR_NO_EVENT);
    assert_int_equal(mdc_p11_open_session(0, CKF_SERIAL_SESSION, &h), CKR_OK);

    /* A card arrives in B. */
    plug("Reader A", true, "Reader B", true);
    assert_int_equal(mdc_p11_wait_for_slot_event(CKF_DONT_BLOCK, &id), CKR_OK);
    assert_int_equal(id, 1);
    assert_int_equal(mdc_p11_wait_for_slot_event(CKF_DONT_BLOCK, &id), CKR_NO_EVENT);

    /* A new reader: an event, with the next slot ID. */
    {
        const char *const names[3] = {"Reader A", "Reader B", "Reader C"};
        const bool present[3] = {true, true, false};
        fake_readers_plug(names, present, 3);
    }
    assert_int_equal(mdc_p11_wait_for_slot_event(CKF_DONT_BLOCK, &id), CKR_OK);
    assert_int_equal(id, 2);
    assert_int_equal(mdc_p11_slot_list(CK_FALSE, NULL, &n), CKR_OK);
    assert_int_equal(n, 3);

    /* The card leaves A: an event (even without blocking, the same call),
     * and the session of that card is gone. */
    {
        const char *const names[3] = {"Reader A", "Reader B", "Reader C"};
        const bool present[3] = {false, true, false};
        fake_readers_plug(names, present, 3);
    }
    assert_int_equal(mdc_p11_wait_for_slot_event(0, &id), CKR_OK);
    assert_int_equal(id, 0);
    assert_int_equal(mdc_p11_session_info(h, &si), CKR_SESSION_HANDLE_INVALID);
    assert_int_equal(mdc_p11_open_session(0, CKF_SERIAL_SESSION, &h), CKR_TOKEN_NOT_PRESENT);
}

static void test_digest(void **state)
{
    static const CK_BYTE sha256_abc[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
                                           0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                                           0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
                                           0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
    CK_MECHANISM sha256 = {CKM_SHA256, NULL, 0}, md5 = {CKM_MD5, NULL, 0};
    CK_BYTE out[64];
    CK_ULONG n;
    CK_SESSION_HANDLE h;

    (void)state;
    assert_int_equal(mdc_p11_open_session(0, CKF_SERIAL_SESSION, &h), CKR_OK);
    assert_int_equal(mdc_p11_digest_op(h, (CK_BYTE_PTR) "abc", 3, out, &n),
                     CKR_OPERATION_NOT_INITIALIZED);
    assert_int_equal(mdc_p11_digest_init_op(h, &md5), CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_digest_init_op(h, &sha256), CKR_OK);
    assert_int_equal(mdc_p11_digest_init_op(h, &sha256), CKR_OPERATION_ACTIVE);
    /* Length query, then a short buffer: the operation stays active. */
    n = 0;
    assert_int_equal(mdc_p11_digest_op(h, (CK_BYTE_PTR) "abc", 3, NULL, &n), CKR_OK);
    assert_int_equal(n, 32);
    n = 31;
    assert_int_equal(mdc_p11_digest_op(h, (CK_BYTE_PTR) "abc", 3, out, &n), CKR_BUFFER_TOO_SMALL);
    assert_int_equal(n, 32);
    n = sizeof(out);
    assert_int_equal(mdc_p11_digest_op(h, (CK_BYTE_PTR) "abc", 3, out, &n), CKR_OK);
    assert_int_equal(n, 32);
    assert_memory_equal(out, sha256_abc, 32);
    assert_int_equal(mdc_p11_digest_op(h, (CK_BYTE_PTR) "abc", 3, out, &n),
                     CKR_OPERATION_NOT_INITIALIZED);

    /* Multi-part gives the same digest; a one-part call in between is refused. */
    assert_int_equal(mdc_p11_digest_init_op(h, &sha256), CKR_OK);
    assert_int_equal(mdc_p11_digest_update_op(h, (CK_BYTE_PTR) "a", 1), CKR_OK);
    assert_int_equal(mdc_p11_digest_op(h, (CK_BYTE_PTR) "bc", 2, out, &n), CKR_OPERATION_ACTIVE);
    assert_int_equal(mdc_p11_digest_update_op(h, (CK_BYTE_PTR) "bc", 2), CKR_OK);
    n = 4;
    assert_int_equal(mdc_p11_digest_final_op(h, out, &n), CKR_BUFFER_TOO_SMALL);
    n = sizeof(out);
    memset(out, 0, sizeof(out));
    assert_int_equal(mdc_p11_digest_final_op(h, out, &n), CKR_OK);
    assert_memory_equal(out, sha256_abc, 32);
    assert_int_equal(mdc_p11_digest_final_op(h, out, &n), CKR_OPERATION_NOT_INITIALIZED);
    assert_int_equal(mdc_p11_close_session(h), CKR_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_close, init, fini),
        cmocka_unit_test_setup_teardown(test_slot_events, init, fini),
        cmocka_unit_test_setup_teardown(test_digest, init, fini),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
