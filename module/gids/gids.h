/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS card edge internals: the open card, the APDUs (SELECT, GET DATA, PIN,
 * keys, random), the pure parsers behind them, and the status-word mapping.
 * The token layer uses mdc_gids_edge (mdcard/card_edge.h), not these.
 */
#ifndef MDC_GIDS_H
#define MDC_GIDS_H

#include "gids/keymap.h"
#include "gids/mft.h"
#include "mdcard/card_edge.h"
#include "pcsc/pcsc.h"
#include "util/tlv.h"

/* GIDS EFs and DOs used so far (GIDS-AND-MINIDRIVER.md 2.4, 3.x). */
#define MDC_GIDS_EF_APP 0x3FFF  /* application data: PIN status, public keys */
#define MDC_GIDS_EF_A000 0xA000 /* master table, keymap */
#define MDC_GIDS_EF_A012 0xA012 /* cardid */
#define MDC_GIDS_DO_MASTER 0xDF1F
#define MDC_GIDS_DO_KEYMAP 0xDF20
#define MDC_GIDS_DO_CARDID 0xDF20
#define MDC_GIDS_EF_A010 0xA010 /* cardapps, cardcf, cmapfile, new files */
#define MDC_GIDS_DO_CARDAPPS 0xDF21
#define MDC_GIDS_DO_CARDCF 0xDF22
#define MDC_GIDS_DO_CMAPFILE 0xDF23
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
    /* cardid as card_info read it to tell an initialized card without the
     * master table; handed to the next read of cardid in the same
     * transaction, dropped with the table (begin, end, reselect, writes). */
    bool probe_cached;
    struct mdc_buf probe;
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

/* ASCII case-insensitive name equality (files.c). */
bool mdc_gids_same_name(const char *a, const char *b);

/* ---- write side ---- */

/* BER length of a DO value (1..3 bytes into out); write.c. */
size_t mdc_gids_ber_len(size_t len, uint8_t out[3]);
/* PUT DATA of one whole DO `<tag> <BER len> <value>`, chained beyond 240
 * bytes. An empty value creates an empty DO or prunes one (2.6). */
mdc_card_rc mdc_gids_put_data(struct mdc_pcsc_conn *conn, uint16_t ef, uint16_t tag,
                              const uint8_t *value, size_t len);
/* Delete a DO: empty write, GET DATA, and another empty write only while
 * the card shows `<tag> 00`, until 6A88. */
mdc_card_rc mdc_gids_delete_do(struct mdc_pcsc_conn *conn, uint16_t ef, uint16_t tag);
/* PUT DATA of the transaction's cached master table; dropped on failure. */
mdc_card_rc mdc_gids_table_put(struct mdc_card *card);
/* CardWriteFile / CardCreateFile / CardDeleteFile (write.c). */
mdc_card_rc mdc_gids_write_file(struct mdc_card *card, const char *dir, const char *name,
                                const uint8_t *data, size_t len, bool copy_on_write);
mdc_card_rc mdc_gids_create_file(struct mdc_card *card, const char *dir, const char *name,
                                 const uint8_t *data, size_t len);
mdc_card_rc mdc_gids_delete_file(struct mdc_card *card, const char *dir, const char *name);

/* FCP of key EF B0kid (2.11): key exchange (3 B8 + 2 B6 templates) or
 * signature only (2 B6), each with the real kid. Returns its length, 0 if
 * `size` is too small. Pure. */
size_t mdc_gids_key_fcp(uint8_t kid, uint8_t alg, bool key_exchange, uint8_t *out, size_t size);
/* CREATE FILE with this FCP, then ACTIVATE FILE. */
mdc_card_rc mdc_gids_create_ef(struct mdc_pcsc_conn *conn, const uint8_t *fcp, size_t fcp_len);
/* Keys and the keymap (keys.c). */
mdc_card_rc mdc_gids_generate_key(struct mdc_card *card, const struct mdc_card_key *key,
                                  struct mdc_card_pubkey *out);
mdc_card_rc mdc_gids_import_key(struct mdc_card *card, const struct mdc_card_key *key,
                                const uint8_t *der, size_t der_len);
mdc_card_rc mdc_gids_delete_key(struct mdc_card *card, const struct mdc_card_key *key);
mdc_card_rc mdc_gids_erase_keys(struct mdc_card *card);

/* PIN change and unblock, admin authentication (admin.c). */
mdc_card_rc mdc_gids_change_pin(struct mdc_pcsc_conn *conn, const uint8_t *old_pin, size_t old_len,
                                const uint8_t *new_pin, size_t new_len, unsigned *tries_left);
mdc_card_rc mdc_gids_unblock_pin(struct mdc_pcsc_conn *conn, const uint8_t *new_pin,
                                 size_t new_len);
mdc_card_rc mdc_gids_admin_auth(struct mdc_pcsc_conn *conn, const uint8_t key[24]);
/* 3DES-EDE CBC, zero IV, no padding; len a multiple of 8. */
bool mdc_gids_3des_cbc(const uint8_t key[24], bool encrypt, const uint8_t *in, uint8_t *out,
                       size_t len);

/* The 16 steps of 2.16 on a blank card (init.c); MDC_CARD_EXISTS when the
 * card has a master table already. */
mdc_card_rc mdc_gids_initialize(struct mdc_card *card, const uint8_t admin_key[24],
                                const uint8_t *user_pin, size_t pin_len, const uint8_t cardid[16]);

/* The one mapping of card results to CK_RV (also mdc_gids_edge.rv). */
CK_RV mdc_gids_rv(mdc_card_rc rc, enum mdc_card_op op);

#endif
