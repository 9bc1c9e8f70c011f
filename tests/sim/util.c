// SPDX-License-Identifier: LGPL-2.1-or-later
/* gids-sim: small helpers: growable byte buffers, hex conversion, randomness. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "sim.h"

int sim_buf_put(struct sim_buf *b, const void *d, size_t n)
{
    if (n == 0)
        return 0;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n)
            cap *= 2;
        /* No realloc: the old block may hold secrets and must be wiped. */
        unsigned char *p = malloc(cap);
        if (!p)
            return -1;
        if (b->len)
            memcpy(p, b->p, b->len);
        if (b->p) {
            OPENSSL_cleanse(b->p, b->cap);
            free(b->p);
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, d, n);
    b->len += n;
    return 0;
}

int sim_buf_byte(struct sim_buf *b, unsigned c)
{
    unsigned char x = (unsigned char)c;
    return sim_buf_put(b, &x, 1);
}

void sim_buf_free(struct sim_buf *b)
{
    if (b->p) {
        OPENSSL_cleanse(b->p, b->cap);
        free(b->p);
    }
    b->p = NULL;
    b->len = b->cap = 0;
}

void sim_hex(char *out, const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789ABCDEF";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parses an even number of hex digits (no separators); -1 if malformed or too long. */
int sim_unhex(const char *s, unsigned char *out, size_t max, size_t *n)
{
    size_t len = strlen(s);
    if (len % 2 || len / 2 > max)
        return -1;
    for (size_t i = 0; i < len / 2; i++) {
        int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    *n = len / 2;
    return 0;
}

int sim_random(unsigned char *p, size_t n)
{
    return RAND_bytes(p, (int)n) == 1 ? 0 : -1;
}
