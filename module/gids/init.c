/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Initialization of a blank GIDS applet: the 16 steps of
 * GIDS-AND-MINIDRIVER.md 2.16 (PIN, six BER-TLV EFs, admin key EF and key,
 * master table, cardapps, cardcf, empty cmapfile, cardid, activation), in
 * the order gids-tool sends them. After the last step nothing of this can
 * be redone on the card.
 */
#include "gids/gids.h"

#include "util/log.h"

#include <string.h>

#include <openssl/crypto.h>

/* Steps 2-7: BER-TLV EFs and their compact ACLs (2.4). */
static const struct {
    uint16_t fid;
    uint8_t put, get; /* SC bytes for PUT DATA and GET DATA */
} init_efs[] = {
    {0xA000, 0x30, 0x00}, {0xA010, 0x30, 0x00}, {0xA011, 0x30, 0xFF},
    {0xA012, 0x20, 0x00}, {0xA013, 0x30, 0x30}, {0xA014, 0x20, 0x20},
};

/* Step 8: admin key EF B080 with its A4 template (3DES, reference 80). */
static const uint8_t admin_key_fcp[] = {0x62, 0x1A, 0x82, 0x01, 0x18, 0x83, 0x02, 0xB0, 0x80, 0x8C,
                                        0x04, 0x87, 0x00, 0x20, 0xFF, 0xA5, 0x0B, 0xA4, 0x09, 0x80,
                                        0x01, 0x02, 0x83, 0x01, 0x80, 0x95, 0x01, 0xC0};

static const uint8_t cardapps[8] = {'m', 's', 'c', 'p', 0, 0, 0, 0};
static const uint8_t cardcf[6] = {0};

static mdc_card_rc put_admin_key(struct mdc_pcsc_conn *conn, const uint8_t admin_key[24])
{
    uint8_t data[38] = {0x70, 0x24, 0x84, 0x01, 0x80, 0xA5, 0x1F, 0x87, 0x18};
    struct mdc_apdu a = {0x00, 0xDB, 0x3F, 0xFF, data, sizeof(data), false, 0};
    mdc_card_rc rc;

    memcpy(data + 9, admin_key, 24);
    /* Trailer sent by gids-tool, ignored by GidsApplet (meaning unverified). */
    memcpy(data + 33, (const uint8_t[]){0x88, 0x03, 0xB0, 0x73, 0xDC}, 5);
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &a, NULL));
    OPENSSL_cleanse(data, sizeof(data));
    return rc;
}

static mdc_card_rc put_table(struct mdc_pcsc_conn *conn)
{
    mdc_gids_mft t = {NULL, 0};
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    mdc_mdfs_rv prv;
    mdc_card_rc rc;

    prv = mdc_gids_mft_initial(&t);
    if (prv == MDC_MDFS_OK)
        prv = mdc_gids_mft_build(&t, &raw, &raw_len);
    mdc_gids_mft_clear(&t);
    if (prv != MDC_MDFS_OK)
        return (mdc_card_rc){prv == MDC_MDFS_ERR_NO_MEMORY ? MDC_CARD_NOMEM : MDC_CARD_ARGS, 0};
    rc = mdc_gids_put_data(conn, MDC_GIDS_EF_A000, MDC_GIDS_DO_MASTER, raw, raw_len);
    mdc_mdfs_free(raw);
    return rc;
}

static mdc_card_rc init_steps(struct mdc_card *card, const uint8_t admin_key[24],
                              const uint8_t *pin, size_t pin_len, const uint8_t cardid[16])
{
    static const uint8_t app_fid[2] = {0x3F, 0xFF};
    struct mdc_apdu set_pin = {0x00, 0x24, 0x01, 0x80, pin, pin_len, false, 0};
    struct mdc_apdu select_app = {0x00, 0xA4, 0x00, 0x0C, app_fid, 2, false, 0};
    struct mdc_apdu activate = {0x00, 0x44, 0x00, 0x00, NULL, 0, false, 0};
    struct mdc_pcsc_conn *conn = card->conn;
    uint8_t fcp[14];
    mdc_card_rc rc;
    size_t i;

    /* 1: the user PIN, allowed without an old one in initialization mode. */
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &set_pin, NULL));
    if (rc.status != MDC_CARD_OK)
        return rc;
    /* 2-7: the BER-TLV EFs. */
    for (i = 0; i < sizeof(init_efs) / sizeof(init_efs[0]); i++) {
        memcpy(fcp, (const uint8_t[]){0x62, 0x0C, 0x82, 0x01, 0x39, 0x83, 0x02}, 7);
        fcp[7] = (uint8_t)(init_efs[i].fid >> 8);
        fcp[8] = (uint8_t)init_efs[i].fid;
        memcpy(fcp + 9, (const uint8_t[]){0x8C, 0x03, 0x03}, 3);
        fcp[12] = init_efs[i].put;
        fcp[13] = init_efs[i].get;
        rc = mdc_gids_create_ef(conn, fcp, sizeof(fcp));
        if (rc.status != MDC_CARD_OK)
            return rc;
    }
    /* 8-9: the admin key. */
    rc = mdc_gids_create_ef(conn, admin_key_fcp, sizeof(admin_key_fcp));
    if (rc.status == MDC_CARD_OK)
        rc = put_admin_key(conn, admin_key);
    /* 10-14: master table and the minidriver files. */
    if (rc.status == MDC_CARD_OK)
        rc = put_table(conn);
    if (rc.status == MDC_CARD_OK)
        rc = mdc_gids_put_data(conn, MDC_GIDS_EF_A010, MDC_GIDS_DO_CARDAPPS, cardapps,
                               sizeof(cardapps));
    if (rc.status == MDC_CARD_OK)
        rc = mdc_gids_put_data(conn, MDC_GIDS_EF_A010, MDC_GIDS_DO_CARDCF, cardcf, sizeof(cardcf));
    if (rc.status == MDC_CARD_OK)
        rc = mdc_gids_put_data(conn, MDC_GIDS_EF_A010, MDC_GIDS_DO_CMAPFILE, NULL, 0);
    if (rc.status == MDC_CARD_OK)
        rc = mdc_gids_put_data(conn, MDC_GIDS_EF_A012, MDC_GIDS_DO_CARDID, cardid, 16);
    if (rc.status != MDC_CARD_OK)
        return rc;
    /* 15-16: activate the application: the end of initialization mode. */
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &select_app, NULL));
    if (rc.status == MDC_CARD_OK)
        rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &activate, NULL));
    return rc;
}

mdc_card_rc mdc_gids_initialize(struct mdc_card *card, const uint8_t admin_key[24],
                                const uint8_t *user_pin, size_t pin_len, const uint8_t cardid[16])
{
    const mdc_gids_mft *mft;
    mdc_card_rc rc;

    if (card == NULL || admin_key == NULL || user_pin == NULL || pin_len == 0 || cardid == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    if (pin_len > 255)
        return (mdc_card_rc){MDC_CARD_SW, 0x6700};
    /* Blank cards only: a master table (even a corrupt one) means the card
     * was initialized, and its structures cannot be created twice. */
    rc = mdc_gids_table_get(card, &mft);
    if (rc.status == MDC_CARD_OK || rc.status == MDC_CARD_BAD_RESPONSE) {
        MDC_WARN(MDC_CAT_GIDS, "initialize: the card is initialized already");
        return (mdc_card_rc){MDC_CARD_EXISTS, rc.sw};
    }
    if (rc.status != MDC_CARD_ABSENT)
        return rc;
    rc = init_steps(card, admin_key, user_pin, pin_len, cardid);
    mdc_gids_table_drop(card); /* "absent" is no longer true */
    card->loc_cardcf = (struct mdc_gids_location){MDC_GIDS_EF_A010, MDC_GIDS_DO_CARDCF};
    card->loc_cardid = (struct mdc_gids_location){MDC_GIDS_EF_A012, MDC_GIDS_DO_CARDID};
    MDC_INFO(MDC_CAT_GIDS, "card initialization: status %d SW %04X", (int)rc.status, rc.sw);
    return rc;
}
