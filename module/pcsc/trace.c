/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * APDU tracer (log category "apdu"). Redaction is structural: the data field
 * of VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, GENERAL AUTHENTICATE
 * and PUT DATA 3FFF (key import) is never copied into a string, whatever the
 * log level; responses to those commands are masked too.
 */
#include "pcsc/pcsc.h"

#include "util/log.h"

#include <stdio.h>
#include <string.h>

bool mdc_pcsc_apdu_is_secret(const uint8_t *cmd, size_t len)
{
    if (cmd == NULL || len < 4)
        return false;
    switch (cmd[1]) {
    case 0x20: /* VERIFY */
    case 0x24: /* CHANGE REFERENCE DATA */
    case 0x2C: /* RESET RETRY COUNTER */
    case 0x87: /* GENERAL AUTHENTICATE (admin key challenge-response) */
        return true;
    case 0xDB: /* PUT DATA into 3FFF = key import */
        return cmd[2] == 0x3F && cmd[3] == 0xFF;
    default:
        return false;
    }
}

/* Append "XX XX ..." for bytes, stopping (with "...") when out is full. */
static size_t put_hex(char *out, size_t size, size_t pos, const uint8_t *p, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";

    for (size_t i = 0; i < n; i++) {
        if (pos + 4 + 4 >= size) {
            if (pos + 4 < size) {
                memcpy(out + pos, "...", 3);
                pos += 3;
            }
            break;
        }
        if (pos != 0 && out[pos - 1] != ' ')
            out[pos++] = ' ';
        out[pos++] = digits[p[i] >> 4];
        out[pos++] = digits[p[i] & 0x0f];
    }
    out[pos] = '\0';
    return pos;
}

static size_t put_str(char *out, size_t size, size_t pos, const char *s)
{
    int n = snprintf(out + pos, size - pos, "%s", s);

    if (n < 0)
        return pos;
    return (size_t)n >= size - pos ? size - 1 : pos + (size_t)n;
}

void mdc_pcsc_trace_format_cmd(const uint8_t *cmd, size_t len, char *out, size_t out_size)
{
    char note[48];
    size_t pos = 0, lc;

    if (out == NULL || out_size == 0)
        return;
    out[0] = '\0';
    if (cmd == NULL)
        return;
    if (!mdc_pcsc_apdu_is_secret(cmd, len) || len <= 5) {
        /* Case 1/2 commands carry no data, so nothing to hide. */
        put_hex(out, out_size, 0, cmd, len);
        return;
    }
    /* Header and Lc, then the size of the hidden data, then Le if any. */
    pos = put_hex(out, out_size, 0, cmd, 5);
    lc = cmd[4];
    snprintf(note, sizeof(note), " <%zu bytes hidden>", lc < len - 5 ? lc : len - 5);
    pos = put_str(out, out_size, pos, note);
    if (len == 5 + lc + 1) {
        pos = put_str(out, out_size, pos, " ");
        put_hex(out, out_size, pos, cmd + len - 1, 1);
    }
}

void mdc_pcsc_trace_format_resp(const uint8_t *cmd, size_t cmd_len, const uint8_t *resp,
                                size_t resp_len, char *out, size_t out_size)
{
    char note[48];
    size_t pos;

    if (out == NULL || out_size == 0)
        return;
    out[0] = '\0';
    if (resp == NULL || resp_len < 2)
        return;
    if (!mdc_pcsc_apdu_is_secret(cmd, cmd_len) || resp_len == 2) {
        put_hex(out, out_size, 0, resp, resp_len);
        return;
    }
    snprintf(note, sizeof(note), "<%zu bytes hidden> ", resp_len - 2);
    pos = put_str(out, out_size, 0, note);
    put_hex(out, out_size, pos, resp + resp_len - 2, 2);
}

void mdc_pcsc_trace_cmd(const char *reader, const uint8_t *cmd, size_t len)
{
    char line[MDC_TRACE_LINE_MAX];

    if (!mdc_log_enabled(MDC_CAT_APDU, MDC_LOG_DEBUG))
        return;
    mdc_pcsc_trace_format_cmd(cmd, len, line, sizeof(line));
    mdc_log_write(MDC_CAT_APDU, MDC_LOG_DEBUG, __func__, "%s > %s", reader ? reader : "?", line);
}

void mdc_pcsc_trace_resp(const char *reader, const uint8_t *cmd, size_t cmd_len,
                         const uint8_t *resp, size_t resp_len)
{
    char line[MDC_TRACE_LINE_MAX];

    if (!mdc_log_enabled(MDC_CAT_APDU, MDC_LOG_DEBUG))
        return;
    mdc_pcsc_trace_format_resp(cmd, cmd_len, resp, resp_len, line, sizeof(line));
    mdc_log_write(MDC_CAT_APDU, MDC_LOG_DEBUG, __func__, "%s < %s", reader ? reader : "?", line);
}
