/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PIN change, administrator mutual authentication (3DES-EDE CBC, 40-byte
 * cryptograms, GIDS-AND-MINIDRIVER.md 2.9) and PIN unblock (2.7, 4.11,
 * 4.12). Every copy of a PIN, key or cryptogram made here is wiped.
 */
#include "gids/gids.h"

#include "util/log.h"

#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#define GIDS_PIN_REF_USER 0x80
#define GIDS_ADMIN_KEY_REF 0x80
#define GIDS_CHALLENGE_LEN 16
#define GIDS_CRYPTOGRAM_LEN 40

static void note_tries(mdc_card_rc rc, unsigned *tries_left)
{
    if (tries_left == NULL || rc.status != MDC_CARD_SW)
        return;
    if ((rc.sw & 0xFFF0) == 0x63C0)
        *tries_left = rc.sw & 0x000F;
    else if (rc.sw == 0x6983)
        *tries_left = 0;
}

mdc_card_rc mdc_gids_change_pin(struct mdc_pcsc_conn *conn, const uint8_t *old_pin, size_t old_len,
                                const uint8_t *new_pin, size_t new_len, unsigned *tries_left)
{
    uint8_t data[255];
    struct mdc_apdu a = {0x00, 0x24, 0x00, GIDS_PIN_REF_USER, data, 0, false, 0};
    mdc_card_rc rc;

    if (tries_left != NULL)
        *tries_left = UINT_MAX;
    if ((old_pin == NULL && old_len != 0) || (new_pin == NULL && new_len != 0))
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    /* The card splits old||new at the stored PIN length; it judges lengths. */
    if (old_len > sizeof(data) || new_len > sizeof(data) - old_len)
        return (mdc_card_rc){MDC_CARD_SW, 0x6700};
    if (old_len != 0)
        memcpy(data, old_pin, old_len);
    if (new_len != 0)
        memcpy(data + old_len, new_pin, new_len);
    a.lc = old_len + new_len;
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &a, NULL));
    OPENSSL_cleanse(data, sizeof(data));
    note_tries(rc, tries_left);
    MDC_DEBUG(MDC_CAT_GIDS, "CHANGE REFERENCE DATA: status %d SW %04X", (int)rc.status, rc.sw);
    return rc;
}

mdc_card_rc mdc_gids_unblock_pin(struct mdc_pcsc_conn *conn, const uint8_t *new_pin, size_t new_len)
{
    struct mdc_apdu a = {0x00, 0x2C, 0x02, GIDS_PIN_REF_USER, new_pin, new_len, false, 0};
    mdc_card_rc rc;

    if (new_pin == NULL || new_len == 0)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    if (new_len > 255)
        return (mdc_card_rc){MDC_CARD_SW, 0x6700};
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &a, NULL));
    MDC_DEBUG(MDC_CAT_GIDS, "RESET RETRY COUNTER: status %d SW %04X", (int)rc.status, rc.sw);
    return rc;
}

bool mdc_gids_3des_cbc(const uint8_t key[24], bool encrypt, const uint8_t *in, uint8_t *out,
                       size_t len)
{
    static const uint8_t iv[8] = {0};
    EVP_CIPHER_CTX *ctx;
    int n1 = 0, n2 = 0;
    bool ok;

    if (len == 0 || len % 8 != 0 || len > INT_MAX)
        return false;
    ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL)
        return false;
    ok = EVP_CipherInit_ex(ctx, EVP_des_ede3_cbc(), NULL, key, iv, encrypt ? 1 : 0) == 1 &&
         EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
         EVP_CipherUpdate(ctx, out, &n1, in, (int)len) == 1 &&
         EVP_CipherFinal_ex(ctx, out + n1, &n2) == 1 && (size_t)n1 + (size_t)n2 == len;
    EVP_CIPHER_CTX_free(ctx); /* cleanses the key schedule */
    return ok;
}

/* The value of 7C { <inner> len } in a GENERAL AUTHENTICATE answer. */
static bool ga_value(const uint8_t *resp, size_t len, uint16_t inner, size_t want,
                     const uint8_t **value)
{
    struct mdc_tlv outer, t;

    if (mdc_tlv_read(resp, len, &outer) != MDC_TLV_OK || outer.tag != 0x7C)
        return false;
    if (mdc_tlv_find(outer.value, outer.len, inner, &t) != MDC_TLV_OK || t.len != want)
        return false;
    *value = t.value;
    return true;
}

/* Everything secret of one authentication, wiped in one place. */
struct admin_session {
    uint8_t r1[GIDS_CHALLENGE_LEN], r2[GIDS_CHALLENGE_LEN];
    uint8_t plain[GIDS_CRYPTOGRAM_LEN], crypt[GIDS_CRYPTOGRAM_LEN];
    uint8_t cmd[4 + GIDS_CRYPTOGRAM_LEN];
};

static mdc_card_rc admin_steps(struct mdc_pcsc_conn *conn, const uint8_t key[24],
                               struct admin_session *s, struct mdc_buf *resp)
{
    static const uint8_t mse_data[] = {0x83, 0x01, GIDS_ADMIN_KEY_REF};
    struct mdc_apdu mse = {0x00, 0x22, 0xC1, 0xA4, mse_data, sizeof(mse_data), false, 0};
    struct mdc_apdu ga = {0x00, 0x87, 0x00, 0x00, s->cmd, 0, true, 256};
    const uint8_t *v;
    mdc_card_rc rc;

    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &mse, NULL));
    if (rc.status != MDC_CARD_OK)
        return rc;
    /* Step 1: our challenge R1, the card's R2 back. */
    if (RAND_bytes(s->r1, sizeof(s->r1)) != 1 || RAND_bytes(s->plain + 32, 7) != 1) {
        MDC_ERROR(MDC_CAT_GIDS, "no random bytes for the admin challenge");
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    }
    memcpy(s->cmd, (const uint8_t[]){0x7C, 0x12, 0x81, 0x10}, 4);
    memcpy(s->cmd + 4, s->r1, sizeof(s->r1));
    ga.lc = 4 + sizeof(s->r1);
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &ga, resp));
    if (rc.status != MDC_CARD_OK)
        return rc;
    if (!ga_value(resp->data, resp->len, 0x81, GIDS_CHALLENGE_LEN, &v)) {
        MDC_WARN(MDC_CAT_GIDS, "admin authentication: no 16-byte challenge from the card");
        return (mdc_card_rc){MDC_CARD_BAD_RESPONSE, rc.sw};
    }
    memcpy(s->r2, v, sizeof(s->r2));
    /* Step 2: C1 = E(R2 | R1 | Z1 | 80); the card proves itself with C2. */
    memcpy(s->plain, s->r2, 16);
    memcpy(s->plain + 16, s->r1, 16);
    s->plain[39] = 0x80;
    if (!mdc_gids_3des_cbc(key, true, s->plain, s->crypt, GIDS_CRYPTOGRAM_LEN))
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    memcpy(s->cmd, (const uint8_t[]){0x7C, 0x2A, 0x82, 0x28}, 4);
    memcpy(s->cmd + 4, s->crypt, GIDS_CRYPTOGRAM_LEN);
    ga.lc = 4 + GIDS_CRYPTOGRAM_LEN;
    mdc_buf_clear(resp);
    rc = mdc_gids_rc_from_pcsc(mdc_pcsc_transmit(conn, &ga, resp));
    if (rc.status != MDC_CARD_OK)
        return rc;
    if (!ga_value(resp->data, resp->len, 0x82, GIDS_CRYPTOGRAM_LEN, &v) ||
        !mdc_gids_3des_cbc(key, false, v, s->plain, GIDS_CRYPTOGRAM_LEN) ||
        CRYPTO_memcmp(s->plain, s->r1, 16) != 0 || CRYPTO_memcmp(s->plain + 16, s->r2, 16) != 0 ||
        s->plain[39] != 0x80) {
        MDC_WARN(MDC_CAT_GIDS, "admin authentication: the card's answer does not prove the key");
        return (mdc_card_rc){MDC_CARD_BAD_RESPONSE, rc.sw};
    }
    return rc;
}

mdc_card_rc mdc_gids_admin_auth(struct mdc_pcsc_conn *conn, const uint8_t key[24])
{
    struct mdc_buf resp = MDC_BUF_INIT;
    struct admin_session s;
    mdc_card_rc rc;

    if (key == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    memset(&s, 0, sizeof(s));
    rc = admin_steps(conn, key, &s, &resp);
    OPENSSL_cleanse(&s, sizeof(s));
    mdc_buf_free(&resp);
    if (rc.status == MDC_CARD_BAD_RESPONSE) {
        /* The card may consider us authenticated: end that with a logout. */
        (void)mdc_gids_logout(conn);
    }
    MDC_DEBUG(MDC_CAT_GIDS, "admin authentication: status %d SW %04X", (int)rc.status, rc.sw);
    return rc;
}
