/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Container keys on a GIDS card: key EFs B0kid (FCP of GIDS-AND-MINIDRIVER.md
 * 2.11, created and activated, orphans deleted first), GENERATE (2.13),
 * import (2.14), deletion, and the keymap A000/DF20 kept in step (3.3).
 */
#include "gids/gids.h"

#include "util/log.h"

#include <string.h>

#define GIDS_FCP_MAX 80
/* Key EF ACL as Windows and OpenSC create it: generate, MSE, import need the
 * PIN, reading the public key is free (2.10). */
static const uint8_t key_acl[] = {0x8C, 0x05, 0x8F, 0x10, 0x10, 0x10, 0x00};
/* Import template lengths fit 82 xx xx; an RSA-4096 RSAPrivateKey is ~2.4 KB. */
#define GIDS_IMPORT_DER_MAX 4096u

static uint8_t kid_of(const struct mdc_card_key *key)
{
    return (uint8_t)(MDC_GIDS_KID_FIRST + key->index);
}

static size_t put_template(uint8_t *p, uint8_t crt, uint8_t alg, uint8_t kid)
{
    const uint8_t t[11] = {crt, 0x09, 0x80, 0x01, alg, 0x83, 0x01, kid, 0x95, 0x01, 0x40};

    memcpy(p, t, sizeof(t));
    return sizeof(t);
}

size_t mdc_gids_key_fcp(uint8_t kid, uint8_t alg, bool key_exchange, uint8_t *out, size_t size)
{
    uint8_t crts[5 * 11];
    size_t n = 0, len;

    if (key_exchange) {
        n += put_template(crts + n, 0xB8, (uint8_t)(0x00 | alg), kid); /* decipher, raw */
        n += put_template(crts + n, 0xB8, (uint8_t)(0x80 | alg), kid); /* decipher, OAEP */
        n += put_template(crts + n, 0xB8, (uint8_t)(0x40 | alg), kid); /* decipher, PKCS#1 */
    }
    n += put_template(crts + n, 0xB6, (uint8_t)(0x10 | alg), kid); /* sign, pre-formatted */
    n += put_template(crts + n, 0xB6, (uint8_t)(0x50 | alg), kid); /* sign, PKCS#1 */
    len = 2 + 3 + 4 + sizeof(key_acl) + 2 + n;
    if (out == NULL || size < len)
        return 0;
    out[0] = 0x62;
    out[1] = (uint8_t)(len - 2);
    memcpy(out + 2, (const uint8_t[]){0x82, 0x01, 0x18, 0x83, 0x02, 0xB0, kid}, 7);
    memcpy(out + 9, key_acl, sizeof(key_acl));
    out[9 + sizeof(key_acl)] = 0xA5;
    out[10 + sizeof(key_acl)] = (uint8_t)n;
    memcpy(out + 11 + sizeof(key_acl), crts, n);
    return len;
}

/* SELECT B0kid: OK = the key EF exists (and is now selected), ABSENT = 6A82. */
static mdc_card_rc select_key_ef(struct mdc_pcsc_conn *conn, uint8_t kid)
{
    const uint8_t fid[2] = {0xB0, kid};
    struct mdc_apdu a = {0x00, 0xA4, 0x00, 0x0C, fid, sizeof(fid), false, 0};
    mdc_card_rc rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &a, NULL));

    if (rc.status == MDC_CARD_SW && rc.sw == 0x6A82)
        rc.status = MDC_CARD_ABSENT;
    return rc;
}

/* Delete key EF B0kid if it exists; OK either way. */
static mdc_card_rc delete_key_ef(struct mdc_pcsc_conn *conn, uint8_t kid, bool *existed)
{
    struct mdc_apdu del = {0x00, 0xE4, 0x00, 0x00, NULL, 0, false, 0};
    mdc_card_rc rc = select_key_ef(conn, kid);

    if (existed != NULL)
        *existed = rc.status == MDC_CARD_OK;
    if (rc.status == MDC_CARD_ABSENT)
        return (mdc_card_rc){MDC_CARD_OK, rc.sw};
    if (rc.status != MDC_CARD_OK)
        return rc;
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &del, NULL));
    MDC_DEBUG(MDC_CAT_GIDS, "DELETE FILE B0%02X: status %d SW %04X", kid, (int)rc.status, rc.sw);
    return rc;
}

mdc_card_rc mdc_gids_create_ef(struct mdc_pcsc_conn *conn, const uint8_t *fcp, size_t fcp_len)
{
    struct mdc_apdu create = {0x00, 0xE0, 0x00, 0x00, fcp, fcp_len, false, 0};
    struct mdc_apdu activate = {0x00, 0x44, 0x00, 0x00, NULL, 0, false, 0};
    mdc_card_rc rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &create, NULL));

    /* A new EF refuses everything until activated (2.10). */
    if (rc.status == MDC_CARD_OK)
        rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &activate, NULL));
    MDC_DEBUG(MDC_CAT_GIDS, "CREATE FILE + ACTIVATE (FCP of %zu bytes): status %d SW %04X", fcp_len,
              (int)rc.status, rc.sw);
    return rc;
}

/* The keymap as on the card; absent or empty = no records. */
static mdc_card_rc keymap_read(struct mdc_card *card, mdc_gids_keymap *km, bool *present)
{
    struct mdc_buf raw = MDC_BUF_INIT;
    mdc_card_rc rc;
    mdc_mdfs_rv prv;

    *km = (mdc_gids_keymap){NULL, 0};
    rc = mdc_gids_get_data(card->conn, MDC_GIDS_EF_A000, MDC_GIDS_DO_KEYMAP, &raw);
    *present = rc.status == MDC_CARD_OK;
    if (rc.status == MDC_CARD_ABSENT) {
        mdc_buf_free(&raw);
        return (mdc_card_rc){MDC_CARD_OK, rc.sw};
    }
    if (rc.status == MDC_CARD_OK) {
        prv = mdc_gids_keymap_parse(raw.data, raw.len, km);
        if (prv == MDC_MDFS_ERR_NO_MEMORY) {
            rc.status = MDC_CARD_NOMEM;
        } else if (prv != MDC_MDFS_OK) {
            MDC_WARN(MDC_CAT_GIDS, "keymap of %zu bytes unusable (%s): not touching it", raw.len,
                     mdc_mdfs_rv_name(prv));
            rc.status = MDC_CARD_BAD_RESPONSE;
        }
    }
    mdc_buf_free(&raw);
    return rc;
}

static mdc_card_rc keymap_write(struct mdc_card *card, const mdc_gids_keymap *km)
{
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    mdc_mdfs_rv prv = mdc_gids_keymap_build(km, &raw, &raw_len);
    mdc_card_rc rc;

    if (prv != MDC_MDFS_OK)
        return (mdc_card_rc){prv == MDC_MDFS_ERR_NO_MEMORY ? MDC_CARD_NOMEM : MDC_CARD_ARGS, 0};
    rc = mdc_gids_put_data(card->conn, MDC_GIDS_EF_A000, MDC_GIDS_DO_KEYMAP, raw, raw_len);
    mdc_mdfs_free(raw);
    return rc;
}

/* Keymap record i = this key (appended, padded or rewritten). */
static mdc_card_rc keymap_set(struct mdc_card *card, const struct mdc_card_key *key, uint8_t alg)
{
    mdc_gids_keymap km;
    mdc_card_rc rc;
    mdc_mdfs_rv prv;
    bool present;

    rc = keymap_read(card, &km, &present);
    if (rc.status != MDC_CARD_OK)
        return rc;
    prv = mdc_gids_keymap_set_key(&km, key->index, alg,
                                  key->key_exchange ? MDC_GIDS_KEY_TYPE_EXCHANGE
                                                    : MDC_GIDS_KEY_TYPE_SIGNATURE);
    if (prv == MDC_MDFS_OK)
        rc = keymap_write(card, &km);
    else
        rc = (mdc_card_rc){prv == MDC_MDFS_ERR_NO_MEMORY ? MDC_CARD_NOMEM : MDC_CARD_ARGS, 0};
    mdc_gids_keymap_clear(&km);
    return rc;
}

/* Common part of generate and import: a fresh, activated key EF. */
static mdc_card_rc prepare_key_ef(struct mdc_card *card, const struct mdc_card_key *key,
                                  uint8_t *alg)
{
    uint8_t fcp[GIDS_FCP_MAX];
    size_t fcp_len;
    bool orphan;
    mdc_card_rc rc;

    if (card == NULL || key == NULL || key->index >= MDC_GIDS_CONTAINERS_MAX)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    if (!mdc_gids_alg_size(key->bits, alg)) {
        MDC_DEBUG(MDC_CAT_GIDS, "no GIDS algorithm for RSA-%u", key->bits);
        return (mdc_card_rc){MDC_CARD_UNSUPPORTED, 0};
    }
    fcp_len = mdc_gids_key_fcp(kid_of(key), *alg, key->key_exchange, fcp, sizeof(fcp));
    if (fcp_len == 0)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    /* An interrupted run may have left this key EF: CREATE would fail (6984). */
    rc = delete_key_ef(card->conn, kid_of(key), &orphan);
    if (rc.status != MDC_CARD_OK)
        return rc;
    if (orphan)
        MDC_INFO(MDC_CAT_GIDS, "orphan key file B0%02X deleted before reuse", kid_of(key));
    return mdc_gids_create_ef(card->conn, fcp, fcp_len);
}

mdc_card_rc mdc_gids_generate_key(struct mdc_card *card, const struct mdc_card_key *key,
                                  struct mdc_card_pubkey *out)
{
    uint8_t data[8] = {0xAC, 0x06, 0x80, 0x01, 0x00, 0x83, 0x01, 0x00};
    struct mdc_apdu a = {0x00, 0x47, 0x00, 0x00, data, sizeof(data), true, 256};
    struct mdc_buf resp = MDC_BUF_INIT;
    mdc_card_rc rc;
    uint8_t alg = 0;

    if (out == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    mdc_buf_clear(&out->modulus);
    mdc_buf_clear(&out->exponent);
    rc = prepare_key_ef(card, key, &alg);
    if (rc.status != MDC_CARD_OK)
        return rc;
    data[4] = alg;
    data[7] = kid_of(key);
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(card->conn, &a, &resp));
    MDC_DEBUG(MDC_CAT_GIDS, "GENERATE RSA-%u in B0%02X: status %d SW %04X, %zu bytes", key->bits,
              data[7], (int)rc.status, rc.sw, resp.len);
    if (rc.status == MDC_CARD_OK) {
        /* Cards that do not return the key with Le: read it (2.8). */
        if (resp.len == 0)
            rc = mdc_gids_get_public_key(card->conn, key, out);
        else
            rc = mdc_gids_parse_pubkey(resp.data, resp.len, key->bits, out);
    }
    mdc_buf_free(&resp);
    if (rc.status == MDC_CARD_OK)
        rc = keymap_set(card, key, alg);
    return rc;
}

mdc_card_rc mdc_gids_import_key(struct mdc_card *card, const struct mdc_card_key *key,
                                const uint8_t *der, size_t der_len)
{
    struct mdc_buf tlv = MDC_BUF_INIT;
    mdc_card_rc rc;
    uint8_t alg = 0;
    size_t a5_len, outer_len;

    if (der == NULL || der_len == 0 || der_len > GIDS_IMPORT_DER_MAX || der[0] != 0x30)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    rc = prepare_key_ef(card, key, &alg);
    if (rc.status != MDC_CARD_OK)
        return rc;
    /* 70 82 LL LL { 84 01 kid, A5 82 MM MM { 83 01 02, 84 01 00, 87 82 NN NN DER } } */
    a5_len = 3 + 3 + 4 + der_len;
    outer_len = 3 + 4 + a5_len;
    {
        const uint8_t hdr[] = {0x70,
                               0x82,
                               (uint8_t)(outer_len >> 8),
                               (uint8_t)outer_len,
                               0x84,
                               0x01,
                               kid_of(key),
                               0xA5,
                               0x82,
                               (uint8_t)(a5_len >> 8),
                               (uint8_t)a5_len,
                               0x83,
                               0x01,
                               0x02,
                               0x84,
                               0x01,
                               0x00,
                               0x87,
                               0x82,
                               (uint8_t)(der_len >> 8),
                               (uint8_t)der_len};
        if (!mdc_buf_append(&tlv, hdr, sizeof(hdr)) || !mdc_buf_append(&tlv, der, der_len)) {
            mdc_buf_free(&tlv);
            return (mdc_card_rc){MDC_CARD_NOMEM, 0};
        }
    }
    {
        struct mdc_apdu a = {0x00, 0xDB, 0x3F, 0xFF, tlv.data, tlv.len, false, 0};
        rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit_chain(card->conn, &a, NULL));
    }
    mdc_buf_free(&tlv); /* wipes the private key copy */
    MDC_DEBUG(MDC_CAT_GIDS, "import RSA-%u into B0%02X: status %d SW %04X", key->bits, kid_of(key),
              (int)rc.status, rc.sw);
    if (rc.status == MDC_CARD_OK)
        rc = keymap_set(card, key, alg);
    return rc;
}

mdc_card_rc mdc_gids_delete_key(struct mdc_card *card, const struct mdc_card_key *key)
{
    mdc_gids_keymap km;
    mdc_card_rc rc;
    mdc_mdfs_rv prv;
    bool present, existed;

    if (card == NULL || key == NULL || key->index >= MDC_GIDS_CONTAINERS_MAX)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    rc = delete_key_ef(card->conn, kid_of(key), &existed);
    if (rc.status != MDC_CARD_OK)
        return rc;
    if (!existed)
        MDC_DEBUG(MDC_CAT_GIDS, "key file B0%02X was already gone", kid_of(key));
    rc = keymap_read(card, &km, &present);
    if (rc.status != MDC_CARD_OK)
        return rc;
    /* Records past the end stay absent: padding is the next key's job. */
    if (key->index < km.count) {
        prv = mdc_gids_keymap_release(&km, key->index);
        rc = prv == MDC_MDFS_OK ? keymap_write(card, &km) : (mdc_card_rc){MDC_CARD_ARGS, 0};
    }
    mdc_gids_keymap_clear(&km);
    return rc;
}

/* After the last key the keymap says is in use, keep probing this many
 * consecutive absent key EFs: orphans of interrupted creations sit right
 * after the last container (4.14). */
#define GIDS_ERASE_PROBE_SLACK 8u

mdc_card_rc mdc_gids_erase_keys(struct mdc_card *card)
{
    static const uint8_t version_only[1] = {MDC_GIDS_KEYMAP_VERSION};
    mdc_gids_keymap km;
    mdc_card_rc rc;
    bool present, existed;
    unsigned i, misses = 0, last_known = 0;

    if (card == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    rc = keymap_read(card, &km, &present);
    if (rc.status == MDC_CARD_BAD_RESPONSE)
        km = (mdc_gids_keymap){NULL, 0}; /* unreadable: probe instead */
    else if (rc.status != MDC_CARD_OK)
        return rc;
    /* Every record, in use or not, may have a key EF (interrupted deletion). */
    last_known = (unsigned)km.count;
    mdc_gids_keymap_clear(&km);
    for (i = 0; i < MDC_GIDS_CONTAINERS_MAX; i++) {
        if (i >= last_known && misses >= GIDS_ERASE_PROBE_SLACK)
            break;
        rc = delete_key_ef(card->conn, (uint8_t)(MDC_GIDS_KID_FIRST + i), &existed);
        if (rc.status != MDC_CARD_OK)
            return rc;
        misses = existed ? 0 : misses + 1;
        if (existed)
            MDC_DEBUG(MDC_CAT_GIDS, "erase: key file B0%02X deleted", MDC_GIDS_KID_FIRST + i);
    }
    /* Keymap left as on a card with no containers: version byte only. */
    return mdc_gids_put_data(card->conn, MDC_GIDS_EF_A000, MDC_GIDS_DO_KEYMAP, version_only, 1);
}
