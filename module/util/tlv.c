/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* BER-TLV reader (see tlv.h). Pure: no I/O, no allocation, no globals. */
#include "util/tlv.h"

enum mdc_tlv_rc mdc_tlv_read(const uint8_t *p, size_t n, struct mdc_tlv *out)
{
    size_t pos = 0, len;
    uint16_t tag;

    if (out == NULL || (p == NULL && n != 0))
        return MDC_TLV_MALFORMED;
    if (n == 0)
        return MDC_TLV_END;
    tag = p[pos++];
    if ((tag & 0x1f) == 0x1f) {
        if (pos >= n)
            return MDC_TLV_MALFORMED;
        /* A second byte with bit 8 set announces a third: not used by GIDS. */
        if (p[pos] & 0x80)
            return MDC_TLV_MALFORMED;
        tag = (uint16_t)(tag << 8 | p[pos++]);
    }
    if (pos >= n)
        return MDC_TLV_MALFORMED;
    len = p[pos++];
    if (len == 0x81) {
        if (n - pos < 1)
            return MDC_TLV_MALFORMED;
        len = p[pos++];
    } else if (len == 0x82) {
        if (n - pos < 2)
            return MDC_TLV_MALFORMED;
        len = (size_t)p[pos] << 8 | p[pos + 1];
        pos += 2;
    } else if (len > 0x7f) {
        return MDC_TLV_MALFORMED; /* indefinite or longer forms */
    }
    if (len > n - pos)
        return MDC_TLV_MALFORMED;
    out->tag = tag;
    out->len = len;
    out->value = p + pos;
    out->size = pos + len;
    return MDC_TLV_OK;
}

enum mdc_tlv_rc mdc_tlv_find(const uint8_t *p, size_t n, uint16_t tag, struct mdc_tlv *out)
{
    struct mdc_tlv t;
    size_t off = 0;

    if (out == NULL || (p == NULL && n != 0))
        return MDC_TLV_MALFORMED;
    while (off < n) {
        enum mdc_tlv_rc rc = mdc_tlv_read(p + off, n - off, &t);

        if (rc != MDC_TLV_OK)
            return rc;
        if (t.tag == tag) {
            *out = t;
            return MDC_TLV_OK;
        }
        off += t.size;
    }
    return MDC_TLV_END;
}
