/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS commands used to open a card: SELECT by partial AID, GET DATA of a
 * data object, PIN status; plus the pure parsers of their answers.
 */
#include "gids/gids.h"

#include "util/log.h"

#include <string.h>

/* Partial AID shared by all GIDS versions (GIDS-AND-MINIDRIVER.md 2.2). */
static const uint8_t gids_partial_aid[] = {0xA0, 0x00, 0x00, 0x03, 0x97, 0x42, 0x54, 0x46, 0x59};

mdc_card_rc mdc_gids_rc_from_pcsc(struct mdc_pcsc_res r)
{
    mdc_card_rc rc = {MDC_CARD_OK, r.sw};

    switch (r.err) {
    case MDC_PCSC_OK:
        rc.status = r.sw == 0x9000 ? MDC_CARD_OK : MDC_CARD_SW;
        break;
    case MDC_PCSC_NO_CARD:
    case MDC_PCSC_NO_READER:
    case MDC_PCSC_NO_SERVICE:
        rc.status = MDC_CARD_NO_CARD;
        break;
    case MDC_PCSC_REMOVED:
        rc.status = MDC_CARD_REMOVED;
        break;
    case MDC_PCSC_RESET:
        rc.status = MDC_CARD_RESET;
        break;
    case MDC_PCSC_SHARING:
        rc.status = MDC_CARD_BUSY;
        break;
    case MDC_PCSC_NOMEM:
        rc.status = MDC_CARD_NOMEM;
        break;
    case MDC_PCSC_ARGS:
        rc.status = MDC_CARD_ARGS;
        break;
    case MDC_PCSC_PROTOCOL:
        rc.status = MDC_CARD_BAD_RESPONSE;
        break;
    case MDC_PCSC_UNRESPONSIVE:
    case MDC_PCSC_COMM:
        rc.status = MDC_CARD_COMM;
        break;
    }
    return rc;
}

bool mdc_gids_parse_fci(const uint8_t *fci, size_t len, uint8_t aid[MDC_GIDS_AID_MAX],
                        size_t *aid_len)
{
    struct mdc_tlv t61, t4f;

    if (aid == NULL || aid_len == NULL)
        return false;
    *aid_len = 0;
    if (mdc_tlv_find(fci, len, 0x61, &t61) != MDC_TLV_OK)
        return false;
    if (mdc_tlv_find(t61.value, t61.len, 0x4F, &t4f) != MDC_TLV_OK || t4f.len == 0 ||
        t4f.len > MDC_GIDS_AID_MAX)
        return false;
    memcpy(aid, t4f.value, t4f.len);
    *aid_len = t4f.len;
    return true;
}

mdc_card_rc mdc_gids_select(struct mdc_pcsc_conn *conn, uint8_t aid[MDC_GIDS_AID_MAX],
                            size_t *aid_len)
{
    struct mdc_apdu a = {0x00, 0xA4, 0x04, 0x00, gids_partial_aid, sizeof(gids_partial_aid),
                         true, 256};
    struct mdc_buf fci = MDC_BUF_INIT;
    mdc_card_rc rc;

    if (aid == NULL || aid_len == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    *aid_len = 0;
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &a, &fci));
    if (rc.status == MDC_CARD_SW) {
        /* 6A82, 6D00, 6E00...: whatever the reason, not a GIDS card. */
        MDC_DEBUG(MDC_CAT_GIDS, "SELECT GIDS answered %04X: not a GIDS card", rc.sw);
        rc.status = MDC_CARD_NOT_THIS_EDGE;
    } else if (rc.status == MDC_CARD_OK) {
        /* Windows 7-era cards send no FCI; that is fine. */
        if (fci.len != 0 && !mdc_gids_parse_fci(fci.data, fci.len, aid, aid_len))
            MDC_DEBUG(MDC_CAT_GIDS, "SELECT GIDS: FCI of %zu bytes without 61/4F, ignored",
                      fci.len);
    }
    mdc_buf_free(&fci);
    return rc;
}

mdc_card_rc mdc_gids_parse_do(const uint8_t *resp, size_t len, uint16_t tag, struct mdc_tlv *out)
{
    if (out == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    /* The card answers with the whole TLV; it must be exactly our tag. */
    if (mdc_tlv_read(resp, len, out) != MDC_TLV_OK || out->tag != tag) {
        MDC_DEBUG(MDC_CAT_GIDS, "GET DATA %04X: response of %zu bytes is not a %04X TLV", tag, len,
                  tag);
        return (mdc_card_rc){MDC_CARD_BAD_RESPONSE, 0x9000};
    }
    if (out->size != len)
        MDC_DEBUG(MDC_CAT_GIDS, "GET DATA %04X: %zu trailing bytes ignored", tag, len - out->size);
    return (mdc_card_rc){MDC_CARD_OK, 0x9000};
}

static mdc_card_rc get_data_raw(struct mdc_pcsc_conn *conn, uint16_t ef, uint16_t tag,
                                struct mdc_buf *resp)
{
    uint8_t data[4] = {0x5C, 0x02, (uint8_t)(tag >> 8), (uint8_t)tag};
    struct mdc_apdu a = {0x00, 0xCB, (uint8_t)(ef >> 8), (uint8_t)ef, data, sizeof(data),
                         true, 256};
    mdc_card_rc rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &a, resp));

    if (rc.status == MDC_CARD_SW && rc.sw == 0x6A88)
        rc.status = MDC_CARD_ABSENT;
    return rc;
}

mdc_card_rc mdc_gids_get_data(struct mdc_pcsc_conn *conn, uint16_t ef, uint16_t tag,
                              struct mdc_buf *value)
{
    struct mdc_buf resp = MDC_BUF_INIT;
    struct mdc_tlv t;
    mdc_card_rc rc;

    if (value == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    mdc_buf_clear(value);
    rc = get_data_raw(conn, ef, tag, &resp);
    if (rc.status == MDC_CARD_OK) {
        rc = mdc_gids_parse_do(resp.data, resp.len, tag, &t);
        if (rc.status == MDC_CARD_OK && !mdc_buf_append(value, t.value, t.len))
            rc.status = MDC_CARD_NOMEM;
    }
    MDC_DEBUG(MDC_CAT_GIDS, "GET DATA %04X/%04X: status %d SW %04X, %zu bytes", ef, tag,
              (int)rc.status, rc.sw, value->len);
    mdc_buf_free(&resp);
    return rc;
}

mdc_card_rc mdc_gids_parse_pin_status(const uint8_t *resp, size_t len, struct mdc_pin_info *info)
{
    struct mdc_tlv outer, t;
    mdc_card_rc bad = {MDC_CARD_BAD_RESPONSE, 0x9000};

    if (info == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    memset(info, 0, sizeof(*info));
    if (mdc_tlv_read(resp, len, &outer) != MDC_TLV_OK ||
        (outer.tag != MDC_GIDS_DO_PIN_STATUS && outer.tag != 0x7F72))
        return bad;
    /* Tries left: 97, or 9F17 on older cards; limit: 93 (optional). */
    if (mdc_tlv_find(outer.value, outer.len, 0x97, &t) != MDC_TLV_OK &&
        mdc_tlv_find(outer.value, outer.len, 0x9F17, &t) != MDC_TLV_OK)
        return bad;
    if (t.len != 1)
        return bad;
    info->tries_left = t.value[0];
    info->tries_known = true;
    if (mdc_tlv_find(outer.value, outer.len, 0x93, &t) == MDC_TLV_OK && t.len == 1)
        info->try_limit = t.value[0];
    return (mdc_card_rc){MDC_CARD_OK, 0x9000};
}

mdc_card_rc mdc_gids_pin_status(struct mdc_pcsc_conn *conn, struct mdc_pin_info *info)
{
    struct mdc_buf resp = MDC_BUF_INIT;
    mdc_card_rc rc;

    if (info == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    memset(info, 0, sizeof(*info));
    rc = get_data_raw(conn, MDC_GIDS_EF_APP, MDC_GIDS_DO_PIN_STATUS, &resp);
    if (rc.status == MDC_CARD_OK)
        rc = mdc_gids_parse_pin_status(resp.data, resp.len, info);
    MDC_DEBUG(MDC_CAT_GIDS, "PIN status: status %d SW %04X, tries %u/%u", (int)rc.status, rc.sw,
              info->tries_left, info->try_limit);
    mdc_buf_free(&resp);
    return rc;
}
