/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Transport, GIDS commands and token info against a scripted fake card: the
 * WinSCard calls are replaced with -Wl,--wrap (tests/unit/extra.cmake), and
 * each step of a script gives the expected command and the card's answer.
 * Covers 61xx/GET RESPONSE, 6Cxx, 240-byte chaining, absent vs empty DOs,
 * non-GIDS cards, and recovery from a reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <winscard.h>

#include "gids/gids.h"
#include "pcsc/pcsc.h"
#include "token/token.h"
#include "util/hex.h"

/* ---- the fake card ---- */

#define MAX_STEPS 16
struct step {
    uint8_t cmd[300];
    size_t cmd_len;
    uint8_t resp[300];
    size_t resp_len;
    LONG rv;
};
static struct step steps[MAX_STEPS];
static size_t n_steps, pos;
static bool mismatch;
static LONG begin_rv[4];
static size_t n_begin;
static int reconnects;

static size_t unhex(const char *hex, uint8_t *out, size_t size)
{
    char clean[700];
    size_t n = 0, len = 0;

    for (; *hex && n + 1 < sizeof(clean); hex++)
        if (*hex != ' ')
            clean[n++] = *hex;
    clean[n] = '\0';
    assert_true(mdc_util_hex_decode(clean, n, out, size, &len));
    return len;
}

static void expect(const char *cmd, const char *resp)
{
    assert_true(n_steps < MAX_STEPS);
    steps[n_steps].cmd_len = unhex(cmd, steps[n_steps].cmd, sizeof(steps[0].cmd));
    steps[n_steps].resp_len = unhex(resp, steps[n_steps].resp, sizeof(steps[0].resp));
    steps[n_steps].rv = SCARD_S_SUCCESS;
    n_steps++;
}

static struct step *expect_raw(void)
{
    assert_true(n_steps < MAX_STEPS);
    memset(&steps[n_steps], 0, sizeof(steps[0]));
    return &steps[n_steps++];
}

static int reset_script(void **state)
{
    (void)state;
    n_steps = pos = n_begin = 0;
    mismatch = false;
    reconnects = 0;
    memset(begin_rv, 0, sizeof(begin_rv));
    return 0;
}

LONG __wrap_SCardEstablishContext(DWORD, LPCVOID, LPCVOID, LPSCARDCONTEXT);
LONG __wrap_SCardReleaseContext(SCARDCONTEXT);
LONG __wrap_SCardIsValidContext(SCARDCONTEXT);
LONG __wrap_SCardConnect(SCARDCONTEXT, LPCSTR, DWORD, DWORD, LPSCARDHANDLE, LPDWORD);
LONG __wrap_SCardReconnect(SCARDHANDLE, DWORD, DWORD, DWORD, LPDWORD);
LONG __wrap_SCardDisconnect(SCARDHANDLE, DWORD);
LONG __wrap_SCardBeginTransaction(SCARDHANDLE);
LONG __wrap_SCardEndTransaction(SCARDHANDLE, DWORD);
LONG __wrap_SCardTransmit(SCARDHANDLE, const SCARD_IO_REQUEST *, LPCBYTE, DWORD, SCARD_IO_REQUEST *,
                          LPBYTE, LPDWORD);
LONG __wrap_SCardGetStatusChange(SCARDCONTEXT, DWORD, SCARD_READERSTATE *, DWORD);
LONG __wrap_SCardListReaders(SCARDCONTEXT, LPCSTR, LPSTR, LPDWORD);

LONG __wrap_SCardEstablishContext(DWORD s, LPCVOID a, LPCVOID b, LPSCARDCONTEXT c)
{
    (void)s, (void)a, (void)b;
    *c = 1;
    return SCARD_S_SUCCESS;
}
LONG __wrap_SCardReleaseContext(SCARDCONTEXT c)
{
    (void)c;
    return SCARD_S_SUCCESS;
}
LONG __wrap_SCardIsValidContext(SCARDCONTEXT c)
{
    (void)c;
    return SCARD_S_SUCCESS;
}
LONG __wrap_SCardConnect(SCARDCONTEXT c, LPCSTR r, DWORD m, DWORD p, LPSCARDHANDLE h, LPDWORD ap)
{
    (void)c, (void)r, (void)m, (void)p;
    *h = 2;
    *ap = SCARD_PROTOCOL_T1;
    return SCARD_S_SUCCESS;
}
LONG __wrap_SCardReconnect(SCARDHANDLE h, DWORD m, DWORD p, DWORD i, LPDWORD ap)
{
    (void)h, (void)m, (void)p;
    assert_int_equal(i, SCARD_LEAVE_CARD); /* never reset the card ourselves */
    reconnects++;
    *ap = SCARD_PROTOCOL_T1;
    return SCARD_S_SUCCESS;
}
LONG __wrap_SCardDisconnect(SCARDHANDLE h, DWORD d)
{
    (void)h, (void)d;
    return SCARD_S_SUCCESS;
}
LONG __wrap_SCardBeginTransaction(SCARDHANDLE h)
{
    (void)h;
    return n_begin < 4 ? begin_rv[n_begin++] : SCARD_S_SUCCESS;
}
LONG __wrap_SCardEndTransaction(SCARDHANDLE h, DWORD d)
{
    (void)h, (void)d;
    return SCARD_S_SUCCESS;
}
LONG __wrap_SCardGetStatusChange(SCARDCONTEXT c, DWORD t, SCARD_READERSTATE *s, DWORD n)
{
    (void)c, (void)t;
    for (DWORD i = 0; i < n; i++)
        s[i].dwEventState = SCARD_STATE_PRESENT;
    return SCARD_S_SUCCESS;
}
LONG __wrap_SCardListReaders(SCARDCONTEXT c, LPCSTR g, LPSTR r, LPDWORD n)
{
    (void)c, (void)g, (void)r, (void)n;
    return SCARD_E_NO_READERS_AVAILABLE;
}

LONG __wrap_SCardTransmit(SCARDHANDLE h, const SCARD_IO_REQUEST *spci, LPCBYTE cmd, DWORD cmd_len,
                          SCARD_IO_REQUEST *rpci, LPBYTE resp, LPDWORD resp_len)
{
    struct step *s;

    (void)h, (void)spci, (void)rpci;
    if (pos >= n_steps) {
        print_error("unexpected APDU after the script ended\n");
        mismatch = true;
        return SCARD_E_COMM_DATA_LOST;
    }
    s = &steps[pos++];
    if (s->cmd_len != cmd_len || memcmp(s->cmd, cmd, cmd_len) != 0) {
        char got[700];

        mdc_util_hex_encode(cmd, cmd_len < 340 ? cmd_len : 340, true, got, sizeof(got));
        print_error("step %zu: unexpected APDU %s\n", pos - 1, got);
        mismatch = true;
        return SCARD_E_COMM_DATA_LOST;
    }
    if (s->rv != SCARD_S_SUCCESS)
        return s->rv;
    assert_true(*resp_len >= s->resp_len);
    memcpy(resp, s->resp, s->resp_len);
    *resp_len = (DWORD)s->resp_len;
    return SCARD_S_SUCCESS;
}

static void script_done(void)
{
    assert_false(mismatch);
    assert_int_equal(pos, n_steps);
}

static struct mdc_pcsc *pcsc;
static struct mdc_pcsc_conn *conn;

static int open_conn(void **state)
{
    reset_script(state);
    pcsc = mdc_pcsc_new();
    assert_non_null(pcsc);
    assert_int_equal(mdc_pcsc_connect(pcsc, "Fake Reader 00 00", &conn), MDC_PCSC_OK);
    return 0;
}

static int close_conn(void **state)
{
    (void)state;
    mdc_pcsc_disconnect(conn);
    mdc_pcsc_free(pcsc);
    conn = NULL;
    pcsc = NULL;
    return 0;
}

/* ---- tests ---- */

static void test_get_response(void **state)
{
    struct step *s;
    struct mdc_buf value = MDC_BUF_INIT;
    mdc_card_rc rc;

    (void)state;
    /* A 288-byte DO: DF24 82 0120 + value = 293 bytes, answered 256 + 37. */
    s = expect_raw();
    s->cmd_len = unhex("00CBA010045C02DF2400", s->cmd, sizeof(s->cmd));
    s->resp[0] = 0xDF;
    s->resp[1] = 0x24;
    s->resp[2] = 0x82;
    s->resp[3] = 0x01;
    s->resp[4] = 0x20;
    for (size_t i = 5; i < 256; i++)
        s->resp[i] = (uint8_t)(i - 5);
    s->resp[256] = 0x61;
    s->resp[257] = 0x25;
    s->resp_len = 258;
    s = expect_raw();
    s->cmd_len = unhex("00C0000025", s->cmd, sizeof(s->cmd));
    for (size_t i = 0; i < 37; i++)
        s->resp[i] = (uint8_t)(251 + i);
    s->resp[37] = 0x90;
    s->resp[38] = 0x00;
    s->resp_len = 39;

    rc = mdc_gids_get_data(conn, 0xA010, 0xDF24, &value);
    script_done();
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(value.len, 288);
    for (size_t i = 0; i < 288; i++)
        assert_int_equal(value.data[i], (uint8_t)i);
    mdc_buf_free(&value);
}

static void test_wrong_le(void **state)
{
    const uint8_t data[] = {0x5C, 0x00};
    struct mdc_apdu a = {0x00, 0xCB, 0xA0, 0x10, data, sizeof(data), true, 256};
    struct mdc_buf resp = MDC_BUF_INIT;
    struct mdc_pcsc_res r;

    (void)state;
    expect("00CBA010025C0000", "6C05");
    expect("00CBA010025C0005", "DF22020102 9000");
    r = mdc_pcsc_transmit(conn, &a, &resp);
    script_done();
    assert_int_equal(r.err, MDC_PCSC_OK);
    assert_int_equal(r.sw, 0x9000);
    assert_int_equal(resp.len, 5);
    mdc_buf_free(&resp);
}

static void test_chaining(void **state)
{
    uint8_t data[500];
    struct mdc_apdu a = {0x00, 0xDB, 0xA0, 0x10, data, sizeof(data), false, 0};
    struct mdc_pcsc_res r;
    struct step *s;

    (void)state;
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)i;
    for (size_t link = 0; link < 3; link++) {
        size_t off = link * 240, n = link < 2 ? 240 : 20;

        s = expect_raw();
        s->cmd[0] = link < 2 ? 0x10 : 0x00;
        s->cmd[1] = 0xDB;
        s->cmd[2] = 0xA0;
        s->cmd[3] = 0x10;
        s->cmd[4] = (uint8_t)n;
        memcpy(s->cmd + 5, data + off, n);
        s->cmd_len = 5 + n;
        s->resp[0] = 0x90;
        s->resp_len = 2;
    }
    r = mdc_pcsc_transmit_chain(conn, &a, NULL);
    script_done();
    assert_int_equal(r.err, MDC_PCSC_OK);
    assert_int_equal(r.sw, 0x9000);

    /* a link refused stops the chain */
    reset_script(state);
    expect("10DBA010F0", "");
    steps[0].cmd_len = 5 + 240;
    memcpy(steps[0].cmd + 5, data, 240);
    steps[0].resp_len = unhex("6A84", steps[0].resp, sizeof(steps[0].resp));
    r = mdc_pcsc_transmit_chain(conn, &a, NULL);
    script_done();
    assert_int_equal(r.sw, 0x6A84);
}

static void test_absent_and_empty(void **state)
{
    struct mdc_buf v = MDC_BUF_INIT;

    (void)state;
    expect("00CBA000045C02DF2000", "6A88");
    expect("00CBA010045C02DF2400", "DF2400 9000");
    expect("00CBA010045C02DF2400", "DF2500 9000");
    assert_int_equal(mdc_gids_get_data(conn, 0xA000, 0xDF20, &v).status, MDC_CARD_ABSENT);
    assert_int_equal(mdc_gids_get_data(conn, 0xA010, 0xDF24, &v).status, MDC_CARD_OK);
    assert_int_equal(v.len, 0);
    assert_int_equal(mdc_gids_get_data(conn, 0xA010, 0xDF24, &v).status, MDC_CARD_BAD_RESPONSE);
    script_done();
    mdc_buf_free(&v);
}

static void test_transport_errors(void **state)
{
    struct mdc_buf v = MDC_BUF_INIT;
    struct step *s;

    (void)state;
    s = expect_raw();
    s->cmd_len = unhex("00CBA012045C02DF2000", s->cmd, sizeof(s->cmd));
    s->rv = SCARD_W_REMOVED_CARD;
    expect("00CBA012045C02DF2000", "90"); /* no status word */
    assert_int_equal(mdc_gids_get_data(conn, 0xA012, 0xDF20, &v).status, MDC_CARD_REMOVED);
    assert_int_equal(mdc_gids_get_data(conn, 0xA012, 0xDF20, &v).status, MDC_CARD_BAD_RESPONSE);
    script_done();
    mdc_buf_free(&v);
}

#define SELECT_GIDS "00A4040009A0000003974254465900"
#define FCI_V2 "6112 4F0BA0000003974254465902 01 7303 4001C0 9000"

static void test_token_not_gids(void **state)
{
    struct mdc_tok_env *env = mdc_tok_env_new();
    struct mdc_tok *tok = mdc_tok_new(env, "Fake Reader 00 00");
    CK_TOKEN_INFO ti;

    (void)state;
    expect(SELECT_GIDS, "6A82");
    assert_int_equal(mdc_tok_get_info(tok, &ti), CKR_TOKEN_NOT_RECOGNIZED);
    script_done();
    mdc_tok_free(tok);
    mdc_tok_env_free(env);
}

/* tests/unit/vectors/mft_initial.hex: the master table after initialization. */
#define MFT_INITIAL                                                                                \
    "01"                                                                                           \
    "6D736370000000000000000000000000000000000000000000A00000"                                     \
    "000000000000000000636172646964000000000020DF000012A00000"                                     \
    "000000000000000000636172646170707300000021DF000010A00000"                                     \
    "000000000000000000636172646366000000000022DF000010A00000"                                     \
    "6D7363700000000000636D617066696C6500000023DF000010A00000"

static void test_token_info(void **state)
{
    struct mdc_tok_env *env = mdc_tok_env_new();
    struct mdc_tok *tok = mdc_tok_new(env, "Fake Reader 00 00");
    CK_TOKEN_INFO ti;

    (void)state;
    /* C_GetTokenInfo needs the card's identity: cardid (which also tells an
     * initialized card), then the PIN status. */
    expect(SELECT_GIDS, FCI_V2);
    expect("00CBA012045C02DF2000", "DF2010 00112233445566778899AABBCCDDEEFF 9000");
    expect("00CB3FFF045C027F7100", "7F7106 970101 930103 9000");
    expect("0084000008", "6D00"); /* GET CHALLENGE probe: no generator */
    assert_int_equal(mdc_tok_get_info(tok, &ti), CKR_OK);
    script_done();
    assert_memory_equal(ti.label, "GIDS 8899aabbccddeeff           ", 32);
    assert_memory_equal(ti.serialNumber, "8899aabbccddeeff", 16);
    assert_int_equal(ti.flags, CKF_LOGIN_REQUIRED | CKF_TOKEN_INITIALIZED |
                                   CKF_USER_PIN_INITIALIZED | CKF_USER_PIN_FINAL_TRY |
                                   CKF_USER_PIN_COUNT_LOW);
    assert_int_equal(ti.hardwareVersion.major, 2);

    /* Second call, warm: cardid again (at its standard place, no table) and
     * the PIN status. */
    reset_script(state);
    expect("00CBA012045C02DF2000", "DF2010 00112233445566778899AABBCCDDEEFF 9000");
    expect("00CB3FFF045C027F7100", "7F7106 970103 930103 9000");
    assert_int_equal(mdc_tok_get_info(tok, &ti), CKR_OK);
    script_done();
    assert_int_equal(ti.flags,
                     CKF_LOGIN_REQUIRED | CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED);

    /* Third call: another application reset the card in between. The
     * connection is reused: reconnect (no new reset), re-select, re-read. */
    reset_script(state);
    begin_rv[0] = SCARD_W_RESET_CARD;
    expect(SELECT_GIDS, "9000"); /* no FCI this time: tolerated */
    expect("00CBA010045C02DF2200", "DF2206 000000000000 9000");
    expect("00CBA012045C02DF2000", "DF2010 00112233445566778899AABBCCDDEEFF 9000");
    expect("00CB3FFF045C027F7100", "7F7106 970103 930103 9000");
    assert_int_equal(mdc_tok_get_info(tok, &ti), CKR_OK);
    script_done();
    assert_int_equal(reconnects, 1);

    /* Another card (a blank one) after the reader was seen empty: a new
     * connection, identified afresh. */
    reset_script(state);
    expect(SELECT_GIDS, "9000");
    expect("00CBA012045C02DF2000", "6A82");
    expect("00CBA000045C02DF1F00", "6A82");
    expect("0084000008", "6D00");
    mdc_tok_card_removed(tok); /* as the slot table does when the reader was empty */
    assert_int_equal(mdc_tok_get_info(tok, &ti), CKR_OK);
    script_done();
    assert_memory_equal(ti.label, "GIDS blank card                 ", 32);
    assert_int_equal(ti.flags, CKF_LOGIN_REQUIRED);
    mdc_tok_free(tok);
    mdc_tok_env_free(env);
}

int main(void)
{
    /* The scripts are exact: no disk cache from an earlier run may answer. */
    setenv("MDCARD_CACHE", "0", 1);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_get_response, open_conn, close_conn),
        cmocka_unit_test_setup_teardown(test_wrong_le, open_conn, close_conn),
        cmocka_unit_test_setup_teardown(test_chaining, open_conn, close_conn),
        cmocka_unit_test_setup_teardown(test_absent_and_empty, open_conn, close_conn),
        cmocka_unit_test_setup_teardown(test_transport_errors, open_conn, close_conn),
        cmocka_unit_test_setup(test_token_not_gids, reset_script),
        cmocka_unit_test_setup(test_token_info, reset_script),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
