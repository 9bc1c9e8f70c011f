/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Minimal BER-TLV reader for GIDS data objects: tags of 1 or 2 bytes,
 * lengths in short form or 81 xx / 82 xx xx. Everything is bounds checked;
 * nothing is allocated (values point into the input).
 */
#ifndef MDC_UTIL_TLV_H
#define MDC_UTIL_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mdc_tlv {
    uint16_t tag;         /* 1-byte tags as 0x00XX, 2-byte tags as 0xXXYY */
    size_t len;           /* value length */
    const uint8_t *value; /* points into the input */
    size_t size;          /* header + value: bytes consumed */
};

enum mdc_tlv_rc {
    MDC_TLV_OK = 0,
    MDC_TLV_END = 1,        /* nothing left to read */
    MDC_TLV_MALFORMED = -1, /* truncated header/value, unsupported tag or length form */
};

/* Read one TLV at the start of [p, p+n). */
enum mdc_tlv_rc mdc_tlv_read(const uint8_t *p, size_t n, struct mdc_tlv *out);

/* Find the first TLV with `tag` among the consecutive TLVs in [p, p+n)
 * (one level, no recursion). MDC_TLV_END = not there. */
enum mdc_tlv_rc mdc_tlv_find(const uint8_t *p, size_t n, uint16_t tag, struct mdc_tlv *out);

#endif
