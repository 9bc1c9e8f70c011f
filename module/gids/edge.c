/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS implementation of the card-edge interface (mdcard/card_edge.h):
 * open/identify, transactions with reset recovery, card info, and the thin
 * entries into the read-side operations (files, keys, PIN, crypto, random)
 * and the write-side ones (write.c, keys.c, admin.c, init.c).
 */
#include "gids/gids.h"

#include "util/log.h"

#include <stdlib.h>
#include <string.h>

/* Result of a transport call that has no status word (connect, begin...). */
static mdc_card_rc transport_rc(enum mdc_pcsc_err err)
{
    if (err == MDC_PCSC_OK)
        return (mdc_card_rc){MDC_CARD_OK, 0};
    return mdc_gids_rc_from_pcsc((struct mdc_pcsc_res){err, 0});
}

/* After a (re)selection nothing read before may be trusted. */
static mdc_card_rc reselect(struct mdc_card *card)
{
    mdc_gids_table_drop(card);
    return mdc_gids_select(card->conn, card->aid, &card->aid_len);
}

static mdc_card_rc gids_open(struct mdc_pcsc *pcsc, const char *reader, struct mdc_card **out)
{
    struct mdc_card *card;
    mdc_card_rc rc;
    enum mdc_pcsc_err err;

    if (pcsc == NULL || reader == NULL || out == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    *out = NULL;
    card = calloc(1, sizeof(*card));
    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_NOMEM, 0};
    card->loc_cardcf = (struct mdc_gids_location){MDC_GIDS_EF_A010, MDC_GIDS_DO_CARDCF};
    card->loc_cardid = (struct mdc_gids_location){MDC_GIDS_EF_A012, MDC_GIDS_DO_CARDID};
    err = mdc_pcsc_connect(pcsc, reader, &card->conn);
    if (err != MDC_PCSC_OK) {
        free(card);
        return transport_rc(err);
    }
    err = mdc_pcsc_begin(card->conn);
    if (err != MDC_PCSC_OK) {
        mdc_pcsc_disconnect(card->conn);
        free(card);
        return transport_rc(err);
    }
    rc = reselect(card);
    mdc_pcsc_end(card->conn);
    if (rc.status != MDC_CARD_OK) {
        mdc_pcsc_disconnect(card->conn);
        free(card);
        return rc;
    }
    MDC_DEBUG(MDC_CAT_GIDS, "GIDS card in '%s' (AID of %zu bytes)", reader, card->aid_len);
    *out = card;
    return rc;
}

static void gids_close(struct mdc_card *card)
{
    if (card == NULL)
        return;
    mdc_gids_table_drop(card);
    mdc_buf_free(&card->probe);
    mdc_pcsc_disconnect(card->conn);
    free(card);
}

static mdc_card_rc gids_begin(struct mdc_card *card)
{
    enum mdc_pcsc_err err;
    mdc_card_rc rc;

    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    mdc_gids_table_drop(card); /* normally gone since end(); never trust it here */
    err = mdc_pcsc_begin(card->conn);
    if (err != MDC_PCSC_RESET)
        return transport_rc(err);
    /* Someone reset the card: the applet selection (and any login) is gone. */
    MDC_INFO(MDC_CAT_GIDS, "card was reset; reconnecting and re-selecting GIDS");
    err = mdc_pcsc_reconnect(card->conn);
    if (err == MDC_PCSC_OK)
        err = mdc_pcsc_begin(card->conn);
    if (err != MDC_PCSC_OK)
        return transport_rc(err);
    rc = reselect(card);
    if (rc.status != MDC_CARD_OK) {
        mdc_pcsc_end(card->conn);
        if (rc.status == MDC_CARD_NOT_THIS_EDGE)
            rc.status = MDC_CARD_RESET;
        return rc;
    }
    /* Open, but PIN and admin authentication are gone: the caller must know. */
    rc.status = MDC_CARD_RESELECTED;
    return rc;
}

static void gids_end(struct mdc_card *card)
{
    if (card == NULL)
        return;
    mdc_gids_table_drop(card);
    mdc_pcsc_end(card->conn);
}

static mdc_card_rc gids_card_info(struct mdc_card *card, struct mdc_card_info *info)
{
    const mdc_gids_mft *mft;
    mdc_card_rc rc;

    if (card == NULL || info == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    memset(info, 0, sizeof(*info));
    strcpy(info->model, "GIDS");
    memcpy(info->aid, card->aid, card->aid_len);
    info->aid_len = card->aid_len;
    /* AID byte 10 (and 11) carry the applet version: 01, 02 01, 04 01. */
    if (card->aid_len >= 10)
        info->version_major = card->aid[9];
    if (card->aid_len >= 11)
        info->version_minor = card->aid[10];
    /* A cardid at its remembered place marks an initialized card at the
     * cost of the APDU the token layer's next read of cardid saves: a warm
     * start stays at SELECT + cardid + cardcf (DESIGN.md section 8). */
    if (!card->mft_cached) {
        rc = mdc_gids_get_data(card->conn, card->loc_cardid.ef, card->loc_cardid.tag, &card->probe);
        if (rc.status == MDC_CARD_OK && card->probe.len != 0) {
            card->probe_cached = true;
            info->fs_present = true;
            return rc;
        }
        mdc_buf_clear(&card->probe);
        if (rc.status != MDC_CARD_OK && rc.status != MDC_CARD_ABSENT &&
            !(rc.status == MDC_CARD_SW && rc.sw == 0x6A82))
            return rc;
    }
    /* An initialized card has a master file table; a blank one has neither
     * the DO (6A88) nor, usually, EF A000 (6A82). A table that does not parse
     * still marks an initialized (if damaged or foreign) card. */
    rc = mdc_gids_table_get(card, &mft);
    if (rc.status == MDC_CARD_OK || rc.status == MDC_CARD_BAD_RESPONSE) {
        info->fs_present = true;
        rc.status = MDC_CARD_OK;
    } else if (rc.status == MDC_CARD_ABSENT) {
        info->fs_present = false;
        rc.status = MDC_CARD_OK;
    }
    return rc;
}

static mdc_card_rc gids_read_file(struct mdc_card *card, const char *dir, const char *name,
                                  struct mdc_buf *out)
{
    return mdc_gids_read_file(card, dir, name, out);
}

static mdc_card_rc gids_list_files(struct mdc_card *card, const char *dir, struct mdc_buf *out)
{
    return mdc_gids_list_files(card, dir, out);
}

static mdc_card_rc gids_pin_info(struct mdc_card *card, enum mdc_pin_role role,
                                 struct mdc_pin_info *info)
{
    if (card == NULL || info == NULL || role != MDC_PIN_USER)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    return mdc_gids_pin_status(card->conn, info);
}

static mdc_card_rc gids_get_public_key(struct mdc_card *card, const struct mdc_card_key *key,
                                       struct mdc_card_pubkey *out)
{
    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    return mdc_gids_get_public_key(card->conn, key, out);
}

static mdc_card_rc gids_verify_pin(struct mdc_card *card, enum mdc_pin_role role,
                                   const uint8_t *pin, size_t pin_len, unsigned *tries_left)
{
    if (card == NULL || role != MDC_PIN_USER)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    return mdc_gids_verify_pin(card->conn, pin, pin_len, tries_left);
}

static mdc_card_rc gids_logout(struct mdc_card *card)
{
    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    return mdc_gids_logout(card->conn);
}

static mdc_card_rc gids_sign(struct mdc_card *card, const struct mdc_card_key *key,
                             enum mdc_sign_mode mode, const uint8_t *in, size_t in_len,
                             struct mdc_buf *out)
{
    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    return mdc_gids_sign(card->conn, key, mode, in, in_len, out);
}

static mdc_card_rc gids_decrypt(struct mdc_card *card, const struct mdc_card_key *key,
                                enum mdc_decrypt_mode mode, const uint8_t *in, size_t in_len,
                                struct mdc_buf *out)
{
    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    return mdc_gids_decrypt(card->conn, key, mode, in, in_len, out);
}

static mdc_card_rc gids_get_random(struct mdc_card *card, uint8_t *out, size_t len)
{
    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    return mdc_gids_get_random(card->conn, out, len);
}

static mdc_card_rc gids_reselect(struct mdc_card *card)
{
    mdc_card_rc rc;

    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    rc = reselect(card);
    MDC_INFO(MDC_CAT_GIDS, "GIDS re-selected: status %d SW %04X", (int)rc.status, rc.sw);
    return rc;
}

/* ---- write side ---- */

static mdc_card_rc gids_write_file(struct mdc_card *card, const char *dir, const char *name,
                                   const uint8_t *data, size_t len, bool copy_on_write)
{
    return mdc_gids_write_file(card, dir, name, data, len, copy_on_write);
}

static mdc_card_rc gids_create_file(struct mdc_card *card, const char *dir, const char *name,
                                    const uint8_t *data, size_t len)
{
    return mdc_gids_create_file(card, dir, name, data, len);
}

static mdc_card_rc gids_delete_file(struct mdc_card *card, const char *dir, const char *name)
{
    return mdc_gids_delete_file(card, dir, name);
}

static mdc_card_rc gids_generate_key(struct mdc_card *card, const struct mdc_card_key *key,
                                     struct mdc_card_pubkey *out)
{
    return mdc_gids_generate_key(card, key, out);
}

static mdc_card_rc gids_import_key(struct mdc_card *card, const struct mdc_card_key *key,
                                   const uint8_t *der, size_t der_len)
{
    return mdc_gids_import_key(card, key, der, der_len);
}

static mdc_card_rc gids_delete_key(struct mdc_card *card, const struct mdc_card_key *key)
{
    return mdc_gids_delete_key(card, key);
}

static mdc_card_rc gids_change_pin(struct mdc_card *card, enum mdc_pin_role role,
                                   const uint8_t *old_pin, size_t old_len, const uint8_t *new_pin,
                                   size_t new_len, unsigned *tries_left)
{
    if (card == NULL || role != MDC_PIN_USER)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    return mdc_gids_change_pin(card->conn, old_pin, old_len, new_pin, new_len, tries_left);
}

static mdc_card_rc gids_admin_auth(struct mdc_card *card, const uint8_t admin_key[24])
{
    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    return mdc_gids_admin_auth(card->conn, admin_key);
}

static mdc_card_rc gids_unblock_pin(struct mdc_card *card, const uint8_t *new_pin, size_t new_len)
{
    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    return mdc_gids_unblock_pin(card->conn, new_pin, new_len);
}

static mdc_card_rc gids_initialize(struct mdc_card *card, const uint8_t admin_key[24],
                                   const uint8_t *user_pin, size_t pin_len,
                                   const uint8_t cardid[16])
{
    return mdc_gids_initialize(card, admin_key, user_pin, pin_len, cardid);
}

static mdc_card_rc gids_erase_keys(struct mdc_card *card)
{
    return mdc_gids_erase_keys(card);
}

const struct mdc_card_edge mdc_gids_edge = {
    .name = "GIDS",
    .open = gids_open,
    .close = gids_close,
    .begin = gids_begin,
    .end = gids_end,
    .card_info = gids_card_info,
    .read_file = gids_read_file,
    .pin_info = gids_pin_info,
    .list_files = gids_list_files,
    .get_public_key = gids_get_public_key,
    .verify_pin = gids_verify_pin,
    .logout = gids_logout,
    .sign = gids_sign,
    .decrypt = gids_decrypt,
    .get_random = gids_get_random,
    .reselect = gids_reselect,
    .write_file = gids_write_file,
    .create_file = gids_create_file,
    .delete_file = gids_delete_file,
    .generate_key = gids_generate_key,
    .import_key = gids_import_key,
    .delete_key = gids_delete_key,
    .change_pin = gids_change_pin,
    .admin_auth = gids_admin_auth,
    .unblock_pin = gids_unblock_pin,
    .initialize = gids_initialize,
    .erase_keys = gids_erase_keys,
    .rv = mdc_gids_rv,
};
