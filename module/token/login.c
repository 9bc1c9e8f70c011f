/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Login state of a slot, shared by all its sessions: C_Login/C_Logout with
 * the card, and the PIN cache that lets the token re-verify after another
 * application reset or deselected the card (DESIGN.md section 6).
 */
#include "token/tok_int.h"

#include "util/log.h"

#include <limits.h>
#include <string.h>

bool mdc_tok_logged_in(const struct mdc_tok *tok)
{
    return tok->logged_in;
}

void mdc_tok_drop_login(struct mdc_tok *tok)
{
    tok->logged_in = false;
    mdc_util_secret_free(tok->pin);
    tok->pin = NULL;
    tok->so_logged_in = false;
    mdc_util_secret_free(tok->so_key);
    tok->so_key = NULL;
}

void mdc_tok_forget_login(struct mdc_tok *tok)
{
    if (tok == NULL)
        return;
    mdc_tok_drop_login(tok);
    /* Called when the slot's last session closes: session objects end too. */
    mdc_tok_drop_session_objects(tok);
}

CK_RV mdc_tok_verify(struct mdc_tok *tok, const uint8_t *pin, size_t len)
{
    unsigned tries = UINT_MAX;
    mdc_card_rc rc;
    CK_RV rv;

    if (tok->edge->verify_pin == NULL)
        return CKR_FUNCTION_NOT_SUPPORTED;
    rc = tok->edge->verify_pin(tok->card, MDC_PIN_USER, pin, len, &tries);
    if (rc.status == MDC_CARD_OK)
        return CKR_OK;
    if (mdc_tok_rc_deselected(rc) && rc.sw != 0x6982)
        return CKR_FUNCTION_REJECTED; /* internal: GIDS not selected any more */
    rv = mdc_tok_rv(tok, rc, MDC_CARD_OP_PIN);
    if (rv == CKR_PIN_INCORRECT && tries != UINT_MAX)
        MDC_ERROR(MDC_CAT_TOKEN, "wrong PIN: %u tries left", tries);
    else if (rv == CKR_PIN_INCORRECT)
        MDC_ERROR(MDC_CAT_TOKEN, "wrong PIN");
    else if (rv == CKR_PIN_LOCKED)
        MDC_ERROR(MDC_CAT_TOKEN, "PIN blocked");
    return rv;
}

/* Open the card and a transaction without re-reading anything: VERIFY does
 * not depend on cached state, so a warm login costs exactly one APDU. */
static CK_RV begin_plain(struct mdc_tok *tok)
{
    mdc_card_rc rc;
    CK_RV rv;

    if (tok->card == NULL) {
        rv = mdc_tok_begin(tok, false);
        return rv;
    }
    rc = tok->edge->begin(tok->card);
    if (rc.status == MDC_CARD_RESELECTED) {
        tok->snap_valid = false; /* re-validate on the next cached read */
        tok->id_fresh = false;   /* and re-read cardid after the reset */
        rc.status = MDC_CARD_OK;
    }
    if (rc.status != MDC_CARD_OK)
        return mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
    return CKR_OK;
}

CK_RV mdc_tok_login(struct mdc_tok *tok, CK_USER_TYPE user, const uint8_t *pin, size_t len)
{
    CK_RV rv;

    if (user == CKU_SO)
        return mdc_tok_login_so(tok, pin, len);
    if (user == CKU_USER && tok->so_logged_in)
        return CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
    if (user != CKU_USER && user != CKU_CONTEXT_SPECIFIC)
        return CKR_USER_TYPE_INVALID;
    if (user == CKU_USER && tok->logged_in)
        return CKR_USER_ALREADY_LOGGED_IN;
    if (user == CKU_CONTEXT_SPECIFIC && !tok->logged_in)
        return CKR_USER_NOT_LOGGED_IN;
    if (pin == NULL || len < MDC_TOK_MIN_PIN_LEN || len > MDC_TOK_MAX_PIN_LEN)
        return CKR_PIN_LEN_RANGE;
    rv = begin_plain(tok);
    if (rv != CKR_OK)
        return rv;
    if (tok->info_known && !tok->info.fs_present) {
        tok->edge->end(tok->card); /* blank card: no user PIN yet */
        return CKR_USER_PIN_NOT_INITIALIZED;
    }
    rv = mdc_tok_verify(tok, pin, len);
    if (rv == CKR_FUNCTION_REJECTED) {
        /* Another application's selection answers VERIFY with 6D00/6A82. */
        rv = mdc_tok_recover(tok);
        if (rv == CKR_OK)
            rv = mdc_tok_verify(tok, pin, len);
        if (rv == CKR_FUNCTION_REJECTED)
            rv = CKR_DEVICE_ERROR;
    }
    if (tok->card != NULL)
        tok->edge->end(tok->card);
    if (rv != CKR_OK) {
        if (user == CKU_CONTEXT_SPECIFIC && rv != CKR_PIN_INCORRECT)
            mdc_tok_drop_login(tok);
        return rv;
    }
    tok->logged_in = true;
    if (mdc_tok_config_pin_cache()) {
        if (tok->pin == NULL)
            tok->pin = mdc_util_secret_new(pin, len);
        else if (!mdc_util_secret_set(tok->pin, pin, len)) {
            mdc_util_secret_free(tok->pin);
            tok->pin = NULL;
        }
        if (tok->pin == NULL)
            MDC_WARN(MDC_CAT_TOKEN, "PIN cache unavailable (no memory)");
    }
    return CKR_OK;
}

CK_RV mdc_tok_logout(struct mdc_tok *tok)
{
    CK_RV rv = CKR_OK;

    if (!tok->logged_in && !tok->so_logged_in)
        return CKR_USER_NOT_LOGGED_IN;
    /* Host state first: whatever the card says, we are logged out. */
    mdc_tok_drop_login(tok);
    if (tok->card != NULL && tok->edge->logout != NULL) {
        mdc_card_rc rc = tok->edge->begin(tok->card);

        if (rc.status == MDC_CARD_OK || rc.status == MDC_CARD_RESELECTED) {
            if (rc.status == MDC_CARD_RESELECTED) {
                tok->snap_valid = false;
                tok->id_fresh = false;
            }
            rc = tok->edge->logout(tok->card);
            tok->edge->end(tok->card);
        }
        /* The host state is gone either way; a card that left is logged out. */
        if (mdc_tok_rc_gone(rc))
            mdc_tok_card_lost(tok);
        else if (rc.status != MDC_CARD_OK)
            MDC_DEBUG(MDC_CAT_TOKEN, "card logout: status %d SW %04X", (int)rc.status, rc.sw);
    }
    return rv;
}
