/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PC/SC transport over pcsc-lite's WinSCard API: context and reader
 * listing, shared connections, transactions and the APDU exchange loop.
 */
#include "pcsc/pcsc.h"

#include "util/log.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <winscard.h>

/* Bounds on what a card may make us do. */
#define MAX_GET_RESPONSE 256     /* 61xx rounds per command */
#define MAX_RESPONSE (64 * 1024) /* total response bytes per command */
#define MAX_READERS 64

struct mdc_pcsc {
    SCARDCONTEXT ctx;
    bool have_ctx;
};

struct mdc_pcsc_conn {
    struct mdc_pcsc *pcsc;
    SCARDHANDLE h;
    DWORD proto;
    char *reader;
};

const char *mdc_pcsc_err_str(enum mdc_pcsc_err err)
{
    switch (err) {
    case MDC_PCSC_OK:
        return "ok";
    case MDC_PCSC_NO_SERVICE:
        return "no PC/SC service";
    case MDC_PCSC_NO_READER:
        return "no such reader";
    case MDC_PCSC_NO_CARD:
        return "no card";
    case MDC_PCSC_REMOVED:
        return "card removed";
    case MDC_PCSC_RESET:
        return "card reset";
    case MDC_PCSC_SHARING:
        return "sharing violation";
    case MDC_PCSC_UNRESPONSIVE:
        return "card unresponsive";
    case MDC_PCSC_COMM:
        return "communication error";
    case MDC_PCSC_NOMEM:
        return "out of memory";
    case MDC_PCSC_ARGS:
        return "bad arguments";
    case MDC_PCSC_PROTOCOL:
        return "malformed response";
    }
    return "?";
}

static enum mdc_pcsc_err map_rv(LONG rv)
{
    switch (rv) {
    case SCARD_S_SUCCESS:
        return MDC_PCSC_OK;
    case SCARD_E_NO_SERVICE:
    case SCARD_E_SERVICE_STOPPED:
        return MDC_PCSC_NO_SERVICE;
    case SCARD_E_UNKNOWN_READER:
    case SCARD_E_NO_READERS_AVAILABLE:
        return MDC_PCSC_NO_READER;
    case SCARD_E_NO_SMARTCARD:
        return MDC_PCSC_NO_CARD;
    case SCARD_W_REMOVED_CARD:
    case SCARD_E_READER_UNAVAILABLE:
    case SCARD_E_INVALID_HANDLE:
        return MDC_PCSC_REMOVED;
    case SCARD_W_RESET_CARD:
        return MDC_PCSC_RESET;
    case SCARD_E_SHARING_VIOLATION:
        return MDC_PCSC_SHARING;
    case SCARD_W_UNRESPONSIVE_CARD:
    case SCARD_W_UNPOWERED_CARD:
    case SCARD_W_UNSUPPORTED_CARD:
        return MDC_PCSC_UNRESPONSIVE;
    case SCARD_E_NO_MEMORY:
        return MDC_PCSC_NOMEM;
    case SCARD_E_INVALID_PARAMETER:
    case SCARD_E_INVALID_VALUE:
        return MDC_PCSC_ARGS;
    default:
        return MDC_PCSC_COMM;
    }
}

/* Map and log a failed WinSCard call under the name of our calling function. */
static enum mdc_pcsc_err log_rv(const char *func, const char *what, LONG rv)
{
    enum mdc_pcsc_err err = map_rv(rv);

    if (rv != SCARD_S_SUCCESS && mdc_log_enabled(MDC_CAT_PCSC, MDC_LOG_DEBUG))
        mdc_log_write(MDC_CAT_PCSC, MDC_LOG_DEBUG, func, "%s: %s (0x%08lX) -> %s", what,
                      pcsc_stringify_error(rv), (unsigned long)rv, mdc_pcsc_err_str(err));
    return err;
}
#define LOG_RV(what, rv) log_rv(__func__, (what), (rv))

struct mdc_pcsc *mdc_pcsc_new(void)
{
    return calloc(1, sizeof(struct mdc_pcsc));
}

static void release_ctx(struct mdc_pcsc *pcsc)
{
    if (pcsc->have_ctx)
        SCardReleaseContext(pcsc->ctx);
    pcsc->have_ctx = false;
}

void mdc_pcsc_free(struct mdc_pcsc *pcsc)
{
    if (pcsc == NULL)
        return;
    release_ctx(pcsc);
    free(pcsc);
}

void mdc_pcsc_abandon(struct mdc_pcsc *pcsc)
{
    /* The parent's context is useless in a fork()ed child and must not be
     * released from here: just drop our memory. */
    free(pcsc);
}

static enum mdc_pcsc_err ensure_ctx(struct mdc_pcsc *pcsc)
{
    LONG rv;

    if (pcsc->have_ctx) {
        if (SCardIsValidContext(pcsc->ctx) == SCARD_S_SUCCESS)
            return MDC_PCSC_OK;
        release_ctx(pcsc);
    }
    rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &pcsc->ctx);
    if (rv != SCARD_S_SUCCESS)
        return LOG_RV("SCardEstablishContext", rv);
    pcsc->have_ctx = true;
    return MDC_PCSC_OK;
}

void mdc_pcsc_free_readers(struct mdc_pcsc_reader *readers, size_t count)
{
    if (readers == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        free(readers[i].name);
    free(readers);
}

/* Fill presence flags for `n` readers in one SCardGetStatusChange call. */
static enum mdc_pcsc_err query_presence(struct mdc_pcsc *pcsc, struct mdc_pcsc_reader *r, size_t n)
{
    SCARD_READERSTATE st[MAX_READERS];
    LONG rv;

    if (n == 0)
        return MDC_PCSC_OK;
    if (n > MAX_READERS)
        return MDC_PCSC_ARGS;
    memset(st, 0, sizeof(st[0]) * n);
    for (size_t i = 0; i < n; i++) {
        st[i].szReader = r[i].name;
        st[i].dwCurrentState = SCARD_STATE_UNAWARE;
    }
    rv = SCardGetStatusChange(pcsc->ctx, 0, st, (DWORD)n);
    if (rv != SCARD_S_SUCCESS && rv != (LONG)SCARD_E_TIMEOUT)
        return LOG_RV("SCardGetStatusChange", rv);
    for (size_t i = 0; i < n; i++)
        r[i].card_present = (st[i].dwEventState & SCARD_STATE_PRESENT) != 0 &&
                            (st[i].dwEventState & SCARD_STATE_MUTE) == 0;
    return MDC_PCSC_OK;
}

static enum mdc_pcsc_err list_once(struct mdc_pcsc *pcsc, struct mdc_pcsc_reader **readers,
                                   size_t *count)
{
    DWORD len = 0;
    char *names = NULL;
    struct mdc_pcsc_reader *r = NULL;
    size_t n = 0;
    enum mdc_pcsc_err err;
    LONG rv;

    err = ensure_ctx(pcsc);
    if (err != MDC_PCSC_OK)
        return err;
    rv = SCardListReaders(pcsc->ctx, NULL, NULL, &len);
    if (rv == (LONG)SCARD_E_NO_READERS_AVAILABLE)
        return MDC_PCSC_OK;
    if (rv != SCARD_S_SUCCESS)
        return LOG_RV("SCardListReaders", rv);
    if (len == 0 || len > 64 * 1024)
        return MDC_PCSC_PROTOCOL;
    names = calloc(1, len + 1);
    if (names == NULL)
        return MDC_PCSC_NOMEM;
    rv = SCardListReaders(pcsc->ctx, NULL, names, &len);
    if (rv == (LONG)SCARD_E_NO_READERS_AVAILABLE) {
        free(names);
        return MDC_PCSC_OK;
    }
    if (rv != SCARD_S_SUCCESS) {
        free(names);
        return LOG_RV("SCardListReaders", rv);
    }
    r = calloc(MAX_READERS, sizeof(*r));
    if (r == NULL) {
        free(names);
        return MDC_PCSC_NOMEM;
    }
    /* A multi-string: names separated by NUL, ended by an empty name. */
    for (const char *p = names; p < names + len && *p != '\0' && n < MAX_READERS;
         p += strlen(p) + 1) {
        r[n].name = strdup(p);
        if (r[n].name == NULL) {
            mdc_pcsc_free_readers(r, n);
            free(names);
            return MDC_PCSC_NOMEM;
        }
        n++;
    }
    free(names);
    err = query_presence(pcsc, r, n);
    if (err != MDC_PCSC_OK) {
        mdc_pcsc_free_readers(r, n);
        return err;
    }
    *readers = r;
    *count = n;
    return MDC_PCSC_OK;
}

enum mdc_pcsc_err mdc_pcsc_list_readers(struct mdc_pcsc *pcsc, struct mdc_pcsc_reader **readers,
                                        size_t *count)
{
    enum mdc_pcsc_err err;

    if (pcsc == NULL || readers == NULL || count == NULL)
        return MDC_PCSC_ARGS;
    *readers = NULL;
    *count = 0;
    err = list_once(pcsc, readers, count);
    if (err == MDC_PCSC_NO_SERVICE || err == MDC_PCSC_REMOVED || err == MDC_PCSC_COMM) {
        /* pcscd may have restarted: one retry with a fresh context. */
        release_ctx(pcsc);
        err = list_once(pcsc, readers, count);
    }
    if (err == MDC_PCSC_NO_SERVICE || err == MDC_PCSC_NO_READER) {
        MDC_DEBUG(MDC_CAT_PCSC, "%s: reporting no readers", mdc_pcsc_err_str(err));
        return MDC_PCSC_OK;
    }
    return err;
}

enum mdc_pcsc_err mdc_pcsc_card_present(struct mdc_pcsc *pcsc, const char *reader, bool *present)
{
    struct mdc_pcsc_reader r;
    enum mdc_pcsc_err err;

    if (pcsc == NULL || reader == NULL || present == NULL)
        return MDC_PCSC_ARGS;
    *present = false;
    err = ensure_ctx(pcsc);
    if (err == MDC_PCSC_NO_SERVICE)
        return MDC_PCSC_OK;
    if (err != MDC_PCSC_OK)
        return err;
    /* query_presence only reads the name. */
    r.name = strdup(reader);
    if (r.name == NULL)
        return MDC_PCSC_NOMEM;
    r.card_present = false;
    err = query_presence(pcsc, &r, 1);
    free(r.name);
    if (err == MDC_PCSC_NO_READER)
        err = MDC_PCSC_OK;
    *present = r.card_present;
    return err;
}

enum mdc_pcsc_err mdc_pcsc_connect(struct mdc_pcsc *pcsc, const char *reader,
                                   struct mdc_pcsc_conn **out)
{
    struct mdc_pcsc_conn *c;
    enum mdc_pcsc_err err;
    LONG rv;

    if (pcsc == NULL || reader == NULL || out == NULL)
        return MDC_PCSC_ARGS;
    *out = NULL;
    err = ensure_ctx(pcsc);
    if (err != MDC_PCSC_OK)
        return err;
    c = calloc(1, sizeof(*c));
    if (c == NULL || (c->reader = strdup(reader)) == NULL) {
        free(c);
        return MDC_PCSC_NOMEM;
    }
    c->pcsc = pcsc;
    rv = SCardConnect(pcsc->ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                      &c->h, &c->proto);
    if (rv != SCARD_S_SUCCESS) {
        free(c->reader);
        free(c);
        err = LOG_RV("SCardConnect", rv);
        return err == MDC_PCSC_REMOVED ? MDC_PCSC_NO_CARD : err;
    }
    MDC_DEBUG(MDC_CAT_PCSC, "connected to '%s' (T=%d)", reader,
              c->proto == SCARD_PROTOCOL_T0 ? 0 : 1);
    *out = c;
    return MDC_PCSC_OK;
}

enum mdc_pcsc_err mdc_pcsc_reconnect(struct mdc_pcsc_conn *conn)
{
    LONG rv;

    if (conn == NULL)
        return MDC_PCSC_ARGS;
    rv = SCardReconnect(conn->h, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                        SCARD_LEAVE_CARD, &conn->proto);
    return LOG_RV("SCardReconnect", rv);
}

void mdc_pcsc_disconnect(struct mdc_pcsc_conn *conn)
{
    if (conn == NULL)
        return;
    SCardDisconnect(conn->h, SCARD_LEAVE_CARD);
    free(conn->reader);
    free(conn);
}

enum mdc_pcsc_err mdc_pcsc_begin(struct mdc_pcsc_conn *conn)
{
    if (conn == NULL)
        return MDC_PCSC_ARGS;
    return LOG_RV("SCardBeginTransaction", SCardBeginTransaction(conn->h));
}

enum mdc_pcsc_err mdc_pcsc_end(struct mdc_pcsc_conn *conn)
{
    if (conn == NULL)
        return MDC_PCSC_ARGS;
    return LOG_RV("SCardEndTransaction", SCardEndTransaction(conn->h, SCARD_LEAVE_CARD));
}

/* Encode a short APDU; returns its length, 0 if it cannot be encoded. */
static size_t encode(const struct mdc_apdu *a, uint8_t *out, size_t out_size)
{
    size_t n = 0;

    if (a->lc > 255 || (a->lc != 0 && a->data == NULL) || (a->le_present && a->le > 256) ||
        out_size < 4 + 1 + a->lc + 1)
        return 0;
    out[n++] = a->cla;
    out[n++] = a->ins;
    out[n++] = a->p1;
    out[n++] = a->p2;
    if (a->lc != 0) {
        out[n++] = (uint8_t)a->lc;
        memcpy(out + n, a->data, a->lc);
        n += a->lc;
    }
    if (a->le_present)
        out[n++] = (uint8_t)(a->le & 0xff); /* 256 encodes as 00 */
    return n;
}

/* One raw exchange: cmd → data + SW. */
static struct mdc_pcsc_res exchange(struct mdc_pcsc_conn *c, const uint8_t *cmd, size_t cmd_len,
                                    const uint8_t *orig, size_t orig_len, uint8_t *rbuf,
                                    size_t *rlen)
{
    struct mdc_pcsc_res res = {MDC_PCSC_OK, 0};
    const SCARD_IO_REQUEST *pci = c->proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
    DWORD len = (DWORD)*rlen;
    LONG rv;

    mdc_pcsc_trace_cmd(c->reader, cmd, cmd_len);
    rv = SCardTransmit(c->h, pci, cmd, (DWORD)cmd_len, NULL, rbuf, &len);
    if (rv != SCARD_S_SUCCESS) {
        res.err = LOG_RV("SCardTransmit", rv);
        return res;
    }
    if (len < 2 || len > *rlen) {
        MDC_DEBUG(MDC_CAT_PCSC, "response of %lu bytes: no status word", (unsigned long)len);
        res.err = MDC_PCSC_PROTOCOL;
        return res;
    }
    mdc_pcsc_trace_resp(c->reader, orig, orig_len, rbuf, len);
    *rlen = len;
    res.sw = (uint16_t)(rbuf[len - 2] << 8 | rbuf[len - 1]);
    return res;
}

struct mdc_pcsc_res mdc_pcsc_transmit(struct mdc_pcsc_conn *conn, const struct mdc_apdu *apdu,
                                      struct mdc_buf *resp)
{
    struct mdc_pcsc_res res = {MDC_PCSC_ARGS, 0};
    uint8_t cmd[4 + 1 + 255 + 1], rbuf[256 + 2];
    size_t cmd_len, rlen, total = 0;
    bool secret;
    struct mdc_apdu retry;

    if (conn == NULL || apdu == NULL || (cmd_len = encode(apdu, cmd, sizeof(cmd))) == 0)
        return res;
    secret = mdc_pcsc_apdu_is_secret(cmd, cmd_len);
    rlen = sizeof(rbuf);
    res = exchange(conn, cmd, cmd_len, cmd, cmd_len, rbuf, &rlen);
    if (res.err == MDC_PCSC_OK && (res.sw >> 8) == 0x6C) {
        /* Wrong Le: the card tells the right one; send the same command again. */
        retry = *apdu;
        retry.le_present = true;
        retry.le = (res.sw & 0xff) ? (uint16_t)(res.sw & 0xff) : 256;
        cmd_len = encode(&retry, cmd, sizeof(cmd));
        rlen = sizeof(rbuf);
        res = exchange(conn, cmd, cmd_len, cmd, cmd_len, rbuf, &rlen);
    }
    for (int round = 0; res.err == MDC_PCSC_OK; round++) {
        uint8_t get_response[5] = {0x00, 0xC0, 0x00, 0x00, 0x00};

        total += rlen - 2;
        if (total > MAX_RESPONSE || (resp != NULL && !mdc_buf_append(resp, rbuf, rlen - 2))) {
            res.err = total > MAX_RESPONSE ? MDC_PCSC_PROTOCOL : MDC_PCSC_NOMEM;
            break;
        }
        if ((res.sw >> 8) != 0x61)
            break;
        if (round >= MAX_GET_RESPONSE) {
            res.err = MDC_PCSC_PROTOCOL;
            break;
        }
        get_response[4] = (uint8_t)(res.sw & 0xff);
        rlen = sizeof(rbuf);
        /* Traced against the original command so secret responses stay masked. */
        res = exchange(conn, get_response, sizeof(get_response), cmd, cmd_len, rbuf, &rlen);
    }
    if (secret)
        OPENSSL_cleanse(cmd, sizeof(cmd));
    OPENSSL_cleanse(rbuf, sizeof(rbuf));
    return res;
}

struct mdc_pcsc_res mdc_pcsc_transmit_chain(struct mdc_pcsc_conn *conn, const struct mdc_apdu *apdu,
                                            struct mdc_buf *resp)
{
    struct mdc_pcsc_res res = {MDC_PCSC_ARGS, 0};
    struct mdc_apdu link;
    size_t off = 0;

    if (conn == NULL || apdu == NULL || (apdu->lc != 0 && apdu->data == NULL))
        return res;
    /* Windows cuts command data into 240-byte links; anything that fits in
     * one link goes as a single APDU. */
    if (apdu->lc <= MDC_PCSC_CHAIN_LINK)
        return mdc_pcsc_transmit(conn, apdu, resp);
    while (apdu->lc - off > MDC_PCSC_CHAIN_LINK) {
        link = *apdu;
        link.cla = (uint8_t)(apdu->cla | 0x10);
        link.data = apdu->data + off;
        link.lc = MDC_PCSC_CHAIN_LINK;
        link.le_present = false;
        res = mdc_pcsc_transmit(conn, &link, NULL);
        if (res.err != MDC_PCSC_OK || res.sw != 0x9000)
            return res;
        off += MDC_PCSC_CHAIN_LINK;
    }
    link = *apdu;
    link.data = apdu->data + off;
    link.lc = apdu->lc - off;
    return mdc_pcsc_transmit(conn, &link, resp);
}
