/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PC/SC transport: context, readers, connections, transactions and APDU
 * exchange (61xx GET RESPONSE, 6Cxx retry, command chaining). PC/SC errors
 * are folded into a small enum; every exchange keeps the card's SW1SW2.
 */
#ifndef MDC_PCSC_H
#define MDC_PCSC_H

#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mdc_pcsc_err {
    MDC_PCSC_OK = 0,
    MDC_PCSC_NO_SERVICE,   /* no pcscd: treated as "no readers" by listings */
    MDC_PCSC_NO_READER,    /* reader unknown or gone */
    MDC_PCSC_NO_CARD,      /* reader empty */
    MDC_PCSC_REMOVED,      /* card removed since connect */
    MDC_PCSC_RESET,        /* card reset by someone: state lost, reconnect */
    MDC_PCSC_SHARING,      /* another process holds the card exclusively */
    MDC_PCSC_UNRESPONSIVE, /* card mute / unpowered */
    MDC_PCSC_COMM,         /* other transport failure */
    MDC_PCSC_NOMEM,
    MDC_PCSC_ARGS,     /* bad call (a bug in mdcard) */
    MDC_PCSC_PROTOCOL, /* malformed response (too short, endless 61xx) */
};

/* Result of an exchange: transport error, and the final status word when
 * err == MDC_PCSC_OK. */
struct mdc_pcsc_res {
    enum mdc_pcsc_err err;
    uint16_t sw;
};

/* A short command APDU. le_present with le == 256 encodes Le = 00. */
struct mdc_apdu {
    uint8_t cla, ins, p1, p2;
    const uint8_t *data;
    size_t lc;
    bool le_present;
    uint16_t le;
};

struct mdc_pcsc_reader {
    char *name;
    bool card_present;
};

struct mdc_pcsc;      /* a PC/SC context */
struct mdc_pcsc_conn; /* a connection to one reader */

const char *mdc_pcsc_err_str(enum mdc_pcsc_err err);

/* Create a context holder; the PC/SC context itself is established lazily,
 * so a missing pcscd is not an error here. */
struct mdc_pcsc *mdc_pcsc_new(void);
/* Release the context; connections must be closed first. */
void mdc_pcsc_free(struct mdc_pcsc *pcsc);
/* Forget the context without talking to pcscd (child after fork()). */
void mdc_pcsc_abandon(struct mdc_pcsc *pcsc);

/* List readers with card presence. No service / no readers: *count = 0, OK. */
enum mdc_pcsc_err mdc_pcsc_list_readers(struct mdc_pcsc *pcsc, struct mdc_pcsc_reader **readers,
                                        size_t *count);
void mdc_pcsc_free_readers(struct mdc_pcsc_reader *readers, size_t count);
/* Is a card in this reader now? */
enum mdc_pcsc_err mdc_pcsc_card_present(struct mdc_pcsc *pcsc, const char *reader, bool *present);

/* Connect in shared mode (T=0 or T=1). */
enum mdc_pcsc_err mdc_pcsc_connect(struct mdc_pcsc *pcsc, const char *reader,
                                   struct mdc_pcsc_conn **out);
/* Reconnect after a reset (SCARD_W_RESET_CARD); the card is not reset again. */
enum mdc_pcsc_err mdc_pcsc_reconnect(struct mdc_pcsc_conn *conn);
void mdc_pcsc_disconnect(struct mdc_pcsc_conn *conn);

enum mdc_pcsc_err mdc_pcsc_begin(struct mdc_pcsc_conn *conn);
enum mdc_pcsc_err mdc_pcsc_end(struct mdc_pcsc_conn *conn);

/* Send one APDU (Lc <= 255). Response data, including data fetched with GET
 * RESPONSE after 61xx, is appended to `resp` (may be NULL to discard). 6Cxx
 * re-sends the command once with the Le the card asked for. */
struct mdc_pcsc_res mdc_pcsc_transmit(struct mdc_pcsc_conn *conn, const struct mdc_apdu *apdu,
                                      struct mdc_buf *resp);

/* Send a command whose data may exceed 240 bytes as a chain of 240-byte links
 * (CLA | 0x10 on all but the last). Stops at the first link not answered
 * 9000; the response of the last link goes to `resp`. */
#define MDC_PCSC_CHAIN_LINK 240
struct mdc_pcsc_res mdc_pcsc_transmit_chain(struct mdc_pcsc_conn *conn, const struct mdc_apdu *apdu,
                                            struct mdc_buf *resp);

/* APDU tracer (category "apdu"). The formatters are exposed for tests:
 * they never copy the data of commands that carry secrets. */
#define MDC_TRACE_LINE_MAX 1200
bool mdc_pcsc_apdu_is_secret(const uint8_t *cmd, size_t len);
void mdc_pcsc_trace_format_cmd(const uint8_t *cmd, size_t len, char *out, size_t out_size);
void mdc_pcsc_trace_format_resp(const uint8_t *cmd, size_t cmd_len, const uint8_t *resp,
                                size_t resp_len, char *out, size_t out_size);
void mdc_pcsc_trace_cmd(const char *reader, const uint8_t *cmd, size_t len);
void mdc_pcsc_trace_resp(const char *reader, const uint8_t *cmd, size_t cmd_len,
                         const uint8_t *resp, size_t resp_len);

#endif
