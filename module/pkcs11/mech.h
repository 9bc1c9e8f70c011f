/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mechanism table: which mechanisms the token offers, their
 * CK_MECHANISM_INFO, the operations each allows, and validation of
 * mechanism parameters (PSS, OAEP; everything else takes none). Pure: no
 * card, no session, no globals beyond the constant table.
 */
#ifndef MDC_P11_MECH_H
#define MDC_P11_MECH_H

#include "mdcard/pkcs11.h"

#include <stdbool.h>
#include <stddef.h>

/* How the front turns data into a card operation (or does it in software). */
typedef enum mdc_p11_mech_kind {
    MDC_P11_MECH_RSA_PKCS, /* PKCS#1 v1.5 (type 1 for sign, type 2 for decrypt) */
    MDC_P11_MECH_RSA_X509, /* raw RSA */
    MDC_P11_MECH_RSA_PSS,  /* EMSA-PSS, CK_RSA_PKCS_PSS_PARAMS */
    MDC_P11_MECH_RSA_OAEP, /* EME-OAEP, CK_RSA_PKCS_OAEP_PARAMS */
    MDC_P11_MECH_DIGEST,   /* software digest */
    MDC_P11_MECH_KEYGEN,   /* RSA key pair generation on the card */
} mdc_p11_mech_kind;

/* One row. flags are CK_MECHANISM_INFO flags (CKF_SIGN, CKF_DECRYPT, ...,
 * CKF_HW for card-backed rows); they double as the allowed operations. */
typedef struct mdc_p11_mech {
    CK_MECHANISM_TYPE type;
    mdc_p11_mech_kind kind;
    CK_FLAGS flags;
    /* Hash the mechanism itself applies (CKM_SHA256 for CKM_SHA256_RSA_PKCS
     * and CKM_SHA256_RSA_PKCS_PSS, the digest for digest rows), else 0. */
    CK_MECHANISM_TYPE hash;
    bool card_key; /* min/max key size come from the card; else 0/0 */
} mdc_p11_mech;

/* Parsed, validated parameters of one CK_MECHANISM. */
typedef struct mdc_p11_mech_params {
    /* PSS/OAEP: hashAlg; CKM_SHAxxx_RSA_PKCS[_PSS] and digests: the
     * mechanism's own hash; CKM_RSA_PKCS / CKM_RSA_X_509: 0. */
    CK_MECHANISM_TYPE hash;
    CK_MECHANISM_TYPE mgf_hash; /* PSS/OAEP: MGF1 hash as CKM_SHA_1..CKM_SHA512, else 0 */
    size_t salt_len;            /* PSS sLen */
    /* OAEP label: points INTO the caller's CK_MECHANISM parameter (valid only
     * for the duration of the C_*Init call: a session keeping it must copy
     * it). NULL with label_len 0 when there is none. */
    const CK_BYTE *label;
    size_t label_len;
} mdc_p11_mech_params;

/* PKCS#11 two-call protocol: list == NULL → *count = number of rows, CKR_OK;
 * *count too small → *count set, CKR_BUFFER_TOO_SMALL. */
CK_RV mdc_p11_mech_list(CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count);

/* CK_MECHANISM_INFO of type; card-backed rows get min_bits/max_bits (the
 * card's RSA key sizes, e.g. 1024/4096), digests 0/0.
 * Unknown type → CKR_MECHANISM_INVALID; info == NULL → CKR_ARGUMENTS_BAD. */
CK_RV mdc_p11_mech_info(CK_MECHANISM_TYPE type, CK_ULONG min_bits, CK_ULONG max_bits,
                        CK_MECHANISM_INFO_PTR info);

/* The row of type, or NULL when the token does not offer it. */
const mdc_p11_mech *mdc_p11_mech_find(CK_MECHANISM_TYPE type);

/* For C_SignInit etc.: the row of type if it allows operation op (one of
 * CKF_SIGN, CKF_VERIFY, CKF_ENCRYPT, CKF_DECRYPT, CKF_DIGEST,
 * CKF_GENERATE_KEY_PAIR). Unknown type or op not allowed by the mechanism →
 * CKR_MECHANISM_INVALID. (Whether the KEY permits the function — CKA_SIGN
 * etc., CKR_KEY_FUNCTION_NOT_PERMITTED — is the caller's check.) */
CK_RV mdc_p11_mech_for_op(CK_MECHANISM_TYPE type, CK_FLAGS op, const mdc_p11_mech **row);

/* Validate mech->pParameter/ulParameterLen for its mechanism and fill out.
 * mod_bits: the key's modulus size in bits, used for the PSS sLen bound
 * (sLen <= emLen - hLen - 2, emLen = ceil((mod_bits-1)/8)); 0 skips that
 * bound (digests, or no key yet). Unknown mechanism → CKR_MECHANISM_INVALID;
 * wrong length, NULL parameter where one is needed, a parameter where none
 * is allowed, or a bad field → CKR_MECHANISM_PARAM_INVALID. */
CK_RV mdc_p11_mech_params_parse(const CK_MECHANISM *mech, CK_ULONG mod_bits,
                                mdc_p11_mech_params *out);

/* CKG_MGF1_SHA1..CKG_MGF1_SHA512 → CKM_SHA_1..CKM_SHA512; else 0. */
CK_MECHANISM_TYPE mdc_p11_mgf_hash(CK_RSA_PKCS_MGF_TYPE mgf);

#endif
