/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Minidriver file writes on a GIDS card: PUT DATA of one DO (chained), the
 * DO deletion protocol, and write/create/delete of files through the master
 * table in the order of DESIGN.md 5 (GIDS-AND-MINIDRIVER.md 2.6, 3.2, 4.6,
 * 4.7): a new DO before the table record that references it, a record
 * removed before the DO it referenced. The transaction's cached table is
 * edited in step with the card, or dropped when the two may differ.
 */
#include "gids/gids.h"

#include "util/log.h"

#include <string.h>

/* Largest DO value GidsApplet stores (2.4); also keeps BER lengths at 82 xx xx. */
#define GIDS_DO_MAX 32767u
/* Deleting a DO with content takes two empty writes on GidsApplet; a card
 * still answering "<tag> 00" after this many is not behaving like GIDS. */
#define GIDS_DELETE_WRITES_MAX 3

static const mdc_card_rc card_full = {MDC_CARD_SW, 0x6A84};

size_t mdc_gids_ber_len(size_t len, uint8_t out[3])
{
    if (len < 0x80) {
        out[0] = (uint8_t)len;
        return 1;
    }
    if (len <= 0xFF) {
        out[0] = 0x81;
        out[1] = (uint8_t)len;
        return 2;
    }
    out[0] = 0x82;
    out[1] = (uint8_t)(len >> 8);
    out[2] = (uint8_t)len;
    return 3;
}

mdc_card_rc mdc_gids_put_data(struct mdc_pcsc_conn *conn, uint16_t ef, uint16_t tag,
                              const uint8_t *value, size_t len)
{
    struct mdc_buf tlv = MDC_BUF_INIT;
    uint8_t hdr[5], ber[3];
    size_t blen;
    mdc_card_rc rc;

    if (value == NULL && len != 0)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    if (len > GIDS_DO_MAX) {
        MDC_WARN(MDC_CAT_GIDS, "DO of %zu bytes exceeds what a GIDS card stores", len);
        return card_full;
    }
    hdr[0] = (uint8_t)(tag >> 8);
    hdr[1] = (uint8_t)tag;
    blen = mdc_gids_ber_len(len, ber);
    memcpy(hdr + 2, ber, blen);
    if (!mdc_buf_append(&tlv, hdr, 2 + blen) || !mdc_buf_append(&tlv, value, len)) {
        mdc_buf_free(&tlv);
        return (mdc_card_rc){MDC_CARD_NOMEM, 0};
    }
    {
        struct mdc_apdu a = {0x00,  0xDB, (uint8_t)(ef >> 8), (uint8_t)ef, tlv.data, tlv.len,
                             false, 0};
        rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit_chain(conn, &a, NULL));
    }
    MDC_DEBUG(MDC_CAT_GIDS, "PUT DATA %04X/%04X (%zu bytes): status %d SW %04X", ef, tag, len,
              (int)rc.status, rc.sw);
    mdc_buf_free(&tlv);
    return rc;
}

mdc_card_rc mdc_gids_delete_do(struct mdc_pcsc_conn *conn, uint16_t ef, uint16_t tag)
{
    struct mdc_buf val = MDC_BUF_INIT;
    mdc_card_rc rc = {MDC_CARD_OK, 0};
    int n;

    /* Write empty, look, and write empty again only while the card shows an
     * empty DO: a blind second write would re-create a deleted DO. */
    for (n = 0; n < GIDS_DELETE_WRITES_MAX; n++) {
        rc = mdc_gids_put_data(conn, ef, tag, NULL, 0);
        if (rc.status != MDC_CARD_OK)
            break;
        rc = mdc_gids_get_data(conn, ef, tag, &val);
        if (rc.status == MDC_CARD_ABSENT) {
            rc = (mdc_card_rc){MDC_CARD_OK, rc.sw};
            break;
        }
        if (rc.status != MDC_CARD_OK)
            break;
        if (val.len != 0) {
            MDC_WARN(MDC_CAT_GIDS, "DO %04X/%04X kept %zu bytes after an empty write", ef, tag,
                     val.len);
            rc = (mdc_card_rc){MDC_CARD_BAD_RESPONSE, rc.sw};
            break;
        }
    }
    if (n == GIDS_DELETE_WRITES_MAX) {
        MDC_WARN(MDC_CAT_GIDS, "DO %04X/%04X still present after %d empty writes", ef, tag, n);
        rc = (mdc_card_rc){MDC_CARD_BAD_RESPONSE, rc.sw};
    }
    mdc_buf_free(&val);
    MDC_DEBUG(MDC_CAT_GIDS, "delete DO %04X/%04X: status %d SW %04X", ef, tag, (int)rc.status,
              rc.sw);
    return rc;
}

/* The cached table, writable: only write.c edits it, and only in step with
 * the card (or it drops it). */
static mdc_card_rc table_for_write(struct mdc_card *card, mdc_gids_mft **mft)
{
    const mdc_gids_mft *ro;
    mdc_card_rc rc = mdc_gids_table_get(card, &ro);

    *mft = rc.status == MDC_CARD_OK ? &card->mft : NULL;
    return rc;
}

mdc_card_rc mdc_gids_table_put(struct mdc_card *card)
{
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    mdc_mdfs_rv prv;
    mdc_card_rc rc;

    prv = mdc_gids_mft_build(&card->mft, &raw, &raw_len);
    if (prv != MDC_MDFS_OK) {
        mdc_gids_table_drop(card);
        return (mdc_card_rc){prv == MDC_MDFS_ERR_NO_MEMORY ? MDC_CARD_NOMEM : MDC_CARD_ARGS, 0};
    }
    rc = mdc_gids_put_data(card->conn, MDC_GIDS_EF_A000, MDC_GIDS_DO_MASTER, raw, raw_len);
    mdc_mdfs_free(raw);
    /* Failed: the card may hold either table now; read it again next time. */
    if (rc.status != MDC_CARD_OK)
        mdc_gids_table_drop(card);
    return rc;
}

static mdc_card_rc mdfs_rc(mdc_mdfs_rv prv)
{
    switch (prv) {
    case MDC_MDFS_OK:
        return (mdc_card_rc){MDC_CARD_OK, 0};
    case MDC_MDFS_ERR_NO_MEMORY:
        return (mdc_card_rc){MDC_CARD_NOMEM, 0};
    case MDC_MDFS_ERR_EXISTS:
        return (mdc_card_rc){MDC_CARD_EXISTS, 0};
    case MDC_MDFS_ERR_NOT_FOUND:
        return (mdc_card_rc){MDC_CARD_ABSENT, 0};
    case MDC_MDFS_ERR_FULL:
    case MDC_MDFS_ERR_TOO_LARGE:
        return card_full;
    default:
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    }
}

/* Keep the remembered cardcf/cardid locations true after a repoint. */
static void note_moved(struct mdc_card *card, const char *dir, const char *name, uint16_t ef,
                       uint16_t tag)
{
    struct mdc_gids_location *loc = NULL;

    if (dir != NULL && *dir != '\0')
        return;
    if (mdc_gids_same_name(name, "cardcf"))
        loc = &card->loc_cardcf;
    else if (mdc_gids_same_name(name, "cardid"))
        loc = &card->loc_cardid;
    if (loc != NULL)
        *loc = (struct mdc_gids_location){ef, tag};
}

mdc_card_rc mdc_gids_write_file(struct mdc_card *card, const char *dir, const char *name,
                                const uint8_t *data, size_t len, bool copy_on_write)
{
    mdc_gids_mft *mft;
    mdc_card_rc rc, del;
    mdc_mdfs_rv prv;
    uint16_t old_ef, old_tag;
    uint32_t tag;
    size_t idx;

    if (card == NULL || name == NULL || *name == '\0' || (data == NULL && len != 0))
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    if (dir == NULL)
        dir = "";
    rc = table_for_write(card, &mft);
    if (rc.status != MDC_CARD_OK)
        return rc;
    prv = mdc_gids_mft_find(mft, dir, name, &idx);
    if (prv != MDC_MDFS_OK)
        return mdfs_rc(prv);
    if (!mdc_gids_mft_location_usable(mft->records[idx].ef, mft->records[idx].tag)) {
        MDC_WARN(MDC_CAT_GIDS, "'%s/%s' has no usable location in the master table", dir, name);
        return (mdc_card_rc){MDC_CARD_BAD_RESPONSE, 0};
    }
    old_ef = (uint16_t)mft->records[idx].ef;
    old_tag = (uint16_t)mft->records[idx].tag;
    if (!copy_on_write)
        return mdc_gids_put_data(card->conn, old_ef, old_tag, data, len);

    /* Copy-on-write: new DO, table repointed, then the old DO deleted. An
     * interruption leaves the old file intact or the new one complete. */
    prv = mdc_gids_mft_free_tag(mft, MDC_GIDS_EF_USER, &tag);
    if (prv != MDC_MDFS_OK)
        return mdfs_rc(prv);
    rc = mdc_gids_put_data(card->conn, MDC_GIDS_EF_USER, (uint16_t)tag, data, len);
    if (rc.status != MDC_CARD_OK)
        return rc;
    prv = mdc_gids_mft_repoint(mft, dir, name, MDC_GIDS_EF_USER, tag);
    if (prv != MDC_MDFS_OK) {
        mdc_gids_table_drop(card);
        return mdfs_rc(prv);
    }
    rc = mdc_gids_table_put(card);
    if (rc.status != MDC_CARD_OK)
        return rc;
    note_moved(card, dir, name, MDC_GIDS_EF_USER, (uint16_t)tag);
    del = mdc_gids_delete_do(card->conn, old_ef, old_tag);
    if (del.status != MDC_CARD_OK) {
        /* The file is written and referenced; the old DO is only an orphan
         * that allocation may reuse. The caller must still hear of a card
         * that stopped answering. */
        MDC_WARN(MDC_CAT_GIDS, "old DO %04X/%04X of '%s/%s' not deleted (status %d SW %04X)",
                 old_ef, old_tag, dir, name, (int)del.status, del.sw);
        if (del.status != MDC_CARD_SW && del.status != MDC_CARD_BAD_RESPONSE)
            return del;
    }
    MDC_DEBUG(MDC_CAT_GIDS, "'%s/%s' moved from %04X/%04X to %04X/%04X", dir, name, old_ef, old_tag,
              MDC_GIDS_EF_USER, (unsigned)tag);
    return rc;
}

mdc_card_rc mdc_gids_create_file(struct mdc_card *card, const char *dir, const char *name,
                                 const uint8_t *data, size_t len)
{
    mdc_gids_mft *mft;
    mdc_card_rc rc;
    mdc_mdfs_rv prv;
    uint32_t tag;
    size_t idx;

    if (card == NULL || name == NULL || *name == '\0' || (data == NULL && len != 0))
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    if (dir == NULL)
        dir = "";
    rc = table_for_write(card, &mft);
    if (rc.status != MDC_CARD_OK)
        return rc;
    if (mdc_gids_mft_find(mft, dir, name, &idx) == MDC_MDFS_OK) {
        MDC_DEBUG(MDC_CAT_GIDS, "create '%s/%s': the name is taken", dir, name);
        return (mdc_card_rc){MDC_CARD_EXISTS, 0};
    }
    if (*dir != '\0' && mdc_gids_mft_find(mft, dir, "", &idx) != MDC_MDFS_OK) {
        MDC_DEBUG(MDC_CAT_GIDS, "create '%s/%s': no such directory", dir, name);
        return (mdc_card_rc){MDC_CARD_ABSENT, 0};
    }
    prv = mdc_gids_mft_free_tag(mft, MDC_GIDS_EF_USER, &tag);
    if (prv != MDC_MDFS_OK)
        return mdfs_rc(prv);
    /* The record goes into the copy first: it checks the name before
     * anything is written to the card. */
    prv = mdc_gids_mft_add(mft, dir, name, MDC_GIDS_EF_USER, tag);
    if (prv != MDC_MDFS_OK)
        return mdfs_rc(prv);
    rc = mdc_gids_put_data(card->conn, MDC_GIDS_EF_USER, (uint16_t)tag, data, len);
    if (rc.status != MDC_CARD_OK) {
        mdc_gids_table_drop(card);
        return rc;
    }
    rc = mdc_gids_table_put(card);
    MDC_DEBUG(MDC_CAT_GIDS, "create '%s/%s' at %04X/%04X: status %d SW %04X", dir, name,
              MDC_GIDS_EF_USER, (unsigned)tag, (int)rc.status, rc.sw);
    return rc;
}

mdc_card_rc mdc_gids_delete_file(struct mdc_card *card, const char *dir, const char *name)
{
    mdc_gids_mft *mft;
    mdc_card_rc rc;
    mdc_mdfs_rv prv;
    uint16_t ef, tag;
    bool located;
    size_t idx;

    if (card == NULL || name == NULL || *name == '\0')
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    if (dir == NULL)
        dir = "";
    rc = table_for_write(card, &mft);
    if (rc.status != MDC_CARD_OK)
        return rc;
    prv = mdc_gids_mft_find(mft, dir, name, &idx);
    if (prv != MDC_MDFS_OK)
        return mdfs_rc(prv);
    located = mdc_gids_mft_location_usable(mft->records[idx].ef, mft->records[idx].tag);
    ef = (uint16_t)mft->records[idx].ef;
    tag = (uint16_t)mft->records[idx].tag;
    prv = mdc_gids_mft_remove(mft, dir, name);
    if (prv != MDC_MDFS_OK) {
        mdc_gids_table_drop(card);
        return mdfs_rc(prv);
    }
    rc = mdc_gids_table_put(card);
    if (rc.status != MDC_CARD_OK)
        return rc;
    if (!located) {
        MDC_WARN(MDC_CAT_GIDS, "'%s/%s' had no usable location; only its record was removed", dir,
                 name);
        return rc;
    }
    rc = mdc_gids_delete_do(card->conn, ef, tag);
    if (rc.status == MDC_CARD_SW || rc.status == MDC_CARD_BAD_RESPONSE) {
        /* The file is gone from the table; its DO is an orphan (4.14). */
        MDC_WARN(MDC_CAT_GIDS, "DO %04X/%04X of deleted '%s/%s' left behind (status %d SW %04X)",
                 ef, tag, dir, name, (int)rc.status, rc.sw);
        rc = (mdc_card_rc){MDC_CARD_OK, rc.sw};
    }
    return rc;
}
