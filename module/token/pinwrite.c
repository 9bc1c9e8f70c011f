/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PIN and administrator writes: C_SetPIN (old PIN verified first, then one
 * pins bump, then the change; old == new is still verified on the card),
 * C_Login(CKU_SO) with the 48-hex-digit admin key (kept in a secret buffer
 * for the SO session, wiped on logout) and C_InitPIN (unblock, which on GIDS
 * also sets the first PIN).
 */
#include "token/tok_int.h"
#include "token/wplan.h"

#include "util/hex.h"
#include "util/log.h"

#include <limits.h>
#include <openssl/crypto.h>
#include <string.h>

#define ADMIN_KEY_LEN 24

bool mdc_tok_so_logged_in(const struct mdc_tok *tok)
{
    return tok != NULL && tok->so_logged_in;
}

bool mdc_tok_admin_key_parse(const uint8_t *pin, size_t len, uint8_t key[24])
{
    size_t out_len = 0;

    if (pin == NULL || len != 2 * ADMIN_KEY_LEN)
        return false;
    if (!mdc_util_hex_decode((const char *)pin, len, key, ADMIN_KEY_LEN, &out_len) ||
        out_len != ADMIN_KEY_LEN) {
        OPENSSL_cleanse(key, ADMIN_KEY_LEN);
        return false;
    }
    return true;
}

CK_RV mdc_tok_admin_auth(struct mdc_tok *tok)
{
    mdc_card_rc rc;

    if (tok->so_key == NULL || tok->so_key->len != ADMIN_KEY_LEN)
        return CKR_USER_NOT_LOGGED_IN;
    rc = tok->edge->admin_auth(tok->card, tok->so_key->data);
    if (rc.status != MDC_CARD_OK) {
        CK_RV rv = mdc_tok_rv(tok, rc, MDC_CARD_OP_ADMIN);

        MDC_ERROR(MDC_CAT_TOKEN, "administrator authentication failed (SW %04X)", rc.sw);
        return rv;
    }
    return CKR_OK;
}

/* A transaction on a freshly validated card with a minidriver file system. */
static CK_RV begin_fs(struct mdc_tok *tok)
{
    CK_RV rv = mdc_tok_begin(tok, false);

    if (rv != CKR_OK)
        return rv;
    if (!tok->info.fs_present) {
        mdc_tok_end(tok);
        return CKR_USER_PIN_NOT_INITIALIZED;
    }
    if (tok->cardcf_absent || tok->cardcf.len < 6) {
        MDC_ERROR(MDC_CAT_TOKEN, "card has no usable cardcf: refusing to write");
        mdc_tok_end(tok);
        return CKR_DEVICE_ERROR;
    }
    return CKR_OK;
}

CK_RV mdc_tok_login_so(struct mdc_tok *tok, const uint8_t *pin, size_t len)
{
    uint8_t key[ADMIN_KEY_LEN];
    CK_RV rv;

    if (tok->so_logged_in)
        return CKR_USER_ALREADY_LOGGED_IN;
    if (tok->logged_in)
        return CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
    if (tok->edge != NULL && tok->edge->admin_auth == NULL)
        return CKR_FUNCTION_NOT_SUPPORTED;
    if (len != 2 * ADMIN_KEY_LEN) {
        MDC_ERROR(MDC_CAT_TOKEN, "the SO PIN is the admin key as 48 hex digits (got %zu "
                                 "characters)", len);
        return CKR_PIN_LEN_RANGE;
    }
    if (!mdc_tok_admin_key_parse(pin, len, key)) {
        MDC_ERROR(MDC_CAT_TOKEN, "the SO PIN is the admin key as 48 hex digits");
        return CKR_PIN_INVALID;
    }
    tok->so_key = mdc_util_secret_new(key, sizeof(key));
    OPENSSL_cleanse(key, sizeof(key));
    if (tok->so_key == NULL)
        return CKR_HOST_MEMORY;
    rv = mdc_tok_begin(tok, false);
    if (rv == CKR_OK) {
        rv = tok->edge->admin_auth != NULL ? mdc_tok_admin_auth(tok)
                                           : CKR_FUNCTION_NOT_SUPPORTED;
        if (tok->card != NULL)
            mdc_tok_end(tok);
    }
    if (rv != CKR_OK) {
        mdc_util_secret_free(tok->so_key);
        tok->so_key = NULL;
        return rv;
    }
    tok->so_logged_in = true;
    MDC_INFO(MDC_CAT_TOKEN, "security officer logged in (admin key verified by the card)");
    return CKR_OK;
}

static bool pin_len_ok(size_t len)
{
    return len >= MDC_TOK_MIN_PIN_LEN && len <= MDC_TOK_MAX_PIN_LEN;
}

CK_RV mdc_tok_set_pin(struct mdc_tok *tok, const uint8_t *old_pin, size_t old_len,
                      const uint8_t *new_pin, size_t new_len)
{
    struct mdc_tok_wr w;
    unsigned tries = UINT_MAX;
    mdc_card_rc rc;
    CK_RV rv;

    if (tok->so_logged_in) {
        MDC_ERROR(MDC_CAT_TOKEN, "the SO PIN (admin key) cannot be changed through C_SetPIN");
        return CKR_FUNCTION_NOT_SUPPORTED;
    }
    if (!pin_len_ok(old_len) || !pin_len_ok(new_len))
        return CKR_PIN_LEN_RANGE;
    if (tok->edge != NULL && (tok->edge->change_pin == NULL || tok->edge->write_file == NULL))
        return CKR_FUNCTION_NOT_SUPPORTED;
    rv = begin_fs(tok);
    if (rv != CKR_OK)
        return rv;
    if (tok->edge->change_pin == NULL || tok->edge->write_file == NULL) {
        rv = CKR_FUNCTION_NOT_SUPPORTED;
        goto out;
    }
    /* The old PIN first: a wrong one changes nothing, not even cardcf. */
    rv = mdc_tok_verify(tok, old_pin, old_len);
    if (rv == CKR_FUNCTION_REJECTED)
        rv = CKR_DEVICE_ERROR;
    if (rv != CKR_OK)
        goto out;
    memset(&w, 0, sizeof(w));
    rv = mdc_tok_wr_bump(tok, &w, mdc_tok_wop_counters(MDC_TOK_WOP_PIN));
    if (rv != CKR_OK)
        goto out;
    rc = tok->edge->change_pin(tok->card, MDC_PIN_USER, old_pin, old_len, new_pin, new_len,
                               &tries);
    if (rc.status != MDC_CARD_OK) {
        rv = mdc_tok_rv(tok, rc, MDC_CARD_OP_PIN);
        MDC_ERROR(MDC_CAT_TOKEN, "card refused the PIN change (SW %04X)", rc.sw);
        goto out;
    }
    MDC_INFO(MDC_CAT_TOKEN, "user PIN changed");
    if (tok->logged_in && tok->pin != NULL && !mdc_util_secret_set(tok->pin, new_pin, new_len)) {
        mdc_util_secret_free(tok->pin);
        tok->pin = NULL;
    }
out:
    /* Not logged in on the host: do not leave the card verified. */
    if (!tok->logged_in && tok->card != NULL && tok->edge->logout != NULL)
        tok->edge->logout(tok->card);
    if (tok->card != NULL)
        mdc_tok_end(tok);
    return rv;
}

CK_RV mdc_tok_init_pin(struct mdc_tok *tok, const uint8_t *pin, size_t len)
{
    struct mdc_tok_wr w;
    mdc_card_rc rc;
    CK_RV rv;

    if (!tok->so_logged_in)
        return CKR_USER_NOT_LOGGED_IN;
    if (!pin_len_ok(len))
        return CKR_PIN_LEN_RANGE;
    if (tok->edge->unblock_pin == NULL || tok->edge->write_file == NULL)
        return CKR_FUNCTION_NOT_SUPPORTED;
    rv = begin_fs(tok);
    if (rv != CKR_OK)
        return rv;
    rv = mdc_tok_admin_auth(tok);
    if (rv != CKR_OK)
        goto out;
    memset(&w, 0, sizeof(w));
    rv = mdc_tok_wr_bump(tok, &w, mdc_tok_wop_counters(MDC_TOK_WOP_PIN));
    if (rv != CKR_OK)
        goto out;
    rc = tok->edge->unblock_pin(tok->card, pin, len);
    if (rc.status != MDC_CARD_OK) {
        rv = mdc_tok_rv(tok, rc, MDC_CARD_OP_PIN);
        MDC_ERROR(MDC_CAT_TOKEN, "card refused to set the user PIN (SW %04X)", rc.sw);
        goto out;
    }
    MDC_INFO(MDC_CAT_TOKEN, "user PIN set and unblocked by the security officer");
out:
    if (tok->card != NULL)
        mdc_tok_end(tok);
    return rv;
}
