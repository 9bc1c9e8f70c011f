/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS card edge internals: the open card, the APDUs (SELECT, GET DATA, PIN,
 * keys, random), the pure parsers behind them, and the status-word mapping.
 * The token layer uses mdc_gids_edge (mdcard/card_edge.h), not these.
 */
#ifndef MDC_GIDS_H
#define MDC_GIDS_H

#include "gids/mft.h"
#include "mdcard/card_edge.h"
#include "pcsc/pcsc.h"
#include "util/tlv.h"

/* GIDS EFs and DOs used so far (GIDS-AND-MINIDRIVER.md 2.4, 3.x). */
#define MDC_GIDS_EF_APP 0x3FFF  /* application data: PIN status, public keys */
#define MDC_GIDS_EF_A000 0xA000 /* master table, keymap */
#define MDC_GIDS_EF_A012 0xA012 /* cardid */
#define MDC_GIDS_DO_MASTER 0xDF1F
#define MDC_GIDS_DO_CARDID 0xDF20
#define MDC_GIDS_EF_A010 0xA010 /* cardapps, cardcf, cmapfile, new files */
#define MDC_GIDS_DO_CARDCF 0xDF22
#define MDC_GIDS_DO_PIN_STATUS 0x7F71

#define MDC_GIDS_AID_MAX 16

/* Key references: 0x81 + container index (GIDS-AND-MINIDRIVER.md 1.2). */
#define MDC_GIDS_KID_FIRST 0x81u
#define MDC_GIDS_CONTAINERS_MAX 127u

/* One open GIDS card (edge.c owns its life cycle). */
struct mdc_card {
    struct mdc_pcsc_conn *conn;
    uint8_t aid[MDC_GIDS_AID_MAX];
    size_t aid_len;
    /* Master table as read in the current transaction (table.c); dropped by
     * begin(), end() and reselect, so it never outlives a transaction. */
    bool mft_cached;
    mdc_card_rc mft_rc; /* OK, ABSENT (no table) or BAD_RESPONSE (corrupt) */
    mdc_gids_mft mft;
    /* Where cardcf and cardid live. A warm token starts every transaction by
     * reading cardcf, so these two are read at a remembered location rather
     * than through the table (one APDU instead of two): the standard one
     * written by every initializer (A010/DF22, A012/DF20) until a master
     * table read by this process says otherwise (files.c, table.c). */
    struct mdc_gids_location {
        uint16_t ef, tag;
    } loc_cardcf, loc_cardid;
};

mdc_card_rc mdc_gids_rc_from_pcsc(struct mdc_pcsc_res r);

/* SELECT the GIDS application by its 9-byte partial AID. On success the
 * full AID from the FCI (61/4F) is stored when the card sent one. */
mdc_card_rc mdc_gids_select(struct mdc_pcsc_conn *conn, uint8_t aid[MDC_GIDS_AID_MAX],
                            size_t *aid_len);

/* GET DATA of DO `tag` in EF `ef`; `value` receives the DO value only.
 * 6A88 → MDC_CARD_ABSENT; `<tag> 00` → OK with an empty value. */
mdc_card_rc mdc_gids_get_data(struct mdc_pcsc_conn *conn, uint16_t ef, uint16_t tag,
                              struct mdc_buf *value);

/* PIN status of the user PIN (GET DATA 3FFF 7F71). */
mdc_card_rc mdc_gids_pin_status(struct mdc_pcsc_conn *conn, struct mdc_pin_info *info);

/* Master table cache (table.c). *mft is valid until the cache is dropped;
 * MDC_CARD_ABSENT: the card has no table (not initialized). */
mdc_card_rc mdc_gids_table_get(struct mdc_card *card, const mdc_gids_mft **mft);
void mdc_gids_table_drop(struct mdc_card *card);
/* CardReadFile / CardEnumFiles through the master table (files.c). */
mdc_card_rc mdc_gids_read_file(struct mdc_card *card, const char *dir, const char *name,
                               struct mdc_buf *out);
mdc_card_rc mdc_gids_list_files(struct mdc_card *card, const char *dir, struct mdc_buf *out);

/* Public key of a container: GET DATA 3FFF 70 (pubkey.c). */
mdc_card_rc mdc_gids_get_public_key(struct mdc_pcsc_conn *conn, const struct mdc_card_key *key,
                                    struct mdc_card_pubkey *out);

/* VERIFY the user PIN (reference 80) and log out (pin.c). */
mdc_card_rc mdc_gids_verify_pin(struct mdc_pcsc_conn *conn, const uint8_t *pin, size_t pin_len,
                                unsigned *tries_left);
mdc_card_rc mdc_gids_logout(struct mdc_pcsc_conn *conn);

/* Private-key operations: MSE SET + PSO (crypto.c). */
mdc_card_rc mdc_gids_sign(struct mdc_pcsc_conn *conn, const struct mdc_card_key *key,
                          enum mdc_sign_mode mode, const uint8_t *in, size_t in_len,
                          struct mdc_buf *out);
mdc_card_rc mdc_gids_decrypt(struct mdc_pcsc_conn *conn, const struct mdc_card_key *key,
                             enum mdc_decrypt_mode mode, const uint8_t *in, size_t in_len,
                             struct mdc_buf *out);
/* Algorithm size nibble for a modulus size (1024→6 … 4096→9); false if none. */
bool mdc_gids_alg_size(unsigned bits, uint8_t *nibble);

/* GET CHALLENGE in chunks (random.c). */
mdc_card_rc mdc_gids_get_random(struct mdc_pcsc_conn *conn, uint8_t *out, size_t len);

/* Pure parsers (unit-tested, fuzzable). */
bool mdc_gids_parse_fci(const uint8_t *fci, size_t len, uint8_t aid[MDC_GIDS_AID_MAX],
                        size_t *aid_len);
mdc_card_rc mdc_gids_parse_do(const uint8_t *resp, size_t len, uint16_t tag, struct mdc_tlv *out);
mdc_card_rc mdc_gids_parse_pin_status(const uint8_t *resp, size_t len, struct mdc_pin_info *info);
/* 7F49 { 81 modulus, 82 exponent } as sent by the card; the values are
 * copied unchanged into out (replacing its content). bits != 0: reject a
 * modulus whose length differs from the key size by more than one byte. */
mdc_card_rc mdc_gids_parse_pubkey(const uint8_t *resp, size_t len, unsigned bits,
                                  struct mdc_card_pubkey *out);

/* The one mapping of card results to CK_RV (also mdc_gids_edge.rv). */
CK_RV mdc_gids_rv(mdc_card_rc rc, enum mdc_card_op op);

#endif
