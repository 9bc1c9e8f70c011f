/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The scripted fake card of fake_card.h: the __wrap_SCard* functions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "fake_card.h"
#include "util/hex.h"

struct step {
    uint8_t cmd[FAKE_APDU_MAX];
    size_t cmd_len;
    uint8_t resp[FAKE_APDU_MAX];
    size_t resp_len;
};

static struct step steps[FAKE_MAX_STEPS];
static size_t n_steps, pos;
static bool mismatch;
static LONG begin_rv[8];
static size_t n_begin_rv, begin_pos;
static int reconnects;
static uint8_t last_cmd[FAKE_APDU_MAX];
static size_t last_cmd_len;

void fake_reset(void)
{
    n_steps = pos = 0;
    n_begin_rv = begin_pos = 0;
    mismatch = false;
    reconnects = 0;
}

size_t fake_hex(const char *hex, uint8_t *out, size_t size)
{
    char clean[2 * FAKE_APDU_MAX + 2];
    size_t n = 0, len = 0;

    for (; *hex; hex++) {
        if (*hex == ' ')
            continue;
        assert_true(n + 1 < sizeof(clean));
        clean[n++] = *hex;
    }
    clean[n] = '\0';
    assert_true(mdc_util_hex_decode(clean, n, out, size, &len));
    return len;
}

void fake_expect(const char *cmd_hex, const char *resp_hex)
{
    assert_true(n_steps < FAKE_MAX_STEPS);
    steps[n_steps].cmd_len = fake_hex(cmd_hex, steps[n_steps].cmd, FAKE_APDU_MAX);
    steps[n_steps].resp_len = fake_hex(resp_hex, steps[n_steps].resp, FAKE_APDU_MAX);
    n_steps++;
}

void fake_expect_bin(const uint8_t *cmd, size_t cmd_len, const uint8_t *resp, size_t resp_len)
{
    assert_true(n_steps < FAKE_MAX_STEPS);
    assert_true(cmd_len <= FAKE_APDU_MAX && resp_len <= FAKE_APDU_MAX);
    memcpy(steps[n_steps].cmd, cmd, cmd_len);
    steps[n_steps].cmd_len = cmd_len;
    memcpy(steps[n_steps].resp, resp, resp_len);
    steps[n_steps].resp_len = resp_len;
    n_steps++;
}

void fake_begin_result(LONG rv)
{
    assert_true(n_begin_rv < sizeof(begin_rv) / sizeof(begin_rv[0]));
    begin_rv[n_begin_rv++] = rv;
}

void fake_done(void)
{
    assert_false(mismatch);
    assert_int_equal(pos, n_steps);
}

const uint8_t *fake_last_cmd(void)
{
    return last_cmd;
}

size_t fake_last_cmd_len(void)
{
    return last_cmd_len;
}

size_t fake_sent(void)
{
    return pos;
}

int fake_reconnects(void)
{
    return reconnects;
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
    return begin_pos < n_begin_rv ? begin_rv[begin_pos++] : SCARD_S_SUCCESS;
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
    last_cmd_len = cmd_len < FAKE_APDU_MAX ? cmd_len : FAKE_APDU_MAX;
    memcpy(last_cmd, cmd, last_cmd_len);
    if (pos >= n_steps) {
        print_error("unexpected APDU after the script ended\n");
        mismatch = true;
        return SCARD_E_COMM_DATA_LOST;
    }
    s = &steps[pos++];
    if (s->cmd_len != cmd_len || memcmp(s->cmd, cmd, cmd_len) != 0) {
        char got[2 * FAKE_APDU_MAX + 1];

        mdc_util_hex_encode(cmd, cmd_len < FAKE_APDU_MAX ? cmd_len : FAKE_APDU_MAX, true, got,
                            sizeof(got));
        print_error("step %zu: unexpected APDU %s\n", pos - 1, got);
        mismatch = true;
        return SCARD_E_COMM_DATA_LOST;
    }
    assert_true(*resp_len >= s->resp_len);
    memcpy(resp, s->resp, s->resp_len);
    *resp_len = (DWORD)s->resp_len;
    return SCARD_S_SUCCESS;
}
