/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_VerifyInit/C_Verify/C_VerifyUpdate/C_VerifyFinal in software with the
 * key's public half (soft.h); no card access.
 */
#include "pkcs11/p11.h"

#include "token/token.h"

CK_RV mdc_p11_verify_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_p11_op_init(&s->verify, mdc_p11_slot_tok(slot), m, key, CKF_VERIFY);
    mdc_p11_session_put(slot);
    return rv;
}

static CK_RV finish(CK_SESSION_HANDLE h, bool final, CK_BYTE_PTR data, CK_ULONG len,
                    CK_BYTE_PTR sig, CK_ULONG sig_len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    struct mdc_p11_op *op;
    CK_BYTE md[MDC_P11_HASH_MAX];
    size_t md_len = 0;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    op = &s->verify;
    if (!op->active) {
        rv = CKR_OPERATION_NOT_INITIALIZED;
    } else if (!final && op->multi) {
        rv = CKR_OPERATION_ACTIVE;
    } else {
        if (final && op->digest != NULL) {
            rv = mdc_p11_digest_final(op->digest, md, sizeof(md), &md_len);
            if (rv == CKR_OK)
                rv = mdc_p11_soft_verify_digest(op->pub, op->type, &op->params, md, md_len, sig,
                                                sig_len);
        } else if (final) {
            rv = mdc_p11_soft_verify(op->pub, op->type, &op->params, op->data.data, op->data.len,
                                     sig, sig_len);
        } else {
            rv = mdc_p11_soft_verify(op->pub, op->type, &op->params, data, len, sig, sig_len);
        }
        mdc_p11_op_end(op);
    }
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_verify(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
                     CK_ULONG sig_len)
{
    return finish(h, false, data, len, sig, sig_len);
}

CK_RV mdc_p11_verify_final(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG sig_len)
{
    return finish(h, true, NULL, 0, sig, sig_len);
}

CK_RV mdc_p11_verify_update(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    if (!s->verify.active) {
        rv = CKR_OPERATION_NOT_INITIALIZED;
    } else {
        rv = mdc_p11_op_update(&s->verify, data, len);
        if (rv != CKR_OK)
            mdc_p11_op_end(&s->verify);
    }
    mdc_p11_session_put(slot);
    return rv;
}
