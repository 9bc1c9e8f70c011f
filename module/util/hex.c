/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hex helpers and PKCS#11 blank-padded fields. */
#include "util/hex.h"

#include <string.h>

bool mdc_util_hex_encode(const uint8_t *in, size_t len, bool upper, char *out, size_t out_size)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";

    if (out == NULL || (in == NULL && len != 0) || len > (SIZE_MAX - 1) / 2 ||
        out_size < 2 * len + 1)
        return false;
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 0x0f];
    }
    out[2 * len] = '\0';
    return true;
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

bool mdc_util_hex_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size,
                         size_t *out_len)
{
    if ((in == NULL && in_len != 0) || in_len % 2 != 0 || in_len / 2 > out_size ||
        (out == NULL && in_len != 0))
        return false;
    for (size_t i = 0; i < in_len / 2; i++) {
        int hi = nibble(in[2 * i]), lo = nibble(in[2 * i + 1]);

        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    if (out_len != NULL)
        *out_len = in_len / 2;
    return true;
}

void mdc_util_pad(unsigned char *field, size_t width, const char *src)
{
    size_t n = src ? strlen(src) : 0;

    if (field == NULL)
        return;
    if (n > width)
        n = width;
    memset(field, ' ', width);
    if (n != 0)
        memcpy(field, src, n);
}
