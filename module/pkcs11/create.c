/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Object-changing entry points: C_CreateObject (certificates, RSA private
 * keys), C_DestroyObject, C_SetAttributeValue. Session and template checks
 * here; the card work is the token layer's (one transaction per call).
 */
#include "pkcs11/p11.h"
#include "pkcs11/wtmpl.h"

#include "token/token.h"
#include "util/log.h"

#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/bn.h>
#include <openssl/params.h>
#include <string.h>

/* Find a session, lock its slot and insist on a read/write session. */
static CK_RV rw_session(CK_SESSION_HANDLE h, struct mdc_p11_slot **slot)
{
    struct mdc_p11_session *s;
    CK_RV rv = mdc_p11_session_get(h, &s, slot);

    if (rv != CKR_OK)
        return rv;
    if (!(s->flags & CKF_RW_SESSION)) {
        mdc_p11_session_put(*slot);
        return CKR_SESSION_READ_ONLY;
    }
    return CKR_OK;
}

static CK_RV create_cert(struct mdc_tok *tok, bool rw, const CK_ATTRIBUTE *t, CK_ULONG n,
                         CK_OBJECT_HANDLE *out)
{
    struct mdc_p11_cert_tmpl ct;
    struct mdc_tok_cert_req req;
    CK_RV rv = mdc_p11_tmpl_cert(t, n, &ct);

    if (rv != CKR_OK)
        return rv;
    if (ct.has_label)
        MDC_INFO(MDC_CAT_P11, "CKA_LABEL ignored: labels come from the certificate (subject CN)");
    req.der = ct.value;
    req.der_len = ct.value_len;
    req.id = ct.id;
    req.id_len = ct.id_len;
    req.ca = ct.ca;
    /* CKA_TOKEN false (the PKCS#11 default): memory only, any session. */
    if (!ct.token)
        return mdc_tok_create_session_cert(tok, &req, out);
    if (!rw)
        return CKR_SESSION_READ_ONLY;
    return mdc_tok_create_cert(tok, &req, out);
}

/* RSAPrivateKey DER from the template's components (OpenSSL encoder). */
static CK_RV rsa_der(const struct mdc_p11_rsa_tmpl *rt, uint8_t **der, size_t *len, CK_ULONG *bits)
{
    const CK_ATTRIBUTE *parts[8] = {rt->n, rt->e, rt->d, rt->p, rt->q, rt->dp, rt->dq, rt->qinv};
    static const char *const names[8] = {
        OSSL_PKEY_PARAM_RSA_N,        OSSL_PKEY_PARAM_RSA_E,        OSSL_PKEY_PARAM_RSA_D,
        OSSL_PKEY_PARAM_RSA_FACTOR1,  OSSL_PKEY_PARAM_RSA_FACTOR2,  OSSL_PKEY_PARAM_RSA_EXPONENT1,
        OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
    BIGNUM *bn[8] = {NULL};
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    EVP_PKEY *pkey = NULL;
    OSSL_ENCODER_CTX *ectx = NULL;
    CK_RV rv = CKR_HOST_MEMORY;

    *der = NULL;
    *len = 0;
    if (bld == NULL)
        return CKR_HOST_MEMORY;
    for (int i = 0; i < 8; i++) {
        if (parts[i]->ulValueLen == 0 || parts[i]->ulValueLen > 1024) {
            rv = CKR_ATTRIBUTE_VALUE_INVALID;
            goto out;
        }
        bn[i] = BN_bin2bn(parts[i]->pValue, (int)parts[i]->ulValueLen, NULL);
        if (bn[i] == NULL || !OSSL_PARAM_BLD_push_BN(bld, names[i], bn[i]))
            goto out;
    }
    params = OSSL_PARAM_BLD_to_param(bld);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (params == NULL || ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0)
        goto out;
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) <= 0) {
        rv = CKR_ATTRIBUTE_VALUE_INVALID;
        goto out;
    }
    *bits = (CK_ULONG)EVP_PKEY_get_bits(pkey);
    ectx = OSSL_ENCODER_CTX_new_for_pkey(pkey, OSSL_KEYMGMT_SELECT_KEYPAIR, "DER",
                                         "type-specific", NULL);
    if (ectx == NULL || !OSSL_ENCODER_to_data(ectx, der, len))
        goto out;
    rv = CKR_OK;
out:
    OSSL_ENCODER_CTX_free(ectx);
    EVP_PKEY_free(pkey);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    for (int i = 0; i < 8; i++)
        BN_clear_free(bn[i]);
    return rv;
}

static CK_RV create_private_key(struct mdc_tok *tok, bool rw, const CK_ATTRIBUTE *t, CK_ULONG n,
                                CK_OBJECT_HANDLE *out)
{
    struct mdc_p11_rsa_tmpl rt;
    uint8_t *der = NULL;
    size_t len = 0;
    CK_ULONG bits = 0;
    CK_RV rv = mdc_p11_tmpl_rsa_private(t, n, &rt);

    if (rv != CKR_OK)
        return rv;
    if (!rt.token) {
        MDC_ERROR(MDC_CAT_P11, "session private keys (CKA_TOKEN false) are not supported");
        return CKR_TEMPLATE_INCONSISTENT;
    }
    if (!rw)
        return CKR_SESSION_READ_ONLY;
    if (!mdc_tok_logged_in(tok))
        return CKR_USER_NOT_LOGGED_IN;
    rv = rsa_der(&rt, &der, &len, &bits);
    if (rv == CKR_ATTRIBUTE_VALUE_INVALID)
        MDC_ERROR(MDC_CAT_P11, "the RSA key components do not form a key");
    if (rv == CKR_OK)
        rv = mdc_tok_import_key(tok, der, len, bits, rt.key_exchange, out);
    if (der != NULL) {
        OPENSSL_cleanse(der, len);
        OPENSSL_free(der);
    }
    return rv;
}

CK_RV mdc_p11_create_object(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                            CK_OBJECT_HANDLE_PTR out)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_OBJECT_CLASS cls;
    bool rw;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    rw = (s->flags & CKF_RW_SESSION) != 0;
    *out = CK_INVALID_HANDLE;
    rv = mdc_p11_tmpl_class(t, n, &cls);
    if (rv == CKR_OK && cls == CKO_CERTIFICATE)
        rv = create_cert(mdc_p11_slot_tok(slot), rw, t, n, out);
    else if (rv == CKR_OK && cls == CKO_PRIVATE_KEY)
        rv = create_private_key(mdc_p11_slot_tok(slot), rw, t, n, out);
    else if (rv == CKR_OK) {
        MDC_ERROR(MDC_CAT_P11, "objects of class 0x%lx cannot be created on the card",
                  (unsigned long)cls);
        rv = CKR_TEMPLATE_INCONSISTENT;
    }
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_destroy_object(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o)
{
    struct mdc_p11_slot *slot;
    CK_RV rv = rw_session(h, &slot);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_tok_destroy(mdc_p11_slot_tok(slot), o);
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_set_attributes(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t,
                             CK_ULONG n)
{
    struct mdc_p11_slot *slot;
    CK_RV rv = rw_session(h, &slot);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_tok_set_attributes(mdc_p11_slot_tok(slot), o, t, n);
    mdc_p11_session_put(slot);
    return rv;
}
