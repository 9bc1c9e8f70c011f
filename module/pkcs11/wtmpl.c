/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Write-side template checks: certificates, key generation, key import. */
#include "pkcs11/wtmpl.h"

#include "util/log.h"

#include <string.h>

static bool get_bool(const CK_ATTRIBUTE *a, bool *v)
{
    if (a->pValue == NULL || a->ulValueLen != sizeof(CK_BBOOL))
        return false;
    *v = *(const CK_BBOOL *)a->pValue != CK_FALSE;
    return true;
}

static bool get_ulong(const CK_ATTRIBUTE *a, CK_ULONG *v)
{
    if (a->pValue == NULL || a->ulValueLen != sizeof(CK_ULONG))
        return false;
    memcpy(v, a->pValue, sizeof(*v));
    return true;
}

CK_RV mdc_p11_tmpl_class(const CK_ATTRIBUTE *t, CK_ULONG n, CK_OBJECT_CLASS *cls)
{
    for (CK_ULONG i = 0; i < n; i++) {
        if (t[i].type != CKA_CLASS)
            continue;
        return get_ulong(&t[i], cls) ? CKR_OK : CKR_ATTRIBUTE_VALUE_INVALID;
    }
    return CKR_TEMPLATE_INCOMPLETE;
}

/* Attributes accepted and ignored: the card decides their values. */
static bool ignorable_cert(CK_ATTRIBUTE_TYPE type)
{
    switch (type) {
    case CKA_SUBJECT:
    case CKA_ISSUER:
    case CKA_SERIAL_NUMBER:
    case CKA_TRUSTED:
    case CKA_MODIFIABLE:
    case CKA_COPYABLE:
    case CKA_DESTROYABLE:
    case CKA_START_DATE:
    case CKA_END_DATE:
    case CKA_CHECK_VALUE:
    case CKA_URL:
    case CKA_HASH_OF_SUBJECT_PUBLIC_KEY:
    case CKA_HASH_OF_ISSUER_PUBLIC_KEY:
    case CKA_JAVA_MIDP_SECURITY_DOMAIN:
    case CKA_NAME_HASH_ALGORITHM:
        return true;
    default:
        return false;
    }
}

CK_RV mdc_p11_tmpl_cert(const CK_ATTRIBUTE *t, CK_ULONG n, struct mdc_p11_cert_tmpl *out)
{
    memset(out, 0, sizeof(*out));
    for (CK_ULONG i = 0; i < n; i++) {
        const CK_ATTRIBUTE *a = &t[i];
        CK_ULONG ul;
        bool b;

        if (a->pValue == NULL && a->ulValueLen != 0)
            return CKR_ATTRIBUTE_VALUE_INVALID;
        switch (a->type) {
        case CKA_CLASS:
            if (!get_ulong(a, &ul) || ul != CKO_CERTIFICATE)
                return CKR_ATTRIBUTE_VALUE_INVALID;
            break;
        case CKA_CERTIFICATE_TYPE:
            if (!get_ulong(a, &ul) || ul != CKC_X_509) {
                MDC_ERROR(MDC_CAT_P11, "only X.509 certificates can be stored");
                return CKR_ATTRIBUTE_VALUE_INVALID;
            }
            break;
        case CKA_TOKEN:
            if (!get_bool(a, &out->token))
                return CKR_ATTRIBUTE_VALUE_INVALID;
            break;
        case CKA_PRIVATE:
            if (!get_bool(a, &b))
                return CKR_ATTRIBUTE_VALUE_INVALID;
            if (b)
                MDC_INFO(MDC_CAT_P11, "CKA_PRIVATE=TRUE ignored: certificates on the card "
                                      "are public");
            break;
        case CKA_VALUE:
            out->value = a->pValue;
            out->value_len = a->ulValueLen;
            break;
        case CKA_ID:
            out->id = a->pValue;
            out->id_len = a->ulValueLen;
            break;
        case CKA_LABEL:
            out->has_label = true;
            break;
        case CKA_CERTIFICATE_CATEGORY:
            if (!get_ulong(a, &ul))
                return CKR_ATTRIBUTE_VALUE_INVALID;
            out->ca = ul == 2;
            break;
        default:
            if (!ignorable_cert(a->type)) {
                MDC_ERROR(MDC_CAT_P11, "certificate template: attribute 0x%lx not accepted",
                          (unsigned long)a->type);
                return CKR_ATTRIBUTE_TYPE_INVALID;
            }
        }
    }
    if (out->value == NULL || out->value_len == 0) {
        MDC_ERROR(MDC_CAT_P11, "certificate template without CKA_VALUE");
        return CKR_TEMPLATE_INCOMPLETE;
    }
    return CKR_OK;
}

/* Key attributes whose values the token decides (accepted, not stored). */
static bool ignorable_key(CK_ATTRIBUTE_TYPE type)
{
    switch (type) {
    case CKA_LABEL:
    case CKA_ID:
    case CKA_PRIVATE:
    case CKA_SENSITIVE:
    case CKA_EXTRACTABLE:
    case CKA_MODIFIABLE:
    case CKA_COPYABLE:
    case CKA_DESTROYABLE:
    case CKA_VERIFY:
    case CKA_ENCRYPT:
    case CKA_SIGN:
    case CKA_DECRYPT:
    case CKA_WRAP:
    case CKA_UNWRAP:
    case CKA_VERIFY_RECOVER:
    case CKA_SIGN_RECOVER:
    case CKA_DERIVE:
    case CKA_ALWAYS_AUTHENTICATE:
    case CKA_SUBJECT:
    case CKA_START_DATE:
    case CKA_END_DATE:
    case CKA_ALLOWED_MECHANISMS:
    case CKA_TRUSTED:
    case CKA_WRAP_WITH_TRUSTED:
        return true;
    default:
        return false;
    }
}

/* One half of a key pair template. */
static CK_RV keygen_half(const CK_ATTRIBUTE *t, CK_ULONG n, CK_OBJECT_CLASS want,
                         struct mdc_p11_keygen_tmpl *out, bool *decrypt_set, bool *decrypt,
                         bool *sign_set, bool *sign)
{
    static const uint8_t f4[] = {0x01, 0x00, 0x01};

    for (CK_ULONG i = 0; i < n; i++) {
        const CK_ATTRIBUTE *a = &t[i];
        CK_ULONG ul;
        bool b;

        if (a->pValue == NULL && a->ulValueLen != 0)
            return CKR_ATTRIBUTE_VALUE_INVALID;
        switch (a->type) {
        case CKA_CLASS:
            if (!get_ulong(a, &ul) || ul != want)
                return CKR_TEMPLATE_INCONSISTENT;
            break;
        case CKA_KEY_TYPE:
            if (!get_ulong(a, &ul) || ul != CKK_RSA)
                return CKR_TEMPLATE_INCONSISTENT;
            break;
        case CKA_TOKEN:
            if (!get_bool(a, &b))
                return CKR_ATTRIBUTE_VALUE_INVALID;
            if (!b) {
                MDC_ERROR(MDC_CAT_P11, "key pairs are generated on the card: CKA_TOKEN must "
                                       "be TRUE");
                return CKR_TEMPLATE_INCONSISTENT;
            }
            break;
        case CKA_MODULUS_BITS:
            if (want != CKO_PUBLIC_KEY || !get_ulong(a, &out->bits))
                return CKR_ATTRIBUTE_VALUE_INVALID;
            break;
        case CKA_PUBLIC_EXPONENT: {
            const uint8_t *e = a->pValue;
            size_t len = a->ulValueLen;

            while (len > 0 && e[0] == 0) {
                e++;
                len--;
            }
            if (len != sizeof(f4) || memcmp(e, f4, sizeof(f4)) != 0) {
                MDC_ERROR(MDC_CAT_P11, "the card generates keys with exponent 65537 only");
                return CKR_TEMPLATE_INCONSISTENT;
            }
            break;
        }
        default:
            if (!ignorable_key(a->type)) {
                MDC_ERROR(MDC_CAT_P11, "key pair template: attribute 0x%lx not accepted",
                          (unsigned long)a->type);
                return CKR_ATTRIBUTE_TYPE_INVALID;
            }
            if (a->type == CKA_ID)
                out->id_given = true;
            if (a->type == CKA_LABEL)
                out->label_given = true;
            if (want == CKO_PRIVATE_KEY && a->type == CKA_DECRYPT) {
                if (!get_bool(a, decrypt))
                    return CKR_ATTRIBUTE_VALUE_INVALID;
                *decrypt_set = true;
            }
            if (want == CKO_PRIVATE_KEY && a->type == CKA_SIGN) {
                if (!get_bool(a, sign))
                    return CKR_ATTRIBUTE_VALUE_INVALID;
                *sign_set = true;
            }
        }
    }
    return CKR_OK;
}

CK_RV mdc_p11_tmpl_keygen(const CK_ATTRIBUTE *pub, CK_ULONG pn, const CK_ATTRIBUTE *priv,
                          CK_ULONG sn, struct mdc_p11_keygen_tmpl *out)
{
    bool decrypt_set = false, decrypt = true, sign_set = false, sign = true, unused_set, unused;
    CK_RV rv;

    memset(out, 0, sizeof(*out));
    out->token = true;
    rv = keygen_half(pub, pn, CKO_PUBLIC_KEY, out, &unused_set, &unused, &unused_set, &unused);
    if (rv == CKR_OK)
        rv = keygen_half(priv, sn, CKO_PRIVATE_KEY, out, &decrypt_set, &decrypt, &sign_set,
                         &sign);
    if (rv != CKR_OK)
        return rv;
    if (out->bits == 0) {
        MDC_ERROR(MDC_CAT_P11, "key pair template without CKA_MODULUS_BITS");
        return CKR_TEMPLATE_INCOMPLETE;
    }
    if (decrypt_set && !decrypt && sign_set && !sign) {
        MDC_ERROR(MDC_CAT_P11, "a private key that neither signs nor decrypts");
        return CKR_TEMPLATE_INCONSISTENT;
    }
    /* Key exchange (sign + decrypt) when decryption is asked for or no usage
     * is given; signature only when decryption is refused, or when only
     * signing is asked for (pkcs11-tool --usage-sign sends CKA_SIGN alone). */
    if (decrypt_set)
        out->key_exchange = decrypt;
    else
        out->key_exchange = !sign_set || !sign;
    return CKR_OK;
}

CK_RV mdc_p11_tmpl_rsa_private(const CK_ATTRIBUTE *t, CK_ULONG n, struct mdc_p11_rsa_tmpl *out)
{
    bool decrypt_set = false, decrypt = true;

    memset(out, 0, sizeof(*out));
    for (CK_ULONG i = 0; i < n; i++) {
        const CK_ATTRIBUTE *a = &t[i];
        CK_ULONG ul;

        if (a->pValue == NULL && a->ulValueLen != 0)
            return CKR_ATTRIBUTE_VALUE_INVALID;
        switch (a->type) {
        case CKA_CLASS:
            if (!get_ulong(a, &ul) || ul != CKO_PRIVATE_KEY)
                return CKR_ATTRIBUTE_VALUE_INVALID;
            break;
        case CKA_KEY_TYPE:
            if (!get_ulong(a, &ul) || ul != CKK_RSA)
                return CKR_ATTRIBUTE_VALUE_INVALID;
            break;
        case CKA_TOKEN:
            if (!get_bool(a, &out->token))
                return CKR_ATTRIBUTE_VALUE_INVALID;
            break;
        case CKA_MODULUS: out->n = a; break;
        case CKA_PUBLIC_EXPONENT: out->e = a; break;
        case CKA_PRIVATE_EXPONENT: out->d = a; break;
        case CKA_PRIME_1: out->p = a; break;
        case CKA_PRIME_2: out->q = a; break;
        case CKA_EXPONENT_1: out->dp = a; break;
        case CKA_EXPONENT_2: out->dq = a; break;
        case CKA_COEFFICIENT: out->qinv = a; break;
        case CKA_DECRYPT:
            if (!get_bool(a, &decrypt))
                return CKR_ATTRIBUTE_VALUE_INVALID;
            decrypt_set = true;
            break;
        default:
            if (!ignorable_key(a->type)) {
                MDC_ERROR(MDC_CAT_P11, "private key template: attribute 0x%lx not accepted",
                          (unsigned long)a->type);
                return CKR_ATTRIBUTE_TYPE_INVALID;
            }
        }
    }
    if (!out->n || !out->e || !out->d || !out->p || !out->q || !out->dp || !out->dq ||
        !out->qinv) {
        MDC_ERROR(MDC_CAT_P11, "RSA private key import needs every CRT component");
        return CKR_TEMPLATE_INCOMPLETE;
    }
    out->key_exchange = !decrypt_set || decrypt;
    return CKR_OK;
}
