/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_SignInit/C_Sign/C_SignUpdate/C_SignFinal: hash and encode on the host
 * (rsa_pad.h), the private operation on the card. CKM_RSA_PKCS inputs up
 * to 247 bytes and the hash-and-sign PKCS#1 v1.5 mechanisms use the card's
 * PKCS#1 mode; longer inputs, CKM_RSA_X_509 and PSS a raw operation.
 */
#include "pkcs11/p11.h"

#include "pkcs11/rsa_pad.h"
#include "token/token.h"

#include <stdlib.h>
#include <string.h>

#define CARD_PKCS1_MAX 247 /* GidsApplet's limit on PKCS#1 mode input */

CK_RV mdc_p11_sign_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_p11_op_init(&s->sign, mdc_p11_slot_tok(slot), m, key, CKF_SIGN);
    mdc_p11_session_put(slot);
    return rv;
}

/* The signature of `in` (the data, or the digest for hashing mechanisms). */
static CK_RV sign_block(struct mdc_tok *tok, struct mdc_p11_op *op, const CK_BYTE *in,
                        size_t in_len, CK_BYTE *sig, size_t k)
{
    struct mdc_buf out = MDC_BUF_INIT;
    mdc_p11_card_pad how = MDC_P11_CARD_RAW;
    CK_BYTE *block = calloc(1, k);
    size_t block_len = 0;
    bool card_pads = op->type != CKM_RSA_PKCS || in_len <= CARD_PKCS1_MAX;
    CK_RV rv;

    if (block == NULL)
        return CKR_HOST_MEMORY;
    rv = mdc_p11_sign_input(op->type, &op->params, op->bits, card_pads, in, in_len, block, k,
                            &block_len, &how);
    if (rv == CKR_OK)
        rv = mdc_tok_sign(tok, op->key, how == MDC_P11_CARD_PKCS1 ? MDC_SIGN_PKCS1 : MDC_SIGN_RAW,
                          block, block_len, &out);
    if (rv == CKR_OK && (out.len == 0 || out.len > k))
        rv = CKR_DEVICE_ERROR; /* a signature is exactly k bytes */
    if (rv == CKR_OK) {
        memset(sig, 0, k - out.len);
        memcpy(sig + (k - out.len), out.data, out.len);
    }
    free(block);
    mdc_buf_free(&out);
    return rv;
}

/* Common tail of C_Sign and C_SignFinal; `data` is NULL for C_SignFinal. */
static CK_RV finish(CK_SESSION_HANDLE h, bool final, CK_BYTE_PTR data, CK_ULONG len,
                    CK_BYTE_PTR sig, CK_ULONG_PTR sig_len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_BYTE md[MDC_P11_HASH_MAX];
    const CK_BYTE *in;
    size_t in_len, md_len = 0, k;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    if (!s->sign.active) {
        mdc_p11_session_put(slot);
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    if (!final && s->sign.multi) {
        mdc_p11_session_put(slot);
        return CKR_OPERATION_ACTIVE;
    }
    k = (s->sign.bits + 7) / 8;
    if (sig == NULL || *sig_len < k) {
        /* Length query or short buffer: the operation stays active. */
        rv = sig == NULL ? CKR_OK : CKR_BUFFER_TOO_SMALL;
        *sig_len = k;
        mdc_p11_session_put(slot);
        return rv;
    }
    if (s->sign.digest != NULL) {
        if (!final)
            rv = mdc_p11_digest_update(s->sign.digest, data, len);
        if (rv == CKR_OK)
            rv = mdc_p11_digest_final(s->sign.digest, md, sizeof(md), &md_len);
        in = md;
        in_len = md_len;
    } else if (final) {
        in = s->sign.data.data;
        in_len = s->sign.data.len;
    } else {
        in = data;
        in_len = len;
    }
    if (rv == CKR_OK)
        rv = sign_block(mdc_p11_slot_tok(slot), &s->sign, in, in_len, sig, k);
    if (rv == CKR_OK)
        *sig_len = k;
    mdc_p11_op_end(&s->sign);
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_sign(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
                   CK_ULONG_PTR sig_len)
{
    return finish(h, false, data, len, sig, sig_len);
}

CK_RV mdc_p11_sign_final(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len)
{
    return finish(h, true, NULL, 0, sig, sig_len);
}

/* Shared with verify: feed a part to the hash, or collect it. */
CK_RV mdc_p11_op_update(struct mdc_p11_op *op, const CK_BYTE *data, CK_ULONG len)
{
    CK_RV rv = CKR_OK;

    op->multi = true;
    if (op->digest != NULL)
        rv = mdc_p11_digest_update(op->digest, data, len);
    else if (op->data.len + len > MDC_P11_RSA_MAX_BYTES || !mdc_buf_append(&op->data, data, len))
        rv = CKR_DATA_LEN_RANGE;
    return rv;
}

CK_RV mdc_p11_sign_update(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    if (!s->sign.active) {
        rv = CKR_OPERATION_NOT_INITIALIZED;
    } else {
        rv = mdc_p11_op_update(&s->sign, data, len);
        if (rv != CKR_OK)
            mdc_p11_op_end(&s->sign);
    }
    mdc_p11_session_put(slot);
    return rv;
}
