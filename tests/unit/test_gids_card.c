/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GIDS card edge: SW → CK_RV mapping and the pure response parsers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "gids/gids.h"

static CK_RV sw(uint16_t w, enum mdc_card_op op)
{
    return mdc_gids_rv((mdc_card_rc){w == 0x9000 ? MDC_CARD_OK : MDC_CARD_SW, w}, op);
}

static void test_sw_mapping(void **state)
{
    (void)state;
    assert_int_equal(sw(0x9000, MDC_CARD_OP_READ), CKR_OK);
    assert_int_equal(sw(0x63C2, MDC_CARD_OP_PIN), CKR_PIN_INCORRECT);
    assert_int_equal(sw(0x63C0, MDC_CARD_OP_PIN), CKR_PIN_LOCKED);
    assert_int_equal(sw(0x6983, MDC_CARD_OP_PIN), CKR_PIN_LOCKED);
    assert_int_equal(sw(0x6982, MDC_CARD_OP_READ), CKR_USER_NOT_LOGGED_IN);
    assert_int_equal(sw(0x6700, MDC_CARD_OP_PIN), CKR_PIN_LEN_RANGE);
    assert_int_equal(sw(0x6700, MDC_CARD_OP_CRYPTO), CKR_DATA_LEN_RANGE);
    assert_int_equal(sw(0x6A80, MDC_CARD_OP_CRYPTO), CKR_ENCRYPTED_DATA_INVALID);
    assert_int_equal(sw(0x6A84, MDC_CARD_OP_READ), CKR_DEVICE_MEMORY);
    assert_int_equal(sw(0x6A81, MDC_CARD_OP_CRYPTO), CKR_FUNCTION_NOT_SUPPORTED);
    assert_int_equal(sw(0x6A82, MDC_CARD_OP_READ), CKR_DEVICE_ERROR);
    assert_int_equal(sw(0x6D00, MDC_CARD_OP_READ), CKR_DEVICE_ERROR);
    /* unknown status words */
    assert_int_equal(sw(0x1234, MDC_CARD_OP_READ), CKR_DEVICE_ERROR);
    assert_int_equal(sw(0x6F12, MDC_CARD_OP_READ), CKR_DEVICE_ERROR);
}

static void test_status_mapping(void **state)
{
    (void)state;
    assert_int_equal(mdc_gids_rv((mdc_card_rc){MDC_CARD_NOT_THIS_EDGE, 0x6A82}, MDC_CARD_OP_READ),
                     CKR_TOKEN_NOT_RECOGNIZED);
    assert_int_equal(mdc_gids_rv((mdc_card_rc){MDC_CARD_NO_CARD, 0}, MDC_CARD_OP_READ),
                     CKR_TOKEN_NOT_PRESENT);
    assert_int_equal(mdc_gids_rv((mdc_card_rc){MDC_CARD_REMOVED, 0}, MDC_CARD_OP_READ),
                     CKR_DEVICE_REMOVED);
    assert_int_equal(mdc_gids_rv((mdc_card_rc){MDC_CARD_NOMEM, 0}, MDC_CARD_OP_READ),
                     CKR_HOST_MEMORY);
    assert_int_equal(mdc_gids_rv((mdc_card_rc){MDC_CARD_BAD_RESPONSE, 0x9000}, MDC_CARD_OP_READ),
                     CKR_DEVICE_ERROR);
    assert_int_equal(mdc_gids_rv((mdc_card_rc){MDC_CARD_ARGS, 0}, MDC_CARD_OP_READ),
                     CKR_GENERAL_ERROR);
    /* transport errors carry through */
    assert_int_equal(mdc_gids_rc_from_pcsc((struct mdc_pcsc_res){MDC_PCSC_RESET, 0}).status,
                     MDC_CARD_RESET);
    assert_int_equal(mdc_gids_rc_from_pcsc((struct mdc_pcsc_res){MDC_PCSC_OK, 0x6A88}).status,
                     MDC_CARD_SW);
}

static void test_fci(void **state)
{
    const uint8_t fci[] = {0x61, 0x12, 0x4F, 0x0B, 0xA0, 0x00, 0x00, 0x03, 0x97, 0x42,
                           0x54, 0x46, 0x59, 0x02, 0x01, 0x73, 0x03, 0x40, 0x01, 0xC0};
    const uint8_t no4f[] = {0x61, 0x05, 0x73, 0x03, 0x40, 0x01, 0xC0};
    const uint8_t junk[] = {0x61, 0x30, 0x4F};
    uint8_t aid[MDC_GIDS_AID_MAX];
    size_t n = 99;

    (void)state;
    assert_true(mdc_gids_parse_fci(fci, sizeof(fci), aid, &n));
    assert_int_equal(n, 11);
    assert_int_equal(aid[9], 0x02);
    assert_int_equal(aid[10], 0x01);
    assert_false(mdc_gids_parse_fci(no4f, sizeof(no4f), aid, &n));
    assert_int_equal(n, 0);
    assert_false(mdc_gids_parse_fci(junk, sizeof(junk), aid, &n));
    assert_false(mdc_gids_parse_fci(NULL, 0, aid, &n));
}

static void test_get_data_response(void **state)
{
    const uint8_t cardcf[] = {0xDF, 0x22, 0x06, 0, 0, 1, 0, 3, 0};
    const uint8_t empty[] = {0xDF, 0x24, 0x00};
    const uint8_t wrong_tag[] = {0xDF, 0x21, 0x01, 0x00};
    const uint8_t short_value[] = {0xDF, 0x22, 0x06, 0, 0};
    struct mdc_tlv t;

    (void)state;
    assert_int_equal(mdc_gids_parse_do(cardcf, sizeof(cardcf), 0xDF22, &t).status, MDC_CARD_OK);
    assert_int_equal(t.len, 6);
    assert_int_equal(t.value[2], 1);
    /* present but empty is OK with length 0 (absent is SW 6A88, handled earlier) */
    assert_int_equal(mdc_gids_parse_do(empty, sizeof(empty), 0xDF24, &t).status, MDC_CARD_OK);
    assert_int_equal(t.len, 0);
    assert_int_equal(mdc_gids_parse_do(wrong_tag, sizeof(wrong_tag), 0xDF22, &t).status,
                     MDC_CARD_BAD_RESPONSE);
    assert_int_equal(mdc_gids_parse_do(short_value, sizeof(short_value), 0xDF22, &t).status,
                     MDC_CARD_BAD_RESPONSE);
    assert_int_equal(mdc_gids_parse_do(NULL, 0, 0xDF22, &t).status, MDC_CARD_BAD_RESPONSE);
}

static void test_pin_status(void **state)
{
    const uint8_t ok[] = {0x7F, 0x71, 0x06, 0x97, 0x01, 0x02, 0x93, 0x01, 0x03};
    const uint8_t old[] = {0x7F, 0x71, 0x04, 0x9F, 0x17, 0x01, 0x05};
    const uint8_t none[] = {0x7F, 0x71, 0x03, 0x93, 0x01, 0x03};
    const uint8_t other[] = {0x7F, 0x73, 0x03, 0x97, 0x01, 0x03};
    struct mdc_pin_info pi;

    (void)state;
    assert_int_equal(mdc_gids_parse_pin_status(ok, sizeof(ok), &pi).status, MDC_CARD_OK);
    assert_true(pi.tries_known);
    assert_int_equal(pi.tries_left, 2);
    assert_int_equal(pi.try_limit, 3);
    assert_int_equal(mdc_gids_parse_pin_status(old, sizeof(old), &pi).status, MDC_CARD_OK);
    assert_int_equal(pi.tries_left, 5);
    assert_int_equal(pi.try_limit, 0);
    assert_int_equal(mdc_gids_parse_pin_status(none, sizeof(none), &pi).status,
                     MDC_CARD_BAD_RESPONSE);
    assert_false(pi.tries_known);
    assert_int_equal(mdc_gids_parse_pin_status(other, sizeof(other), &pi).status,
                     MDC_CARD_BAD_RESPONSE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sw_mapping), cmocka_unit_test(test_status_mapping),
        cmocka_unit_test(test_fci),        cmocka_unit_test(test_get_data_response),
        cmocka_unit_test(test_pin_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
