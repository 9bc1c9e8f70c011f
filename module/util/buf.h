/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Bounded, growable byte buffer. Every size is checked against a hard cap so
 * that lengths declared by a card cannot make us allocate without limit.
 */
#ifndef MDC_UTIL_BUF_H
#define MDC_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest buffer any layer may build (a GIDS DO is at most 32767 bytes). */
#define MDC_BUF_MAX ((size_t)1 << 20)

struct mdc_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
};

#define MDC_BUF_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Make room for `extra` more bytes; false on overflow, cap or allocation failure. */
bool mdc_buf_reserve(struct mdc_buf *b, size_t extra);
bool mdc_buf_append(struct mdc_buf *b, const void *data, size_t len);
bool mdc_buf_append_byte(struct mdc_buf *b, uint8_t byte);
/* Forget the content (wiped) but keep the allocation. */
void mdc_buf_clear(struct mdc_buf *b);
/* Wipe and release. Safe on a zeroed or already freed buffer. */
void mdc_buf_free(struct mdc_buf *b);

#endif
