/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/util: hex, padding, bounded buffer, secret, TLV, log spec. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/hex.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/tlv.h"

static void test_hex(void **state)
{
    const uint8_t in[] = {0x00, 0x1f, 0xA0, 0xff};
    char out[9];
    uint8_t back[4];
    size_t n = 0;

    (void)state;
    assert_true(mdc_util_hex_encode(in, 4, false, out, sizeof(out)));
    assert_string_equal(out, "001fa0ff");
    assert_true(mdc_util_hex_encode(in, 4, true, out, sizeof(out)));
    assert_string_equal(out, "001FA0FF");
    assert_false(mdc_util_hex_encode(in, 4, true, out, 8)); /* no room for NUL */
    assert_true(mdc_util_hex_decode("001fA0Ff", 8, back, sizeof(back), &n));
    assert_int_equal(n, 4);
    assert_memory_equal(back, in, 4);
    assert_false(mdc_util_hex_decode("001", 3, back, sizeof(back), &n));
    assert_false(mdc_util_hex_decode("0g", 2, back, sizeof(back), &n));
    assert_false(mdc_util_hex_decode("0011223344", 10, back, sizeof(back), &n));
    assert_true(mdc_util_hex_decode("", 0, back, sizeof(back), &n));
    assert_int_equal(n, 0);
}

static void test_pad(void **state)
{
    unsigned char f[8];

    (void)state;
    mdc_util_pad(f, sizeof(f), "abc");
    assert_memory_equal(f, "abc     ", 8);
    mdc_util_pad(f, sizeof(f), "0123456789");
    assert_memory_equal(f, "01234567", 8);
    mdc_util_pad(f, sizeof(f), NULL);
    assert_memory_equal(f, "        ", 8);
}

static void test_buf(void **state)
{
    struct mdc_buf b = MDC_BUF_INIT;
    uint8_t big[300];

    (void)state;
    memset(big, 0x5a, sizeof(big));
    assert_true(mdc_buf_append(&b, big, sizeof(big)));
    assert_true(mdc_buf_append_byte(&b, 1));
    assert_int_equal(b.len, 301);
    assert_int_equal(b.data[300], 1);
    assert_false(mdc_buf_reserve(&b, MDC_BUF_MAX));
    assert_false(mdc_buf_reserve(&b, SIZE_MAX));
    assert_int_equal(b.len, 301);
    mdc_buf_clear(&b);
    assert_int_equal(b.len, 0);
    mdc_buf_free(&b);
    assert_null(b.data);
    mdc_buf_free(&b); /* twice is fine */
}

static void test_secret(void **state)
{
    struct mdc_secret *s;
    uint8_t too_big[MDC_SECRET_MAX + 1] = {0};

    (void)state;
    s = mdc_util_secret_new("123456", 6);
    assert_non_null(s);
    assert_int_equal(s->len, 6);
    assert_memory_equal(s->data, "123456", 6);
    assert_true(mdc_util_secret_set(s, "12", 2));
    assert_int_equal(s->len, 2);
    assert_int_equal(s->data[2], 0); /* old bytes wiped */
    assert_false(mdc_util_secret_set(s, too_big, sizeof(too_big)));
    mdc_util_secret_free(s);
    mdc_util_secret_free(NULL);
    assert_null(mdc_util_secret_new(too_big, sizeof(too_big)));
}

static void test_tlv_forms(void **state)
{
    struct mdc_tlv t;
    const uint8_t one[] = {0x4F, 0x02, 0xAA, 0xBB};
    const uint8_t two[] = {0xDF, 0x22, 0x00};
    uint8_t l81[3 + 0x90], l82[4 + 0x129];

    (void)state;
    assert_int_equal(mdc_tlv_read(one, sizeof(one), &t), MDC_TLV_OK);
    assert_int_equal(t.tag, 0x4F);
    assert_int_equal(t.len, 2);
    assert_ptr_equal(t.value, one + 2);
    assert_int_equal(t.size, 4);

    assert_int_equal(mdc_tlv_read(two, sizeof(two), &t), MDC_TLV_OK);
    assert_int_equal(t.tag, 0xDF22);
    assert_int_equal(t.len, 0);
    assert_int_equal(t.size, 3);

    memset(l81, 0, sizeof(l81));
    l81[0] = 0x7F;
    l81[1] = 0x49;
    l81[2] = 0x81; /* 7F49 81 90: 2-byte tag, 81 length */
    assert_int_equal(mdc_tlv_read(l81, 3, &t), MDC_TLV_MALFORMED);
    l81[0] = 0x53;
    l81[1] = 0x81;
    l81[2] = 0x90;
    assert_int_equal(mdc_tlv_read(l81, sizeof(l81), &t), MDC_TLV_OK);
    assert_int_equal(t.len, 0x90);
    assert_int_equal(t.size, sizeof(l81));

    memset(l82, 0, sizeof(l82));
    l82[0] = 0xDF;
    l82[1] = 0x24;
    l82[2] = 0x82;
    l82[3] = 0x01;
    /* length byte 4 belongs to the header: 82 01 29 */
    {
        uint8_t hdr[] = {0xDF, 0x24, 0x82, 0x01, 0x29};
        uint8_t whole[5 + 0x129];

        memset(whole, 0xEE, sizeof(whole));
        memcpy(whole, hdr, sizeof(hdr));
        assert_int_equal(mdc_tlv_read(whole, sizeof(whole), &t), MDC_TLV_OK);
        assert_int_equal(t.tag, 0xDF24);
        assert_int_equal(t.len, 0x129);
        assert_int_equal(t.size, sizeof(whole));
        /* one byte short */
        assert_int_equal(mdc_tlv_read(whole, sizeof(whole) - 1, &t), MDC_TLV_MALFORMED);
    }
}

static void test_tlv_malformed(void **state)
{
    struct mdc_tlv t;
    const uint8_t trunc_tag[] = {0xDF};
    const uint8_t no_len[] = {0x4F};
    const uint8_t trunc81[] = {0x4F, 0x81};
    const uint8_t trunc82[] = {0x4F, 0x82, 0x01};
    const uint8_t l83[] = {0x4F, 0x83, 0x00, 0x00, 0x01, 0x00};
    const uint8_t indef[] = {0x4F, 0x80, 0x00, 0x00};
    const uint8_t overrun[] = {0x4F, 0x05, 0x01};
    const uint8_t three_byte_tag[] = {0x5F, 0x81, 0x01, 0x00};

    (void)state;
    assert_int_equal(mdc_tlv_read(NULL, 0, &t), MDC_TLV_END);
    assert_int_equal(mdc_tlv_read(trunc_tag, sizeof(trunc_tag), &t), MDC_TLV_MALFORMED);
    assert_int_equal(mdc_tlv_read(no_len, sizeof(no_len), &t), MDC_TLV_MALFORMED);
    assert_int_equal(mdc_tlv_read(trunc81, sizeof(trunc81), &t), MDC_TLV_MALFORMED);
    assert_int_equal(mdc_tlv_read(trunc82, sizeof(trunc82), &t), MDC_TLV_MALFORMED);
    assert_int_equal(mdc_tlv_read(l83, sizeof(l83), &t), MDC_TLV_MALFORMED);
    assert_int_equal(mdc_tlv_read(indef, sizeof(indef), &t), MDC_TLV_MALFORMED);
    assert_int_equal(mdc_tlv_read(overrun, sizeof(overrun), &t), MDC_TLV_MALFORMED);
    assert_int_equal(mdc_tlv_read(three_byte_tag, sizeof(three_byte_tag), &t), MDC_TLV_MALFORMED);
}

static void test_tlv_find(void **state)
{
    /* 7F71 06 97 01 02 93 01 03: PIN status */
    const uint8_t seq[] = {0x97, 0x01, 0x02, 0x93, 0x01, 0x03};
    const uint8_t bad[] = {0x97, 0x01, 0x02, 0x93, 0x05, 0x03};
    struct mdc_tlv t;

    (void)state;
    assert_int_equal(mdc_tlv_find(seq, sizeof(seq), 0x93, &t), MDC_TLV_OK);
    assert_int_equal(t.value[0], 3);
    assert_int_equal(mdc_tlv_find(seq, sizeof(seq), 0x97, &t), MDC_TLV_OK);
    assert_int_equal(t.value[0], 2);
    assert_int_equal(mdc_tlv_find(seq, sizeof(seq), 0x4F, &t), MDC_TLV_END);
    assert_int_equal(mdc_tlv_find(bad, sizeof(bad), 0x4F, &t), MDC_TLV_MALFORMED);
    assert_int_equal(mdc_tlv_find(bad, sizeof(bad), 0x97, &t), MDC_TLV_OK);
}

static void test_log_spec(void **state)
{
    enum mdc_log_level lv[MDC_CAT_COUNT];

    (void)state;
    assert_true(mdc_log_parse_spec("debug", lv));
    for (int c = 0; c < MDC_CAT_COUNT; c++)
        assert_int_equal(lv[c], MDC_LOG_DEBUG);
    assert_true(mdc_log_parse_spec("trace:gids,apdu", lv));
    assert_int_equal(lv[MDC_CAT_GIDS], MDC_LOG_TRACE);
    assert_int_equal(lv[MDC_CAT_APDU], MDC_LOG_TRACE);
    assert_int_equal(lv[MDC_CAT_P11], MDC_LOG_OFF);
    assert_int_equal(lv[MDC_CAT_PCSC], MDC_LOG_OFF);
    /* Numeric levels: 1 errors, 2 calls and return codes, 3 APDU trace. */
    assert_true(mdc_log_parse_spec("1", lv));
    assert_int_equal(lv[MDC_CAT_P11], MDC_LOG_ERROR);
    assert_true(mdc_log_parse_spec("2", lv));
    assert_int_equal(lv[MDC_CAT_CACHE], MDC_LOG_DEBUG);
    assert_int_equal(lv[MDC_CAT_P11], MDC_LOG_DEBUG);
    assert_true(lv[MDC_CAT_APDU] < MDC_LOG_DEBUG);
    assert_true(mdc_log_parse_spec("3", lv));
    assert_int_equal(lv[MDC_CAT_APDU], MDC_LOG_TRACE);
    assert_true(mdc_log_parse_spec(":pcsc", lv));
    assert_int_equal(lv[MDC_CAT_PCSC], MDC_LOG_DEBUG);
    assert_int_equal(lv[MDC_CAT_TOKEN], MDC_LOG_OFF);
    assert_false(mdc_log_parse_spec("loud", lv));
    assert_false(mdc_log_parse_spec("debug:nosuchcat", lv));
    assert_false(mdc_log_parse_spec("", lv));
    assert_string_equal(mdc_log_cat_name(MDC_CAT_APDU), "apdu");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hex),       cmocka_unit_test(test_pad),
        cmocka_unit_test(test_buf),       cmocka_unit_test(test_secret),
        cmocka_unit_test(test_tlv_forms), cmocka_unit_test(test_tlv_malformed),
        cmocka_unit_test(test_tlv_find),  cmocka_unit_test(test_log_spec),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
