/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Private-key operations and random numbers on the card, each in one
 * transaction on a validated card state, with the shared-card recovery of
 * DESIGN.md section 6: an unexpected 6A82/6D00/6982 re-selects,
 * re-validates, re-verifies the cached PIN and retries once; without a
 * cached PIN the login is dropped (CKR_USER_NOT_LOGGED_IN).
 */
#include "token/tok_int.h"

#include "util/log.h"

#include <string.h>

enum op_kind { OP_SIGN, OP_DECRYPT };

struct op {
    enum op_kind kind;
    enum mdc_sign_mode sign_mode;
    enum mdc_decrypt_mode decrypt_mode;
    const uint8_t *in;
    size_t in_len;
    struct mdc_buf *out;
};

static mdc_card_rc run(struct mdc_tok *tok, const struct mdc_card_key *key, const struct op *op)
{
    if (op->kind == OP_SIGN)
        return tok->edge->sign(tok->card, key, op->sign_mode, op->in, op->in_len, op->out);
    return tok->edge->decrypt(tok->card, key, op->decrypt_mode, op->in, op->in_len, op->out);
}

static CK_RV private_op(struct mdc_tok *tok, CK_OBJECT_HANDLE h, const struct op *op)
{
    struct mdc_tok_object *o;
    struct mdc_card_key key;
    mdc_card_rc rc = {MDC_CARD_OK, 0};
    CK_RV rv;

    if ((op->kind == OP_SIGN && tok->edge != NULL && tok->edge->sign == NULL) ||
        (op->kind == OP_DECRYPT && tok->edge != NULL && tok->edge->decrypt == NULL))
        return CKR_FUNCTION_NOT_SUPPORTED;
    if (!tok->logged_in)
        return CKR_USER_NOT_LOGGED_IN;
    rv = mdc_tok_begin(tok, true);
    if (rv != CKR_OK)
        return rv;
    o = mdc_tok_objects_find(&tok->objs, h);
    if (o == NULL || o->cls != CKO_PRIVATE_KEY) {
        /* The key went away (changed elsewhere) since the operation began. */
        mdc_tok_end(tok);
        return CKR_KEY_HANDLE_INVALID;
    }
    if (!tok->logged_in) {
        mdc_tok_end(tok); /* a reset took the login and no PIN was cached */
        return CKR_USER_NOT_LOGGED_IN;
    }
    memset(&key, 0, sizeof(key));
    key.index = (unsigned)o->container;
    key.bits = (unsigned)o->bits;
    key.key_exchange = o->key_exchange;
    for (int attempt = 0; attempt < 2; attempt++) {
        rc = run(tok, &key, op);
        if (rc.status == MDC_CARD_OK || attempt == 1 || !mdc_tok_rc_deselected(rc))
            break;
        rv = mdc_tok_recover(tok);
        if (rv != CKR_OK) {
            mdc_tok_end(tok);
            return rv;
        }
        if (!tok->logged_in) {
            mdc_tok_end(tok);
            return CKR_USER_NOT_LOGGED_IN;
        }
        /* The card may have changed while we were away: the key must still
         * be there, under the same handle. */
        rv = tok->objs_valid ? CKR_OK : mdc_tok_enumerate(tok);
        o = rv == CKR_OK ? mdc_tok_objects_find(&tok->objs, h) : NULL;
        if (o == NULL || o->cls != CKO_PRIVATE_KEY) {
            mdc_tok_end(tok);
            return rv == CKR_OK || rv == CKR_FUNCTION_REJECTED ? CKR_KEY_HANDLE_INVALID : rv;
        }
        key.index = (unsigned)o->container;
        key.bits = (unsigned)o->bits;
        key.key_exchange = o->key_exchange;
    }
    if (rc.status != MDC_CARD_OK) {
        if (mdc_tok_rc_deselected(rc) && rc.sw == 0x6982) {
            /* Still not authenticated after recovery: the login is gone. */
            mdc_tok_drop_login(tok);
            mdc_tok_end(tok);
            return CKR_USER_NOT_LOGGED_IN;
        }
        rv = mdc_tok_rv(tok, rc, op->kind == OP_SIGN ? MDC_CARD_OP_CRYPTO : MDC_CARD_OP_DECRYPT);
    } else {
        rv = CKR_OK;
    }
    mdc_tok_end(tok);
    return rv;
}

CK_RV mdc_tok_sign(struct mdc_tok *tok, CK_OBJECT_HANDLE h, enum mdc_sign_mode mode,
                   const uint8_t *in, size_t in_len, struct mdc_buf *out)
{
    struct op op = {OP_SIGN, mode, MDC_DECRYPT_RAW, in, in_len, out};

    return private_op(tok, h, &op);
}

CK_RV mdc_tok_decrypt(struct mdc_tok *tok, CK_OBJECT_HANDLE h, enum mdc_decrypt_mode mode,
                      const uint8_t *in, size_t in_len, struct mdc_buf *out)
{
    struct op op = {OP_DECRYPT, MDC_SIGN_RAW, mode, in, in_len, out};

    return private_op(tok, h, &op);
}

CK_RV mdc_tok_random(struct mdc_tok *tok, uint8_t *out, size_t len)
{
    mdc_card_rc rc = {MDC_CARD_OK, 0};
    CK_RV rv;

    if (tok->rng < 0)
        return CKR_RANDOM_NO_RNG;
    rv = mdc_tok_begin(tok, false);
    if (rv != CKR_OK)
        return rv;
    if (tok->edge->get_random == NULL) {
        tok->rng = -1;
        mdc_tok_end(tok);
        return CKR_RANDOM_NO_RNG;
    }
    for (size_t off = 0; off < len;) {
        size_t n = len - off > 128 ? 128 : len - off;

        rc = tok->edge->get_random(tok->card, out + off, n);
        if (rc.status != MDC_CARD_OK)
            break;
        off += n;
    }
    if (rc.status == MDC_CARD_UNSUPPORTED ||
        (rc.status == MDC_CARD_SW && (rc.sw == 0x6D00 || rc.sw == 0x6E00))) {
        tok->rng = -1;
        rv = CKR_RANDOM_NO_RNG;
    } else if (rc.status != MDC_CARD_OK) {
        rv = mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
    } else {
        tok->rng = 1;
    }
    mdc_tok_end(tok);
    if (rv != CKR_OK)
        memset(out, 0, len);
    return rv;
}
