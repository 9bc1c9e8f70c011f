/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading a container's RSA public key: GET DATA 3FFF with the 70 { 84 kid,
 * A5 { 7F49 80 } } template, and the parser of the 7F49 answer
 * (GIDS-AND-MINIDRIVER.md 2.8).
 */
#include "gids/gids.h"

#include "util/log.h"

#include <string.h>

/* Modulus bytes for a key size, with one byte of slack either way (a card
 * may send a leading 00, or a key may be a bit short of its nominal size). */
static bool modulus_fits(size_t len, unsigned bits)
{
    size_t want = ((size_t)bits + 7) / 8;

    return len + 1 >= want && len <= want + 1;
}

mdc_card_rc mdc_gids_parse_pubkey(const uint8_t *resp, size_t len, unsigned bits,
                                  struct mdc_card_pubkey *out)
{
    mdc_card_rc bad = {MDC_CARD_BAD_RESPONSE, 0x9000};
    struct mdc_tlv tmpl, t, mod = {0, 0, NULL, 0}, exp = {0, 0, NULL, 0};
    size_t off;

    if (out == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    mdc_buf_clear(&out->modulus);
    mdc_buf_clear(&out->exponent);
    if (mdc_tlv_read(resp, len, &tmpl) != MDC_TLV_OK || tmpl.tag != 0x7F49) {
        MDC_DEBUG(MDC_CAT_GIDS, "public key: %zu bytes without a 7F49 template", len);
        return bad;
    }
    if (tmpl.size != len)
        MDC_DEBUG(MDC_CAT_GIDS, "public key: %zu bytes after 7F49 ignored", len - tmpl.size);
    /* Walk every element so that a malformed one is noticed, not skipped. */
    for (off = 0; off < tmpl.len; off += t.size) {
        if (mdc_tlv_read(tmpl.value + off, tmpl.len - off, &t) != MDC_TLV_OK) {
            MDC_DEBUG(MDC_CAT_GIDS, "public key: malformed element at offset %zu of 7F49", off);
            return bad;
        }
        if ((t.tag == 0x81 && mod.value != NULL) || (t.tag == 0x82 && exp.value != NULL)) {
            MDC_DEBUG(MDC_CAT_GIDS, "public key: element %02X twice", (unsigned)t.tag);
            return bad;
        }
        if (t.tag == 0x81)
            mod = t;
        else if (t.tag == 0x82)
            exp = t;
    }
    if (mod.value == NULL || exp.value == NULL || mod.len == 0 || exp.len == 0) {
        MDC_DEBUG(MDC_CAT_GIDS, "public key: modulus or exponent missing or empty");
        return bad;
    }
    if (bits != 0 && !modulus_fits(mod.len, bits)) {
        MDC_WARN(MDC_CAT_GIDS, "public key: modulus of %zu bytes for a %u-bit key", mod.len, bits);
        return bad;
    }
    if (!mdc_buf_append(&out->modulus, mod.value, mod.len) ||
        !mdc_buf_append(&out->exponent, exp.value, exp.len)) {
        mdc_buf_clear(&out->modulus);
        mdc_buf_clear(&out->exponent);
        return (mdc_card_rc){MDC_CARD_NOMEM, 0x9000};
    }
    return (mdc_card_rc){MDC_CARD_OK, 0x9000};
}

mdc_card_rc mdc_gids_get_public_key(struct mdc_pcsc_conn *conn, const struct mdc_card_key *key,
                                    struct mdc_card_pubkey *out)
{
    uint8_t data[10] = {0x70, 0x08, 0x84, 0x01, 0x00, 0xA5, 0x03, 0x7F, 0x49, 0x80};
    struct mdc_apdu a = {0x00, 0xCB, 0x3F, 0xFF, data, sizeof(data), true, 256};
    struct mdc_buf resp = MDC_BUF_INIT;
    mdc_card_rc rc;

    if (key == NULL || out == NULL || key->index >= MDC_GIDS_CONTAINERS_MAX)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    mdc_buf_clear(&out->modulus);
    mdc_buf_clear(&out->exponent);
    data[4] = (uint8_t)(MDC_GIDS_KID_FIRST + key->index);
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &a, &resp));
    /* 6984: unknown key reference; 6A88: key EF without a key yet. */
    if (rc.status == MDC_CARD_SW && (rc.sw == 0x6984 || rc.sw == 0x6A88))
        rc.status = MDC_CARD_ABSENT;
    if (rc.status == MDC_CARD_OK)
        rc = mdc_gids_parse_pubkey(resp.data, resp.len, key->bits, out);
    MDC_DEBUG(MDC_CAT_GIDS, "public key of container %u (kid %02X): status %d SW %04X, %zu bits",
              key->index, data[4], (int)rc.status, rc.sw, out->modulus.len * 8);
    mdc_buf_free(&resp);
    return rc;
}
