/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bounded byte buffer; contents are wiped before memory is given back,
 * since APDU responses may carry key material. */
#include "util/buf.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

bool mdc_buf_reserve(struct mdc_buf *b, size_t extra)
{
    size_t need, cap;
    uint8_t *p;

    if (b == NULL || extra > MDC_BUF_MAX || b->len > MDC_BUF_MAX - extra)
        return false;
    need = b->len + extra;
    if (need <= b->cap)
        return true;
    cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > MDC_BUF_MAX / 2 ? MDC_BUF_MAX : cap * 2;
    /* Not realloc: the old block must be wiped, not just released. */
    p = malloc(cap);
    if (p == NULL)
        return false;
    if (b->len != 0)
        memcpy(p, b->data, b->len);
    if (b->data != NULL) {
        OPENSSL_cleanse(b->data, b->cap);
        free(b->data);
    }
    b->data = p;
    b->cap = cap;
    return true;
}

bool mdc_buf_append(struct mdc_buf *b, const void *data, size_t len)
{
    if (len == 0)
        return b != NULL;
    if (data == NULL || !mdc_buf_reserve(b, len))
        return false;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return true;
}

bool mdc_buf_append_byte(struct mdc_buf *b, uint8_t byte)
{
    return mdc_buf_append(b, &byte, 1);
}

void mdc_buf_clear(struct mdc_buf *b)
{
    if (b == NULL)
        return;
    if (b->data != NULL)
        OPENSSL_cleanse(b->data, b->cap);
    b->len = 0;
}

void mdc_buf_free(struct mdc_buf *b)
{
    if (b == NULL)
        return;
    mdc_buf_clear(b);
    free(b->data);
    b->data = NULL;
    b->cap = 0;
}
