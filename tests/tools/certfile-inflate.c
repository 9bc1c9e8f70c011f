/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * certfile-inflate: turns a minidriver certificate file, given as the hex
 * value of its data object (gids-sim --dump), back into DER on stdout.
 * Strict: only the compressed format (01 00 + LE16 length + zlib stream) is
 * accepted, and the inflated length must equal the header's, so a test can
 * tell a certificate written as Windows and OpenSC expect it from anything
 * else. Independent of module/ on purpose.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#define MAX_FILE 70000

static int nibble(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int main(void)
{
    static unsigned char in[MAX_FILE], out[65536];
    size_t n = 0;
    int c, hi = -1;

    while ((c = getchar()) != EOF) {
        if (isspace(c))
            continue;
        int v = nibble(c);
        if (v < 0) {
            fprintf(stderr, "certfile-inflate: not hex: '%c'\n", c);
            return 1;
        }
        if (hi < 0) {
            hi = v;
            continue;
        }
        if (n == sizeof in) {
            fprintf(stderr, "certfile-inflate: input too long\n");
            return 1;
        }
        in[n++] = (unsigned char)(hi << 4 | v);
        hi = -1;
    }
    if (hi >= 0 || n < 5) {
        fprintf(stderr, "certfile-inflate: %zu bytes%s: too short or odd\n", n, hi >= 0 ? "+" : "");
        return 1;
    }
    if (in[0] != 0x01 || in[1] != 0x00) {
        fprintf(stderr, "certfile-inflate: header %02X %02X is not 01 00 (not compressed)\n", in[0],
                in[1]);
        return 1;
    }
    uLongf want = (uLongf)in[2] | (uLongf)in[3] << 8, got = sizeof out;
    int zr = uncompress(out, &got, in + 4, (uLong)(n - 4));
    if (zr != Z_OK) {
        fprintf(stderr, "certfile-inflate: zlib stream broken (%d)\n", zr);
        return 1;
    }
    if (got != want) {
        fprintf(stderr, "certfile-inflate: inflated %lu bytes, header says %lu\n",
                (unsigned long)got, (unsigned long)want);
        return 1;
    }
    if (fwrite(out, 1, got, stdout) != got || fflush(stdout) != 0)
        return 1;
    return 0;
}
