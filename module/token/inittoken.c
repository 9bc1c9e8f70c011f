/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_InitToken (DESIGN.md section 5). A blank GIDS card is initialized with
 * the SO PIN as admin key, a random user PIN that is never revealed (the
 * user PIN is then set with C_Login(CKU_SO) + C_InitPIN) and a random
 * cardid. An initialized card gets an admin-authenticated logical wipe:
 * cmapfile emptied, every key erased, the files in mscp deleted, a new
 * cardid, every cardcf counter bumped once.
 */
#include "token/tok_int.h"
#include "token/wplan.h"

#include "mdfs/ids.h"
#include "util/log.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <string.h>
#include <strings.h>

#define ADMIN_KEY_LEN 24
#define RANDOM_PIN_LEN 16

static CK_RV initialize_blank(struct mdc_tok *tok, const uint8_t key[ADMIN_KEY_LEN])
{
    static const char digits[] = "0123456789ABCDEF";
    uint8_t cardid[MDC_CARDID_LEN], rnd[RANDOM_PIN_LEN], pin[RANDOM_PIN_LEN];
    mdc_card_rc rc;
    CK_RV rv = CKR_OK;

    if (tok->edge->initialize == NULL)
        return CKR_FUNCTION_NOT_SUPPORTED;
    if (RAND_bytes(cardid, sizeof(cardid)) != 1 || RAND_bytes(rnd, sizeof(rnd)) != 1)
        return CKR_FUNCTION_FAILED;
    for (size_t i = 0; i < sizeof(pin); i++)
        pin[i] = (uint8_t)digits[rnd[i] & 0x0F];
    rc = tok->edge->initialize(tok->card, key, pin, sizeof(pin), cardid);
    OPENSSL_cleanse(rnd, sizeof(rnd));
    OPENSSL_cleanse(pin, sizeof(pin));
    if (rc.status != MDC_CARD_OK)
        rv = mdc_tok_wr_fail(tok, rc, "the card initialization");
    else
        MDC_INFO(MDC_CAT_TOKEN, "blank card initialized; set the user PIN with C_InitPIN");
    return rv;
}

static bool wiped_file(const char *name)
{
    return strcasecmp(name, "cmapfile") != 0;
}

static CK_RV wipe(struct mdc_tok *tok)
{
    struct mdc_tok_wr w;
    uint8_t cardid[MDC_CARDID_LEN];
    mdc_card_rc rc;
    CK_RV rv;

    if (tok->edge->erase_keys == NULL || tok->edge->write_file == NULL ||
        tok->edge->delete_file == NULL)
        return CKR_FUNCTION_NOT_SUPPORTED;
    if (RAND_bytes(cardid, sizeof(cardid)) != 1)
        return CKR_FUNCTION_FAILED;
    rv = mdc_tok_wr_begin(tok, &w);
    if (rv != CKR_OK)
        return rv;
    rv = mdc_tok_admin_auth(tok);
    if (rv == CKR_OK)
        rv = mdc_tok_wr_bump(tok, &w, mdc_tok_wop_counters(MDC_TOK_WOP_WIPE));
    if (rv == CKR_OK) {
        /* Unpublish every container, then destroy. */
        mdc_mdfs_cmap_clear(&w.cm);
        rv = mdc_tok_wr_cmap(tok, &w);
    }
    if (rv == CKR_OK) {
        rc = tok->edge->erase_keys(tok->card);
        if (rc.status != MDC_CARD_OK)
            rv = mdc_tok_wr_fail(tok, rc, "erasing the keys");
    }
    for (size_t off = 0; rv == CKR_OK && off < w.files.len;) {
        const char *name = (const char *)w.files.data + off;
        size_t len = strnlen(name, w.files.len - off);

        if (len != 0 && len == strlen(name) && wiped_file(name)) {
            rc = tok->edge->delete_file(tok->card, "mscp", name);
            if (rc.status != MDC_CARD_OK && rc.status != MDC_CARD_ABSENT)
                rv = mdc_tok_wr_fail(tok, rc, "deleting a file");
        }
        off += len + 1;
    }
    if (rv == CKR_OK) {
        rc = tok->edge->write_file(tok->card, NULL, "cardid", cardid, sizeof(cardid), false);
        if (rc.status != MDC_CARD_OK)
            rv = mdc_tok_wr_fail(tok, rc, "the new cardid");
    }
    if (rv == CKR_OK)
        MDC_INFO(MDC_CAT_TOKEN, "token wiped: keys, certificates and msroots deleted, new cardid");
    if (tok->card != NULL && tok->edge->logout != NULL)
        tok->edge->logout(tok->card);
    /* A new cardid: nothing cached or logged in survives. */
    w.changed = false;
    mdc_tok_drop_cache(tok);
    tok->snap_valid = false;
    mdc_tok_wr_end(tok, &w);
    return rv;
}

CK_RV mdc_tok_init_token(struct mdc_tok *tok, const uint8_t *so_pin, size_t len)
{
    uint8_t key[ADMIN_KEY_LEN];
    CK_RV rv;

    if (tok->logged_in || tok->so_logged_in)
        return CKR_SESSION_EXISTS;
    if (len != 2 * ADMIN_KEY_LEN)
        return CKR_PIN_LEN_RANGE;
    if (!mdc_tok_admin_key_parse(so_pin, len, key))
        return CKR_PIN_INVALID;
    rv = mdc_tok_begin(tok, false);
    if (rv != CKR_OK) {
        OPENSSL_cleanse(key, sizeof(key));
        return rv;
    }
    if (!tok->info.fs_present) {
        rv = initialize_blank(tok, key);
        OPENSSL_cleanse(key, sizeof(key));
        if (tok->card != NULL)
            mdc_tok_end(tok);
        tok->info_known = false;
        tok->snap_valid = false;
        mdc_tok_drop_cache(tok);
        return rv;
    }
    mdc_tok_end(tok);
    /* Logical wipe with the admin key kept just for this call. */
    tok->so_key = mdc_util_secret_new(key, sizeof(key));
    OPENSSL_cleanse(key, sizeof(key));
    if (tok->so_key == NULL)
        return CKR_HOST_MEMORY;
    rv = wipe(tok);
    mdc_tok_drop_login(tok);
    return rv;
}
