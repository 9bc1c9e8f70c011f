/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mechanism table and mechanism parameter validation. */
#include "pkcs11/mech.h"

#include "util/log.h"

#include <string.h>

#define RSA_SIGN (CKF_HW | CKF_SIGN | CKF_VERIFY)
#define RSA_ALL (CKF_HW | CKF_SIGN | CKF_VERIFY | CKF_ENCRYPT | CKF_DECRYPT)
#define RSA_CRYPT (CKF_HW | CKF_ENCRYPT | CKF_DECRYPT)

/* Longest OAEP label accepted (PKCS#11 sets none; OpenSSL takes an int). */
#define OAEP_LABEL_MAX 65536u

/* Order is the order C_GetMechanismList reports. A new mechanism (key pair
 * generation, say) is one more row. */
static const mdc_p11_mech mechs[] = {
    {CKM_RSA_PKCS, MDC_P11_MECH_RSA_PKCS, RSA_ALL, 0, true},
    {CKM_RSA_X_509, MDC_P11_MECH_RSA_X509, RSA_ALL, 0, true},
    {CKM_SHA1_RSA_PKCS, MDC_P11_MECH_RSA_PKCS, RSA_SIGN, CKM_SHA_1, true},
    {CKM_SHA224_RSA_PKCS, MDC_P11_MECH_RSA_PKCS, RSA_SIGN, CKM_SHA224, true},
    {CKM_SHA256_RSA_PKCS, MDC_P11_MECH_RSA_PKCS, RSA_SIGN, CKM_SHA256, true},
    {CKM_SHA384_RSA_PKCS, MDC_P11_MECH_RSA_PKCS, RSA_SIGN, CKM_SHA384, true},
    {CKM_SHA512_RSA_PKCS, MDC_P11_MECH_RSA_PKCS, RSA_SIGN, CKM_SHA512, true},
    {CKM_RSA_PKCS_PSS, MDC_P11_MECH_RSA_PSS, RSA_SIGN, 0, true},
    {CKM_SHA1_RSA_PKCS_PSS, MDC_P11_MECH_RSA_PSS, RSA_SIGN, CKM_SHA_1, true},
    {CKM_SHA224_RSA_PKCS_PSS, MDC_P11_MECH_RSA_PSS, RSA_SIGN, CKM_SHA224, true},
    {CKM_SHA256_RSA_PKCS_PSS, MDC_P11_MECH_RSA_PSS, RSA_SIGN, CKM_SHA256, true},
    {CKM_SHA384_RSA_PKCS_PSS, MDC_P11_MECH_RSA_PSS, RSA_SIGN, CKM_SHA384, true},
    {CKM_SHA512_RSA_PKCS_PSS, MDC_P11_MECH_RSA_PSS, RSA_SIGN, CKM_SHA512, true},
    {CKM_RSA_PKCS_OAEP, MDC_P11_MECH_RSA_OAEP, RSA_CRYPT, 0, true},
    {CKM_RSA_PKCS_KEY_PAIR_GEN, MDC_P11_MECH_KEYGEN, CKF_HW | CKF_GENERATE_KEY_PAIR, 0, true},
    {CKM_SHA_1, MDC_P11_MECH_DIGEST, CKF_DIGEST, CKM_SHA_1, false},
    {CKM_SHA224, MDC_P11_MECH_DIGEST, CKF_DIGEST, CKM_SHA224, false},
    {CKM_SHA256, MDC_P11_MECH_DIGEST, CKF_DIGEST, CKM_SHA256, false},
    {CKM_SHA384, MDC_P11_MECH_DIGEST, CKF_DIGEST, CKM_SHA384, false},
    {CKM_SHA512, MDC_P11_MECH_DIGEST, CKF_DIGEST, CKM_SHA512, false},
};

#define N_MECHS (sizeof(mechs) / sizeof(mechs[0]))

CK_RV mdc_p11_mech_list(CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count)
{
    if (count == NULL)
        return CKR_ARGUMENTS_BAD;
    if (list == NULL) {
        *count = N_MECHS;
        return CKR_OK;
    }
    if (*count < N_MECHS) {
        *count = N_MECHS;
        return CKR_BUFFER_TOO_SMALL;
    }
    for (size_t i = 0; i < N_MECHS; i++)
        list[i] = mechs[i].type;
    *count = N_MECHS;
    return CKR_OK;
}

const mdc_p11_mech *mdc_p11_mech_find(CK_MECHANISM_TYPE type)
{
    for (size_t i = 0; i < N_MECHS; i++) {
        if (mechs[i].type == type)
            return &mechs[i];
    }
    return NULL;
}

CK_RV mdc_p11_mech_info(CK_MECHANISM_TYPE type, CK_ULONG min_bits, CK_ULONG max_bits,
                        CK_MECHANISM_INFO_PTR info)
{
    const mdc_p11_mech *m;

    if (info == NULL)
        return CKR_ARGUMENTS_BAD;
    m = mdc_p11_mech_find(type);
    if (m == NULL)
        return CKR_MECHANISM_INVALID;
    info->ulMinKeySize = m->card_key ? min_bits : 0;
    info->ulMaxKeySize = m->card_key ? max_bits : 0;
    info->flags = m->flags;
    return CKR_OK;
}

CK_RV mdc_p11_mech_for_op(CK_MECHANISM_TYPE type, CK_FLAGS op, const mdc_p11_mech **row)
{
    const mdc_p11_mech *m = mdc_p11_mech_find(type);

    if (row != NULL)
        *row = NULL;
    if (m == NULL) {
        MDC_DEBUG(MDC_CAT_P11, "mechanism 0x%lx not offered", (unsigned long)type);
        return CKR_MECHANISM_INVALID;
    }
    /* exactly one operation bit, and the row must allow it */
    if (op == 0 || (op & (op - 1)) != 0 || (m->flags & op) == 0 || op == CKF_HW) {
        MDC_DEBUG(MDC_CAT_P11, "mechanism 0x%lx does not do operation 0x%lx", (unsigned long)type,
                  (unsigned long)op);
        return CKR_MECHANISM_INVALID;
    }
    if (row != NULL)
        *row = m;
    return CKR_OK;
}

CK_MECHANISM_TYPE mdc_p11_mgf_hash(CK_RSA_PKCS_MGF_TYPE mgf)
{
    switch (mgf) {
    case CKG_MGF1_SHA1:
        return CKM_SHA_1;
    case CKG_MGF1_SHA224:
        return CKM_SHA224;
    case CKG_MGF1_SHA256:
        return CKM_SHA256;
    case CKG_MGF1_SHA384:
        return CKM_SHA384;
    case CKG_MGF1_SHA512:
        return CKM_SHA512;
    default:
        return 0;
    }
}

/* Length of the hashes PSS/OAEP may name; 0 for anything else. */
static size_t param_hash_len(CK_MECHANISM_TYPE hash)
{
    switch (hash) {
    case CKM_SHA_1:
        return 20;
    case CKM_SHA224:
        return 28;
    case CKM_SHA256:
        return 32;
    case CKM_SHA384:
        return 48;
    case CKM_SHA512:
        return 64;
    default:
        return 0;
    }
}

static CK_RV parse_pss(const mdc_p11_mech *m, const CK_MECHANISM *mech, CK_ULONG mod_bits,
                       mdc_p11_mech_params *out)
{
    CK_RSA_PKCS_PSS_PARAMS p;
    size_t hlen;

    if (mech->pParameter == NULL || mech->ulParameterLen != sizeof(p))
        return CKR_MECHANISM_PARAM_INVALID;
    memcpy(&p, mech->pParameter, sizeof(p)); /* the caller's pointer may be unaligned */
    hlen = param_hash_len(p.hashAlg);
    if (hlen == 0 || (m->hash != 0 && p.hashAlg != m->hash))
        return CKR_MECHANISM_PARAM_INVALID;
    out->mgf_hash = mdc_p11_mgf_hash(p.mgf);
    if (out->mgf_hash == 0)
        return CKR_MECHANISM_PARAM_INVALID;
    if (mod_bits != 0) {
        size_t em_len = (mod_bits - 1 + 7) / 8;
        if (mod_bits < 2 || em_len < hlen + 2 || p.sLen > em_len - hlen - 2)
            return CKR_MECHANISM_PARAM_INVALID;
    } else if (p.sLen > 0xFFFFu) { /* no key yet: only a sanity cap */
        return CKR_MECHANISM_PARAM_INVALID;
    }
    out->hash = p.hashAlg;
    out->salt_len = p.sLen;
    return CKR_OK;
}

static CK_RV parse_oaep(const CK_MECHANISM *mech, CK_ULONG mod_bits, mdc_p11_mech_params *out)
{
    CK_RSA_PKCS_OAEP_PARAMS p;
    size_t hlen;

    if (mech->pParameter == NULL || mech->ulParameterLen != sizeof(p))
        return CKR_MECHANISM_PARAM_INVALID;
    memcpy(&p, mech->pParameter, sizeof(p));
    hlen = param_hash_len(p.hashAlg);
    if (hlen == 0)
        return CKR_MECHANISM_PARAM_INVALID;
    out->mgf_hash = mdc_p11_mgf_hash(p.mgf);
    if (out->mgf_hash == 0)
        return CKR_MECHANISM_PARAM_INVALID;
    if (p.source != CKZ_DATA_SPECIFIED && p.source != 0)
        return CKR_MECHANISM_PARAM_INVALID;
    if (p.ulSourceDataLen > 0) {
        if (p.source != CKZ_DATA_SPECIFIED || p.pSourceData == NULL ||
            p.ulSourceDataLen > OAEP_LABEL_MAX)
            return CKR_MECHANISM_PARAM_INVALID;
        out->label = p.pSourceData;
        out->label_len = p.ulSourceDataLen;
    }
    /* the key must hold at least an empty message: k >= 2*hLen + 2 */
    if (mod_bits != 0 && (mod_bits + 7) / 8 < 2 * hlen + 2)
        return CKR_MECHANISM_PARAM_INVALID;
    out->hash = p.hashAlg;
    return CKR_OK;
}

CK_RV mdc_p11_mech_params_parse(const CK_MECHANISM *mech, CK_ULONG mod_bits,
                                mdc_p11_mech_params *out)
{
    const mdc_p11_mech *m;
    CK_RV rv;

    if (mech == NULL || out == NULL)
        return CKR_ARGUMENTS_BAD;
    *out = (mdc_p11_mech_params){0};
    m = mdc_p11_mech_find(mech->mechanism);
    if (m == NULL)
        return CKR_MECHANISM_INVALID;
    switch (m->kind) {
    case MDC_P11_MECH_RSA_PSS:
        rv = parse_pss(m, mech, mod_bits, out);
        break;
    case MDC_P11_MECH_RSA_OAEP:
        rv = parse_oaep(mech, mod_bits, out);
        break;
    default:
        if (mech->pParameter != NULL || mech->ulParameterLen != 0) {
            rv = CKR_MECHANISM_PARAM_INVALID;
            break;
        }
        out->hash = m->hash;
        rv = CKR_OK;
        break;
    }
    if (rv != CKR_OK) {
        MDC_DEBUG(MDC_CAT_P11, "bad parameter for mechanism 0x%lx", (unsigned long)mech->mechanism);
        *out = (mdc_p11_mech_params){0};
    }
    return rv;
}
