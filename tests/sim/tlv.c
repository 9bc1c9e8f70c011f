// SPDX-License-Identifier: LGPL-2.1-or-later
/* gids-sim: BER-TLV parsing and encoding (tags of 1..3 bytes, lengths up to 82 xx xx). */
#include "sim.h"

/* Parses the tag and length at p; the value need not be complete (chained PUT DATA). */
int sim_tlv_head(const unsigned char *p, size_t n, unsigned *tag, size_t *hdr, size_t *vlen)
{
    size_t i = 0;
    unsigned t;

    if (n < 1)
        return -1;
    t = p[i++];
    if ((t & 0x1F) == 0x1F) {
        do {
            if (i >= n || i >= 3)
                return -1;
            t = t << 8 | p[i];
        } while (p[i++] & 0x80);
    }
    if (i >= n)
        return -1;
    if (p[i] < 0x80) {
        *vlen = p[i++];
    } else if (p[i] == 0x81) {
        if (i + 2 > n)
            return -1;
        *vlen = p[i + 1];
        i += 2;
    } else if (p[i] == 0x82) {
        if (i + 3 > n)
            return -1;
        *vlen = (size_t)p[i + 1] << 8 | p[i + 2];
        i += 3;
    } else {
        return -1;
    }
    *tag = t;
    *hdr = i;
    return 0;
}

/* Takes the next complete TLV from (*p, *n); -1 if malformed or truncated. */
int sim_tlv_next(const unsigned char **p, size_t *n, unsigned *tag, const unsigned char **v,
                 size_t *vlen)
{
    size_t hdr;
    if (sim_tlv_head(*p, *n, tag, &hdr, vlen) || *vlen > *n - hdr)
        return -1;
    *v = *p + hdr;
    *p += hdr + *vlen;
    *n -= hdr + *vlen;
    return 0;
}

/* Finds tag among the TLVs at one level; NULL if absent or the level is malformed. */
const unsigned char *sim_tlv_find(const unsigned char *p, size_t n, unsigned tag, size_t *vlen)
{
    unsigned t;
    const unsigned char *v;
    size_t l;

    while (n > 0) {
        if (sim_tlv_next(&p, &n, &t, &v, &l))
            return NULL;
        if (t == tag) {
            *vlen = l;
            return v;
        }
    }
    return NULL;
}

int sim_tlv_put_tag(struct sim_buf *b, unsigned tag)
{
    int r = 0;
    if (tag > 0xFFFF)
        r |= sim_buf_byte(b, tag >> 16);
    if (tag > 0xFF)
        r |= sim_buf_byte(b, (tag >> 8) & 0xFF);
    r |= sim_buf_byte(b, tag & 0xFF);
    return r;
}

int sim_tlv_put_len(struct sim_buf *b, size_t len)
{
    int r = 0;
    if (len < 0x80) {
        r = sim_buf_byte(b, (unsigned)len);
    } else if (len < 0x100) {
        r |= sim_buf_byte(b, 0x81);
        r |= sim_buf_byte(b, (unsigned)len);
    } else {
        r |= sim_buf_byte(b, 0x82);
        r |= sim_buf_byte(b, (unsigned)(len >> 8));
        r |= sim_buf_byte(b, (unsigned)(len & 0xFF));
    }
    return r;
}

int sim_tlv_put(struct sim_buf *b, unsigned tag, const void *v, size_t len)
{
    if (sim_tlv_put_tag(b, tag) || sim_tlv_put_len(b, len))
        return -1;
    return sim_buf_put(b, v, len);
}
