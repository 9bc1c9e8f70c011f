/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Start of a key operation (C_SignInit, C_VerifyInit, C_EncryptInit,
 * C_DecryptInit): mechanism allowed for the operation, key handle, key
 * function, login, parameters; sets up the hashing and the software public
 * key where the operation needs them.
 */
#include "pkcs11/p11.h"

#include "token/token.h"

#include <stdlib.h>
#include <string.h>

/* Does the key allow this function (CKA_SIGN, CKA_DECRYPT, ...)? */
static CK_RV key_permits(const struct mdc_tok_key_info *k, CK_FLAGS what)
{
    switch (what) {
    case CKF_SIGN:
        return k->cls == CKO_PRIVATE_KEY ? CKR_OK : CKR_KEY_FUNCTION_NOT_PERMITTED;
    case CKF_DECRYPT:
        return k->cls == CKO_PRIVATE_KEY && k->key_exchange ? CKR_OK
                                                            : CKR_KEY_FUNCTION_NOT_PERMITTED;
    case CKF_VERIFY: /* a private key handle verifies with its public half */
        return CKR_OK;
    case CKF_ENCRYPT:
        return k->key_exchange ? CKR_OK : CKR_KEY_FUNCTION_NOT_PERMITTED;
    default:
        return CKR_GENERAL_ERROR;
    }
}

CK_RV mdc_p11_op_init(struct mdc_p11_op *op, struct mdc_tok *tok, CK_MECHANISM_PTR m,
                      CK_OBJECT_HANDLE key, CK_FLAGS what)
{
    struct mdc_tok_key_info k;
    const mdc_p11_mech *row;
    CK_RV rv;

    if (m == NULL)
        return CKR_ARGUMENTS_BAD;
    if (op->active)
        return CKR_OPERATION_ACTIVE;
    rv = mdc_p11_mech_for_op(m->mechanism, what, &row);
    if (rv != CKR_OK)
        return rv;
    rv = mdc_tok_key_info(tok, key, &k);
    if (rv == CKR_KEY_HANDLE_INVALID && (what == CKF_SIGN || what == CKF_DECRYPT) &&
        !mdc_tok_logged_in(tok))
        return CKR_USER_NOT_LOGGED_IN; /* private keys are not visible yet */
    if (rv != CKR_OK)
        return rv;
    rv = key_permits(&k, what);
    if (rv == CKR_OK && (what == CKF_SIGN || what == CKF_DECRYPT) && !mdc_tok_logged_in(tok))
        rv = CKR_USER_NOT_LOGGED_IN;
    memset(op, 0, sizeof(*op));
    if (rv == CKR_OK)
        rv = mdc_p11_mech_params_parse(m, k.bits, &op->params);
    if (rv == CKR_OK && op->params.label_len != 0) {
        /* The parameter is the caller's: keep a copy for later calls. */
        op->label = malloc(op->params.label_len);
        if (op->label == NULL) {
            rv = CKR_HOST_MEMORY;
        } else {
            memcpy(op->label, op->params.label, op->params.label_len);
            op->params.label = op->label;
        }
    }
    if (rv == CKR_OK && row->hash != 0 && row->kind != MDC_P11_MECH_DIGEST)
        rv = mdc_p11_digest_init(row->hash, &op->digest);
    if (rv == CKR_OK && (what == CKF_VERIFY || what == CKF_ENCRYPT))
        rv = mdc_p11_soft_rsa_key(k.modulus, k.modulus_len, k.exponent, k.exponent_len, &op->pub);
    op->bits = k.bits;
    mdc_tok_key_info_clear(&k);
    if (rv != CKR_OK) {
        mdc_p11_op_end(op);
        return rv;
    }
    op->active = true;
    op->type = m->mechanism;
    op->mech = row;
    op->key = key;
    return CKR_OK;
}
