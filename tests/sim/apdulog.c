// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: the APDU log (--apdu-log), one line per APDU:
 *   TIME CLA INS P1 P2 Lc=NN|- Le=NN|- resp=N sw=XXXX us=N [data=HEX]
 * An APDU swallowed by a control-file cut is logged with "sw=---- us=0 cut".
 * Data of VERIFY, CHANGE REFERENCE DATA, RESET RETRY COUNTER, GENERAL AUTHENTICATE and
 * key import (PUT DATA 3FFF) is never written; other data only as its first 32 bytes.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <time.h>

#include "sim.h"

#define LOG_DATA_MAX 32

static int secret_data(const unsigned char *cmd)
{
    switch (cmd[1]) {
    case 0x20:
    case 0x24:
    case 0x2C:
    case 0x87:
        return 1;
    case 0xDB:
        return cmd[2] == 0x3F && cmd[3] == 0xFF;
    default:
        return 0;
    }
}

static void log_line(FILE *log, const unsigned char *cmd, size_t n, size_t rlen, const char *sw,
                     long us, int cut)
{
    struct timespec ts;
    struct tm tm;
    char when[32], lc[8] = "-", le[8] = "-", hex[2 * LOG_DATA_MAX + 1];
    size_t datalen = 0;

    if (!log || n < 4)
        return;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    if (n == 5) {
        snprintf(le, sizeof le, "%02X", cmd[4]);
    } else if (n > 5) {
        datalen = cmd[4];
        snprintf(lc, sizeof lc, "%02X", cmd[4]);
        if (n == 6 + datalen)
            snprintf(le, sizeof le, "%02X", cmd[n - 1]);
        if (datalen > n - 5)
            datalen = n - 5;
    }
    fprintf(log, "%s.%06ldZ %02X %02X %02X %02X Lc=%s Le=%s resp=%zu sw=%s us=%ld%s", when,
            ts.tv_nsec / 1000, cmd[0], cmd[1], cmd[2], cmd[3], lc, le, rlen, sw, us,
            cut ? " cut" : "");
    if (datalen && !secret_data(cmd)) {
        size_t shown = datalen < LOG_DATA_MAX ? datalen : LOG_DATA_MAX;
        sim_hex(hex, cmd + 5, shown);
        fprintf(log, " data=%s%s", hex, shown < datalen ? "..." : "");
    }
    fputc('\n', log);
    fflush(log);
}

void sim_log_apdu(FILE *log, const unsigned char *cmd, size_t n, size_t rlen, unsigned sw, long us)
{
    char swtext[8];
    snprintf(swtext, sizeof swtext, "%04X", sw & 0xFFFF);
    log_line(log, cmd, n, rlen, swtext, us, 0);
}

void sim_log_cut(FILE *log, const unsigned char *cmd, size_t n)
{
    log_line(log, cmd, n, 0, "----", 0, 1);
}
