/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* APDU tracer: secret-carrying commands are masked structurally. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pcsc/pcsc.h"

static void test_verify_masked(void **state)
{
    /* VERIFY user PIN "123456" */
    const uint8_t cmd[] = {0x00, 0x20, 0x00, 0x80, 0x06, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36};
    char out[MDC_TRACE_LINE_MAX];

    (void)state;
    assert_true(mdc_pcsc_apdu_is_secret(cmd, sizeof(cmd)));
    mdc_pcsc_trace_format_cmd(cmd, sizeof(cmd), out, sizeof(out));
    assert_string_equal(out, "00 20 00 80 06 <6 bytes hidden>");
    assert_null(strstr(out, "31"));
    assert_null(strstr(out, "123456"));
}

static void test_other_secret_commands(void **state)
{
    const uint8_t change[] = {0x00, 0x24, 0x00, 0x80, 0x04, 0xAA, 0xBB, 0xCC, 0xDD};
    const uint8_t rrc[] = {0x00, 0x2C, 0x02, 0x80, 0x02, 0xAA, 0xBB};
    const uint8_t ga[] = {0x00, 0x87, 0x00, 0x00, 0x04, 0x7C, 0x02, 0xAA, 0xBB, 0x00};
    const uint8_t import_link[] = {0x10, 0xDB, 0x3F, 0xFF, 0x03, 0xAA, 0xBB, 0xCC};
    const uint8_t put_data[] = {0x00, 0xDB, 0xA0, 0x10, 0x03, 0xDF, 0x22, 0x00};
    const uint8_t probe[] = {0x00, 0x20, 0x00, 0x80};
    const uint8_t ga_resp[] = {0x7C, 0x0A, 0xAA, 0xBB, 0x90, 0x00};
    char out[MDC_TRACE_LINE_MAX];

    (void)state;
    mdc_pcsc_trace_format_cmd(change, sizeof(change), out, sizeof(out));
    assert_null(strstr(out, "AA"));
    mdc_pcsc_trace_format_cmd(rrc, sizeof(rrc), out, sizeof(out));
    assert_null(strstr(out, "AA"));
    mdc_pcsc_trace_format_cmd(ga, sizeof(ga), out, sizeof(out));
    assert_string_equal(out, "00 87 00 00 04 <4 bytes hidden> 00");
    mdc_pcsc_trace_format_cmd(import_link, sizeof(import_link), out, sizeof(out));
    assert_string_equal(out, "10 DB 3F FF 03 <3 bytes hidden>");
    /* ordinary PUT DATA is shown */
    assert_false(mdc_pcsc_apdu_is_secret(put_data, sizeof(put_data)));
    mdc_pcsc_trace_format_cmd(put_data, sizeof(put_data), out, sizeof(out));
    assert_string_equal(out, "00 DB A0 10 03 DF 22 00");
    /* the empty VERIFY (PIN status probe) has nothing to hide */
    mdc_pcsc_trace_format_cmd(probe, sizeof(probe), out, sizeof(out));
    assert_string_equal(out, "00 20 00 80");
    /* responses to secret commands: status word only */
    mdc_pcsc_trace_format_resp(ga, sizeof(ga), ga_resp, sizeof(ga_resp), out, sizeof(out));
    assert_string_equal(out, "<4 bytes hidden> 90 00");
    mdc_pcsc_trace_format_resp(put_data, sizeof(put_data), ga_resp, sizeof(ga_resp), out,
                               sizeof(out));
    assert_string_equal(out, "7C 0A AA BB 90 00");
}

static void test_truncation(void **state)
{
    uint8_t cmd[5 + 255];
    char out[32];

    (void)state;
    memset(cmd, 0x11, sizeof(cmd));
    cmd[1] = 0xDB;
    cmd[4] = 0xFF;
    mdc_pcsc_trace_format_cmd(cmd, sizeof(cmd), out, sizeof(out));
    assert_true(strlen(out) < sizeof(out));
    assert_non_null(strstr(out, "..."));
    /* a truncated secret APDU does not overrun either */
    cmd[1] = 0x20;
    mdc_pcsc_trace_format_cmd(cmd, 9, out, sizeof(out));
    assert_string_equal(out, "11 20 11 11 FF <4 bytes hidden>");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_masked),
        cmocka_unit_test(test_other_secret_commands),
        cmocka_unit_test(test_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
