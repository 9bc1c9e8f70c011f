/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Token identity: serial from cardid, label, flags from card and PIN state. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "token/token.h"

static const uint8_t cardid[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                   0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};

static void test_serial(void **state)
{
    char s[17];

    (void)state;
    mdc_tok_serial_from_cardid(cardid, sizeof(cardid), s);
    assert_string_equal(s, "8899aabbccddeeff");
    mdc_tok_serial_from_cardid(cardid, 4, s);
    assert_string_equal(s, "00112233");
    mdc_tok_serial_from_cardid(NULL, 0, s);
    assert_string_equal(s, "");
}

static void test_initialized_card(void **state)
{
    struct mdc_card_info ci = {
        .model = "GIDS", .version_major = 2, .version_minor = 1, .fs_present = true};
    struct mdc_pin_info pin = {true, 3, 3};
    CK_TOKEN_INFO ti;

    (void)state;
    mdc_tok_fill_info(&ci, cardid, sizeof(cardid), &pin, &ti);
    assert_memory_equal(ti.label, "GIDS 8899aabbccddeeff           ", 32);
    assert_memory_equal(ti.serialNumber, "8899aabbccddeeff", 16);
    assert_memory_equal(ti.manufacturerID, "mdcard                          ", 32);
    assert_memory_equal(ti.model, "GIDS            ", 16);
    assert_int_equal(ti.flags,
                     CKF_LOGIN_REQUIRED | CKF_USER_PIN_INITIALIZED | CKF_TOKEN_INITIALIZED);
    assert_int_equal(ti.ulMaxPinLen, 48);
    assert_int_equal(ti.ulMinPinLen, 4);
    assert_int_equal(ti.ulMaxSessionCount, CK_EFFECTIVELY_INFINITE);
    assert_int_equal(ti.ulSessionCount, CK_UNAVAILABLE_INFORMATION);
    assert_int_equal(ti.ulFreePublicMemory, CK_UNAVAILABLE_INFORMATION);
    assert_int_equal(ti.hardwareVersion.major, 2);
    assert_int_equal(ti.hardwareVersion.minor, 1);
}

static void test_pin_flags(void **state)
{
    struct mdc_card_info ci = {.model = "GIDS", .fs_present = true};
    struct mdc_pin_info pin = {true, 2, 3};
    CK_TOKEN_INFO ti;

    (void)state;
    mdc_tok_fill_info(&ci, cardid, sizeof(cardid), &pin, &ti);
    assert_true(ti.flags & CKF_USER_PIN_COUNT_LOW);
    assert_false(ti.flags & (CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED));
    pin.tries_left = 1;
    mdc_tok_fill_info(&ci, cardid, sizeof(cardid), &pin, &ti);
    assert_true(ti.flags & CKF_USER_PIN_FINAL_TRY);
    assert_false(ti.flags & CKF_USER_PIN_LOCKED);
    pin.tries_left = 0;
    mdc_tok_fill_info(&ci, cardid, sizeof(cardid), &pin, &ti);
    assert_true(ti.flags & CKF_USER_PIN_LOCKED);
    pin.tries_known = false;
    mdc_tok_fill_info(&ci, cardid, sizeof(cardid), &pin, &ti);
    assert_false(ti.flags &
                 (CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_LOCKED));
}

static void test_blank_card(void **state)
{
    struct mdc_card_info ci = {.model = "GIDS", .fs_present = false};
    CK_TOKEN_INFO ti;

    (void)state;
    mdc_tok_fill_info(&ci, NULL, 0, NULL, &ti);
    assert_false(ti.flags & CKF_TOKEN_INITIALIZED);
    assert_false(ti.flags & CKF_USER_PIN_INITIALIZED);
    assert_true(ti.flags & CKF_LOGIN_REQUIRED);
    assert_memory_equal(ti.label, "GIDS blank card                 ", 32);
    assert_memory_equal(ti.serialNumber, "                ", 16);
}

static void test_initialized_without_cardid(void **state)
{
    struct mdc_card_info ci = {.model = "GIDS", .fs_present = true};
    CK_TOKEN_INFO ti;

    (void)state;
    mdc_tok_fill_info(&ci, NULL, 0, NULL, &ti);
    assert_true(ti.flags & CKF_TOKEN_INITIALIZED);
    assert_memory_equal(ti.label, "GIDS card without cardid        ", 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_serial),
        cmocka_unit_test(test_initialized_card),
        cmocka_unit_test(test_pin_flags),
        cmocka_unit_test(test_blank_card),
        cmocka_unit_test(test_initialized_without_cardid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
