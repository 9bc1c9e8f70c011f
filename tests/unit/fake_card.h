/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A scripted fake card behind the WinSCard API, for tests linked with
 * -Wl,--wrap=SCard* (tests/unit/extra.cmake): each step names the exact
 * command APDU expected and the card's answer; anything else is a mismatch.
 */
#ifndef MDC_TEST_FAKE_CARD_H
#define MDC_TEST_FAKE_CARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <winscard.h>

#define FAKE_MAX_STEPS 64
#define FAKE_APDU_MAX 300

/* Forget the script, the transaction results and the counters. */
void fake_reset(void);
/* Hex with optional spaces; fails the test when it does not decode. */
size_t fake_hex(const char *hex, uint8_t *out, size_t size);
void fake_expect(const char *cmd_hex, const char *resp_hex);
void fake_expect_bin(const uint8_t *cmd, size_t cmd_len, const uint8_t *resp, size_t resp_len);
/* Result of the next SCardBeginTransaction calls, in order (then success). */
void fake_begin_result(LONG rv);
/* Every step was used, in order, and nothing else was sent. */
void fake_done(void);
size_t fake_sent(void);
/* The last command the fake card received (for checks on its class). */
const uint8_t *fake_last_cmd(void);
size_t fake_last_cmd_len(void);
int fake_reconnects(void);

#endif
