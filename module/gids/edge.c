/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS implementation of the card-edge interface (mdcard/card_edge.h):
 * open/identify, transactions with reset recovery, card info, reading the
 * minidriver files known so far, and PIN info.
 */
#include "gids/gids.h"

#include "util/log.h"

#include <stdlib.h>
#include <string.h>

struct mdc_card {
    struct mdc_pcsc_conn *conn;
    uint8_t aid[MDC_GIDS_AID_MAX];
    size_t aid_len;
};

/* Result of a transport call that has no status word (connect, begin...). */
static mdc_card_rc transport_rc(enum mdc_pcsc_err err)
{
    if (err == MDC_PCSC_OK)
        return (mdc_card_rc){MDC_CARD_OK, 0};
    return mdc_gids_rc_from_pcsc((struct mdc_pcsc_res){err, 0});
}

static mdc_card_rc reselect(struct mdc_card *card)
{
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
    mdc_pcsc_disconnect(card->conn);
    free(card);
}

static mdc_card_rc gids_begin(struct mdc_card *card)
{
    enum mdc_pcsc_err err;
    mdc_card_rc rc;

    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
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
    }
    return rc;
}

static void gids_end(struct mdc_card *card)
{
    if (card != NULL)
        mdc_pcsc_end(card->conn);
}

static mdc_card_rc gids_card_info(struct mdc_card *card, struct mdc_card_info *info)
{
    struct mdc_buf table = MDC_BUF_INIT;
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
    /* An initialized card has a master file table; a blank one has neither
     * the DO (6A88) nor, usually, EF A000 (6A82). */
    rc = mdc_gids_get_data(card->conn, MDC_GIDS_EF_A000, MDC_GIDS_DO_MASTER, &table);
    if (rc.status == MDC_CARD_OK) {
        info->fs_present = true;
    } else if (rc.status == MDC_CARD_ABSENT || (rc.status == MDC_CARD_SW && rc.sw == 0x6A82)) {
        info->fs_present = false;
        rc.status = MDC_CARD_OK;
    }
    mdc_buf_free(&table);
    return rc;
}

/*
 * Minidriver name → (EF, DO). Only cardid so far, at its standard location
 * A012/DF20. Once the master-table parser (gids/mft.c) lands, names are
 * resolved through the table A000/DF1F instead of this fixed entry.
 */
static mdc_card_rc gids_read_file(struct mdc_card *card, const char *dir, const char *name,
                                  struct mdc_buf *out)
{
    if (card == NULL || name == NULL || out == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    if ((dir == NULL || *dir == '\0') && strcmp(name, "cardid") == 0)
        return mdc_gids_get_data(card->conn, MDC_GIDS_EF_A012, MDC_GIDS_DO_CARDID, out);
    MDC_DEBUG(MDC_CAT_GIDS, "read of '%s/%s' not supported yet", dir ? dir : "", name);
    return (mdc_card_rc){MDC_CARD_UNSUPPORTED, 0};
}

static mdc_card_rc gids_pin_info(struct mdc_card *card, enum mdc_pin_role role,
                                 struct mdc_pin_info *info)
{
    if (card == NULL || info == NULL || role != MDC_PIN_USER)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    return mdc_gids_pin_status(card->conn, info);
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
    .rv = mdc_gids_rv,
};
