/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Attribute values of token objects, template matching for C_FindObjects,
 * and the C_GetAttributeValue buffer protocol (PKCS#11 2.40 section 5.7):
 * each attribute is answered on its own; the others are still filled.
 */
#include "token/objects.h"

#include <string.h>

/* Mechanisms a key may be used with (CKA_ALLOWED_MECHANISMS). */
static const CK_MECHANISM_TYPE sign_mechs[] = {
    CKM_RSA_PKCS,
    CKM_RSA_X_509,
    CKM_SHA1_RSA_PKCS,
    CKM_SHA224_RSA_PKCS,
    CKM_SHA256_RSA_PKCS,
    CKM_SHA384_RSA_PKCS,
    CKM_SHA512_RSA_PKCS,
    CKM_RSA_PKCS_PSS,
    CKM_SHA1_RSA_PKCS_PSS,
    CKM_SHA224_RSA_PKCS_PSS,
    CKM_SHA256_RSA_PKCS_PSS,
    CKM_SHA384_RSA_PKCS_PSS,
    CKM_SHA512_RSA_PKCS_PSS,
    CKM_RSA_PKCS_OAEP,
};
#define N_SIGN_ONLY (sizeof(sign_mechs) / sizeof(sign_mechs[0]) - 1) /* without OAEP */

static bool is_key(const struct mdc_tok_object *o)
{
    return o->cls == CKO_PRIVATE_KEY || o->cls == CKO_PUBLIC_KEY;
}

#define BOOL_ATTR(v)                                                                               \
    do {                                                                                           \
        *(CK_BBOOL *)scratch = (v) ? CK_TRUE : CK_FALSE;                                           \
        *val = scratch;                                                                            \
        *len = sizeof(CK_BBOOL);                                                                   \
        return MDC_TOK_ATTR_OK;                                                                    \
    } while (0)
#define ULONG_ATTR(v)                                                                              \
    do {                                                                                           \
        *scratch = (v);                                                                            \
        *val = scratch;                                                                            \
        *len = sizeof(CK_ULONG);                                                                   \
        return MDC_TOK_ATTR_OK;                                                                    \
    } while (0)
#define BYTES_ATTR(p, n)                                                                           \
    do {                                                                                           \
        *val = (p);                                                                                \
        *len = (CK_ULONG)(n);                                                                      \
        return MDC_TOK_ATTR_OK;                                                                    \
    } while (0)

static enum mdc_tok_attr_rc common_attr(const struct mdc_tok_object *o, CK_ATTRIBUTE_TYPE type,
                                        CK_ULONG *scratch, const void **val, CK_ULONG *len)
{
    switch (type) {
    case CKA_CLASS:
        ULONG_ATTR(o->cls);
    case CKA_TOKEN:
        BOOL_ATTR(!o->session);
    case CKA_PRIVATE:
        BOOL_ATTR(o->cls == CKO_PRIVATE_KEY);
    case CKA_MODIFIABLE:
    case CKA_COPYABLE:
        BOOL_ATTR(false);
    case CKA_DESTROYABLE: /* a public key goes only with its private key */
        BOOL_ATTR(o->cls != CKO_PUBLIC_KEY);
    case CKA_LABEL:
        BYTES_ATTR(o->label, o->label ? strlen(o->label) : 0);
    case CKA_ID:
        BYTES_ATTR(o->id, sizeof(o->id));
    default:
        return MDC_TOK_ATTR_INVALID;
    }
}

static enum mdc_tok_attr_rc key_attr(const struct mdc_tok_object *o, CK_ATTRIBUTE_TYPE type,
                                     CK_ULONG *scratch, const void **val, CK_ULONG *len)
{
    bool priv = o->cls == CKO_PRIVATE_KEY;

    switch (type) {
    case CKA_KEY_TYPE:
        ULONG_ATTR(CKK_RSA);
    case CKA_START_DATE:
    case CKA_END_DATE:
        BYTES_ATTR(NULL, 0);
    case CKA_DERIVE:
        BOOL_ATTR(false);
    case CKA_LOCAL: /* the card cannot tell who generated a key, even one mdcard made */
        BOOL_ATTR(false);
    case CKA_KEY_GEN_MECHANISM:
        ULONG_ATTR(CK_UNAVAILABLE_INFORMATION);
    case CKA_ALLOWED_MECHANISMS:
        BYTES_ATTR(sign_mechs,
                   (o->key_exchange ? N_SIGN_ONLY + 1 : N_SIGN_ONLY) * sizeof(CK_MECHANISM_TYPE));
    case CKA_SUBJECT:
        BYTES_ATTR(o->subject, o->subject_len);
    case CKA_MODULUS:
        BYTES_ATTR(o->modulus, o->modulus_len);
    case CKA_PUBLIC_EXPONENT:
        BYTES_ATTR(o->exponent, o->exponent_len);
    case CKA_MODULUS_BITS:
        ULONG_ATTR(o->bits);
    case CKA_PUBLIC_KEY_INFO:
        BYTES_ATTR(o->spki, o->spki_len);
    default:
        break;
    }
    if (priv) {
        switch (type) {
        case CKA_SIGN:
            BOOL_ATTR(true);
        case CKA_DECRYPT:
            BOOL_ATTR(o->key_exchange);
        case CKA_SIGN_RECOVER:
        case CKA_UNWRAP:
        case CKA_ALWAYS_AUTHENTICATE:
        case CKA_EXTRACTABLE:
        case CKA_WRAP_WITH_TRUSTED:
            BOOL_ATTR(false);
        case CKA_SENSITIVE:
        case CKA_ALWAYS_SENSITIVE:
        case CKA_NEVER_EXTRACTABLE:
            BOOL_ATTR(true);
        case CKA_VALUE:
        case CKA_PRIVATE_EXPONENT:
        case CKA_PRIME_1:
        case CKA_PRIME_2:
        case CKA_EXPONENT_1:
        case CKA_EXPONENT_2:
        case CKA_COEFFICIENT:
            return MDC_TOK_ATTR_SENSITIVE;
        default:
            return MDC_TOK_ATTR_INVALID;
        }
    }
    switch (type) {
    case CKA_VERIFY:
        BOOL_ATTR(true);
    case CKA_ENCRYPT:
        BOOL_ATTR(o->key_exchange);
    case CKA_VERIFY_RECOVER:
    case CKA_WRAP:
    case CKA_TRUSTED:
        BOOL_ATTR(false);
    default:
        return MDC_TOK_ATTR_INVALID;
    }
}

static enum mdc_tok_attr_rc cert_attr(const struct mdc_tok_object *o, CK_ATTRIBUTE_TYPE type,
                                      CK_ULONG *scratch, const void **val, CK_ULONG *len)
{
    switch (type) {
    case CKA_CERTIFICATE_TYPE:
        ULONG_ATTR(CKC_X_509);
    case CKA_TRUSTED:
        BOOL_ATTR(false);
    case CKA_CERTIFICATE_CATEGORY:
        ULONG_ATTR(o->category);
    case CKA_CHECK_VALUE:
        BYTES_ATTR(o->check_value, sizeof(o->check_value));
    case CKA_START_DATE:
    case CKA_END_DATE:
    case CKA_URL:
    case CKA_HASH_OF_SUBJECT_PUBLIC_KEY:
    case CKA_HASH_OF_ISSUER_PUBLIC_KEY:
        BYTES_ATTR(NULL, 0);
    case CKA_VALUE:
        BYTES_ATTR(o->value, o->value_len);
    case CKA_SUBJECT:
        BYTES_ATTR(o->subject, o->subject_len);
    case CKA_ISSUER:
        BYTES_ATTR(o->issuer, o->issuer_len);
    case CKA_SERIAL_NUMBER:
        BYTES_ATTR(o->serial, o->serial_len);
    case CKA_PUBLIC_KEY_INFO:
        BYTES_ATTR(o->spki, o->spki_len);
    case CKA_JAVA_MIDP_SECURITY_DOMAIN:
        ULONG_ATTR(0 /* unspecified */);
    case CKA_NAME_HASH_ALGORITHM:
        ULONG_ATTR(CKM_SHA_1);
    default:
        return MDC_TOK_ATTR_INVALID;
    }
}

enum mdc_tok_attr_rc mdc_tok_attr(const struct mdc_tok_object *o, CK_ATTRIBUTE_TYPE type,
                                  CK_ULONG *scratch, const void **val, CK_ULONG *len)
{
    enum mdc_tok_attr_rc rc = common_attr(o, type, scratch, val, len);

    if (rc != MDC_TOK_ATTR_INVALID)
        return rc;
    if (is_key(o))
        return key_attr(o, type, scratch, val, len);
    if (o->cls == CKO_CERTIFICATE)
        return cert_attr(o, type, scratch, val, len);
    return MDC_TOK_ATTR_INVALID;
}

/*
 * Several failures in one call: CKR_ATTRIBUTE_SENSITIVE, then
 * CKR_ATTRIBUTE_TYPE_INVALID, then CKR_BUFFER_TOO_SMALL (the specification
 * lets the module choose; every attribute is still answered).
 */
CK_RV mdc_tok_get_attributes_of(const struct mdc_tok_object *o, CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
    bool sensitive = false, invalid = false, small = false;

    for (CK_ULONG i = 0; i < n; i++) {
        CK_ULONG scratch = 0, len = 0;
        const void *val = NULL;
        enum mdc_tok_attr_rc rc = mdc_tok_attr(o, tmpl[i].type, &scratch, &val, &len);

        if (rc == MDC_TOK_ATTR_SENSITIVE) {
            sensitive = true;
            tmpl[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
        } else if (rc == MDC_TOK_ATTR_INVALID) {
            invalid = true;
            tmpl[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
        } else if (tmpl[i].pValue == NULL) {
            tmpl[i].ulValueLen = len;
        } else if (tmpl[i].ulValueLen < len) {
            small = true;
            tmpl[i].ulValueLen = CK_UNAVAILABLE_INFORMATION;
        } else {
            if (len != 0)
                memcpy(tmpl[i].pValue, val, len);
            tmpl[i].ulValueLen = len;
        }
    }
    if (sensitive)
        return CKR_ATTRIBUTE_SENSITIVE;
    if (invalid)
        return CKR_ATTRIBUTE_TYPE_INVALID;
    if (small)
        return CKR_BUFFER_TOO_SMALL;
    return CKR_OK;
}

bool mdc_tok_match(const struct mdc_tok_object *o, const CK_ATTRIBUTE *tmpl, CK_ULONG n)
{
    for (CK_ULONG i = 0; i < n; i++) {
        CK_ULONG scratch = 0, len = 0;
        const void *val = NULL;

        if (mdc_tok_attr(o, tmpl[i].type, &scratch, &val, &len) != MDC_TOK_ATTR_OK)
            return false; /* unknown or sensitive attributes match nothing */
        if (tmpl[i].ulValueLen != len)
            return false;
        if (len != 0 && (tmpl[i].pValue == NULL || memcmp(tmpl[i].pValue, val, len) != 0))
            return false;
    }
    return true;
}

CK_ULONG mdc_tok_object_size_of(const struct mdc_tok_object *o)
{
    return (CK_ULONG)(sizeof(*o) + (o->label ? strlen(o->label) : 0) + o->modulus_len +
                      o->exponent_len + o->spki_len + o->subject_len + o->value_len +
                      o->issuer_len + o->serial_len);
}
