/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_DigestInit/C_Digest/C_DigestUpdate/C_DigestFinal in software (soft.h),
 * with the PKCS#11 length-query protocol.
 */
#include "pkcs11/p11.h"

CK_RV mdc_p11_digest_init_op(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    const mdc_p11_mech *row;
    CK_RV rv;

    if (m == NULL)
        return CKR_ARGUMENTS_BAD;
    rv = mdc_p11_session_get(h, &s, &slot);
    if (rv != CKR_OK)
        return rv;
    if (s->digest.active)
        rv = CKR_OPERATION_ACTIVE;
    else
        rv = mdc_p11_mech_for_op(m->mechanism, CKF_DIGEST, &row);
    if (rv == CKR_OK && m->pParameter != NULL)
        rv = CKR_MECHANISM_PARAM_INVALID;
    if (rv == CKR_OK)
        rv = mdc_p11_digest_init(row->hash ? row->hash : m->mechanism, &s->digest.digest);
    if (rv == CKR_OK) {
        s->digest.active = true;
        s->digest.type = m->mechanism;
        s->digest.mech = row;
    }
    mdc_p11_session_put(slot);
    return rv;
}

static CK_RV final(struct mdc_p11_op *op, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
    size_t n = 0;
    CK_RV rv = mdc_p11_digest_final(op->digest, out, out != NULL ? *out_len : 0, &n);

    *out_len = n;
    if (!(rv == CKR_BUFFER_TOO_SMALL || (rv == CKR_OK && out == NULL)))
        mdc_p11_op_end(op);
    return rv;
}

CK_RV mdc_p11_digest_op(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG len, CK_BYTE_PTR out,
                        CK_ULONG_PTR out_len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    if (!s->digest.active) {
        rv = CKR_OPERATION_NOT_INITIALIZED;
    } else if (s->digest.multi) {
        rv = CKR_OPERATION_ACTIVE;
    } else if (out == NULL || *out_len < mdc_p11_digest_size(s->digest.digest)) {
        /* Answer the length without consuming the data. */
        rv = out == NULL ? CKR_OK : CKR_BUFFER_TOO_SMALL;
        *out_len = mdc_p11_digest_size(s->digest.digest);
    } else {
        rv = mdc_p11_digest_update(s->digest.digest, in, len);
        if (rv == CKR_OK)
            rv = final(&s->digest, out, out_len);
        else
            mdc_p11_op_end(&s->digest);
    }
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_digest_update_op(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    if (!s->digest.active) {
        rv = CKR_OPERATION_NOT_INITIALIZED;
    } else {
        s->digest.multi = true;
        rv = mdc_p11_digest_update(s->digest.digest, in, len);
        if (rv != CKR_OK)
            mdc_p11_op_end(&s->digest);
    }
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_digest_final_op(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR out_len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    if (!s->digest.active)
        rv = CKR_OPERATION_NOT_INITIALIZED;
    else
        rv = final(&s->digest, out, out_len);
    mdc_p11_session_put(slot);
    return rv;
}
