/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_DecryptInit/C_Decrypt: CKM_RSA_PKCS in the card's PKCS#1 mode,
 * CKM_RSA_X_509 and CKM_RSA_PKCS_OAEP as a raw operation with the OAEP
 * block decoded on the host in constant time (rsa_pad.h). A plaintext that
 * does not fit the caller's buffer is kept for the retry, so the card
 * decrypts once.
 */
#include "pkcs11/p11.h"

#include "pkcs11/rsa_pad.h"
#include "token/token.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

CK_RV mdc_p11_decrypt_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_p11_op_init(&s->decrypt, mdc_p11_slot_tok(slot), m, key, CKF_DECRYPT);
    mdc_p11_session_put(slot);
    return rv;
}

/* Largest plaintext the mechanism can give for a k-byte key. */
static size_t max_plain(const struct mdc_p11_op *op, size_t k)
{
    size_t hlen = mdc_p11_hash_len(op->params.hash);

    if (op->type == CKM_RSA_PKCS)
        return k > 11 ? k - 11 : 0;
    if (op->type == CKM_RSA_PKCS_OAEP)
        return k > 2 * hlen + 2 ? k - 2 * hlen - 2 : 0;
    return k;
}

/* Decrypt on the card into op->result. */
static CK_RV run(struct mdc_tok *tok, struct mdc_p11_op *op, const CK_BYTE *in, size_t k)
{
    struct mdc_buf out = MDC_BUF_INIT;
    CK_BYTE *block = NULL, *plain = NULL;
    size_t plain_len = 0;
    CK_RV rv;

    if (op->type == CKM_RSA_PKCS) {
        rv = mdc_tok_decrypt(tok, op->key, MDC_DECRYPT_PKCS1, in, k, &out);
        if (rv == CKR_OK && out.len > max_plain(op, k))
            rv = CKR_DEVICE_ERROR;
        if (rv == CKR_OK && out.len != 0 && !mdc_buf_append(&op->result, out.data, out.len))
            rv = CKR_HOST_MEMORY;
        mdc_buf_free(&out);
        return rv;
    }
    rv = mdc_tok_decrypt(tok, op->key, MDC_DECRYPT_RAW, in, k, &out);
    if (rv == CKR_OK && (out.len == 0 || out.len > k))
        rv = CKR_DEVICE_ERROR;
    if (rv == CKR_OK) {
        block = calloc(1, k);
        plain = calloc(1, k);
        if (block == NULL || plain == NULL)
            rv = CKR_HOST_MEMORY;
    }
    if (rv == CKR_OK) {
        memcpy(block + (k - out.len), out.data, out.len);
        rv = mdc_p11_decrypt_output(op->type, &op->params, block, k, plain, k, &plain_len);
    }
    if (rv == CKR_OK && plain_len != 0 && !mdc_buf_append(&op->result, plain, plain_len))
        rv = CKR_HOST_MEMORY;
    if (block != NULL)
        OPENSSL_cleanse(block, k);
    if (plain != NULL)
        OPENSSL_cleanse(plain, k);
    free(block);
    free(plain);
    mdc_buf_free(&out);
    return rv;
}

CK_RV mdc_p11_decrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG len, CK_BYTE_PTR out,
                      CK_ULONG_PTR out_len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    struct mdc_p11_op *op;
    size_t k;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    op = &s->decrypt;
    if (!op->active) {
        mdc_p11_session_put(slot);
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    k = (op->bits + 7) / 8;
    if (len != k) {
        rv = CKR_ENCRYPTED_DATA_LEN_RANGE;
        goto end;
    }
    if (out == NULL && !op->multi) {
        *out_len = max_plain(op, k); /* an upper bound, as the standard allows */
        mdc_p11_session_put(slot);
        return CKR_OK;
    }
    if (!op->multi) {
        /* multi marks "result holds the plaintext" for decrypt */
        rv = run(mdc_p11_slot_tok(slot), op, in, k);
        if (rv != CKR_OK)
            goto end;
        op->multi = true;
    }
    if (out == NULL || *out_len < op->result.len) {
        rv = out == NULL ? CKR_OK : CKR_BUFFER_TOO_SMALL;
        *out_len = op->result.len;
        mdc_p11_session_put(slot);
        return rv;
    }
    if (op->result.len != 0)
        memcpy(out, op->result.data, op->result.len);
    *out_len = op->result.len;
end:
    mdc_p11_op_end(op);
    mdc_p11_session_put(slot);
    return rv;
}
