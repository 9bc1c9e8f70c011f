/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_EncryptInit/C_Encrypt in software with the key's public half (soft.h).
 */
#include "pkcs11/p11.h"

#include "token/token.h"

CK_RV mdc_p11_encrypt_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_p11_op_init(&s->encrypt, mdc_p11_slot_tok(slot), m, key, CKF_ENCRYPT);
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_encrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG len, CK_BYTE_PTR out,
                      CK_ULONG_PTR out_len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    size_t n = 0;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    if (!s->encrypt.active) {
        mdc_p11_session_put(slot);
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    rv = mdc_p11_soft_encrypt(s->encrypt.pub, s->encrypt.type, &s->encrypt.params, in, len, out,
                              out != NULL ? *out_len : 0, &n);
    *out_len = n;
    /* The length query and a short buffer leave the operation active. */
    if (!(rv == CKR_BUFFER_TOO_SMALL || (rv == CKR_OK && out == NULL)))
        mdc_p11_op_end(&s->encrypt);
    mdc_p11_session_put(slot);
    return rv;
}
