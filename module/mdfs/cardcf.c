/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cardcf: parse, bump (wrap-around, unknown bytes kept) and compare. */
#include "mdfs/cardcf.h"

#include <string.h>

mdc_mdfs_rv mdc_mdfs_cardcf_parse(const uint8_t *buf, size_t len, mdc_cardcf *out)
{
    if (out == NULL || (buf == NULL && len != 0))
        return MDC_MDFS_ERR_ARGS;
    if (len < MDC_CARDCF_MIN_LEN)
        return MDC_MDFS_ERR_TRUNCATED;
    if (len > MDC_CARDCF_MAX_LEN)
        return MDC_MDFS_ERR_TOO_LARGE;
    out->version = buf[0];
    out->pins = buf[1];
    out->containers = mdc_mdfs_get_le16(buf + 2);
    out->files = mdc_mdfs_get_le16(buf + 4);
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_cardcf_bump(const uint8_t *in, size_t len, unsigned which, uint8_t *out)
{
    mdc_cardcf cf;
    mdc_mdfs_rv rv;

    if (in == NULL || out == NULL || (which & ~MDC_CARDCF_ALL) != 0)
        return MDC_MDFS_ERR_ARGS;
    rv = mdc_mdfs_cardcf_parse(in, len, &cf);
    if (rv != MDC_MDFS_OK)
        return rv;
    if (out != in)
        memmove(out, in, len);
    /* Casts make the wrap-around explicit: 0xff + 1 = 0x00, 0xffff + 1 = 0x0000. */
    if (which & MDC_CARDCF_PINS)
        out[1] = (uint8_t)(cf.pins + 1u);
    if (which & MDC_CARDCF_CONTAINERS)
        mdc_mdfs_put_le16(out + 2, (uint16_t)(cf.containers + 1u));
    if (which & MDC_CARDCF_FILES)
        mdc_mdfs_put_le16(out + 4, (uint16_t)(cf.files + 1u));
    return MDC_MDFS_OK;
}

unsigned mdc_mdfs_cardcf_diff(const mdc_cardcf *a, const mdc_cardcf *b)
{
    unsigned d = 0;

    if (a == NULL || b == NULL)
        return MDC_CARDCF_ALL | MDC_CARDCF_OTHER;
    if (a->pins != b->pins)
        d |= MDC_CARDCF_PINS;
    if (a->containers != b->containers)
        d |= MDC_CARDCF_CONTAINERS;
    if (a->files != b->files)
        d |= MDC_CARDCF_FILES;
    return d;
}

unsigned mdc_mdfs_cardcf_diff_raw(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    mdc_cardcf ca, cb;
    unsigned d;

    if (mdc_mdfs_cardcf_parse(a, a_len, &ca) != MDC_MDFS_OK ||
        mdc_mdfs_cardcf_parse(b, b_len, &cb) != MDC_MDFS_OK)
        return MDC_CARDCF_ALL | MDC_CARDCF_OTHER;
    d = mdc_mdfs_cardcf_diff(&ca, &cb);
    if (ca.version != cb.version || a_len != b_len ||
        memcmp(a + MDC_CARDCF_MIN_LEN, b + MDC_CARDCF_MIN_LEN, a_len - MDC_CARDCF_MIN_LEN) != 0)
        d |= MDC_CARDCF_OTHER;
    return d;
}
