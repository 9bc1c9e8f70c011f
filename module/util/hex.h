/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Hex encoding and decoding, and blank-padded PKCS#11 string fields. */
#ifndef MDC_UTIL_HEX_H
#define MDC_UTIL_HEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes 2*len hex digits and a NUL; returns false if out is too small. */
bool mdc_util_hex_encode(const uint8_t *in, size_t len, bool upper, char *out, size_t out_size);

/* Decodes an even number of hex digits (either case, no separators).
 * Returns false on odd length, a non-hex character or a too small buffer. */
bool mdc_util_hex_decode(const char *in, size_t in_len, uint8_t *out, size_t out_size,
                         size_t *out_len);

/* Copies src into a PKCS#11 fixed-width field, blank padded, truncating. */
void mdc_util_pad(unsigned char *field, size_t width, const char *src);

#endif
