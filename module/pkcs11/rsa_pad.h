/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RSA encodings done in the module (RFC 8017): DER DigestInfo,
 * EMSA-PKCS1-v1_5 (type 1), EMSA-PSS, and constant-time decoding of
 * EME-PKCS1-v1_5 (type 2) and EME-OAEP blocks that the card returned from a
 * raw private operation. Pure functions over byte buffers. Hashes are named
 * by their digest mechanism (CKM_SHA_1, CKM_SHA224, ... CKM_SHA512).
 */
#ifndef MDC_P11_RSA_PAD_H
#define MDC_P11_RSA_PAD_H

#include "mdcard/pkcs11.h"
#include "pkcs11/mech.h"

#include <stdbool.h>
#include <stddef.h>

#define MDC_P11_DIGESTINFO_PREFIX_MAX 19
#define MDC_P11_DIGESTINFO_MAX (MDC_P11_DIGESTINFO_PREFIX_MAX + 64)

/* DER prefix of DigestInfo for hash (SHA-1..SHA-512); NULL when unknown. */
const CK_BYTE *mdc_p11_digestinfo_prefix(CK_MECHANISM_TYPE hash, size_t *prefix_len);

/* DigestInfo = prefix || digest. digest_len must be the hash's length
 * (else CKR_DATA_LEN_RANGE); out_size < needed → CKR_BUFFER_TOO_SMALL;
 * unknown hash → CKR_MECHANISM_PARAM_INVALID. */
CK_RV mdc_p11_digestinfo(CK_MECHANISM_TYPE hash, const CK_BYTE *digest, size_t digest_len,
                         CK_BYTE *out, size_t out_size, size_t *out_len);

/* The hash (CKM_SHA_1..CKM_SHA512) when in is exactly a DigestInfo of a
 * known hash (prefix and length match), else 0 (raw input, e.g. TLS
 * MD5||SHA-1). */
CK_MECHANISM_TYPE mdc_p11_digestinfo_hash(const CK_BYTE *in, size_t len);

/* EMSA-PKCS1-v1_5 type 1: em = 00 01 FF..FF 00 in, k bytes.
 * in_len > k - 11 → CKR_DATA_LEN_RANGE (also when k < 11). */
CK_RV mdc_p11_pkcs1_type1_encode(const CK_BYTE *in, size_t in_len, CK_BYTE *em, size_t k);

/* EMSA-PSS-ENCODE (RFC 8017 9.1.1) of the message hash mhash (its length
 * must be hash's) with a fresh salt of salt_len bytes (RAND_bytes),
 * emBits = mod_bits - 1, MGF1 with mgf_hash. Writes k = ceil(mod_bits/8)
 * bytes to em (a leading 00 byte when emLen < k), ready for a raw private
 * operation. Errors: bad hash → CKR_MECHANISM_PARAM_INVALID; mhash_len wrong
 * → CKR_DATA_LEN_RANGE; salt too long for the key → CKR_KEY_SIZE_RANGE;
 * k != ceil(mod_bits/8) → CKR_ARGUMENTS_BAD; RNG failure → CKR_FUNCTION_FAILED. */
CK_RV mdc_p11_pss_encode(const CK_BYTE *mhash, size_t mhash_len, CK_MECHANISM_TYPE hash,
                         CK_MECHANISM_TYPE mgf_hash, size_t salt_len, size_t mod_bits, CK_BYTE *em,
                         size_t k);

/*
 * Constant-time decoders of a k-byte block from a raw private operation.
 * out must have room for the largest possible message (out_size >= k - 11
 * for type 2, k - 2*hLen - 2 for OAEP; checked before looking at em, else
 * CKR_BUFFER_TOO_SMALL): decode into a k-byte scratch buffer and copy to the
 * application afterwards, so that no error depends on the padding. Every
 * padding fault gives CKR_ENCRYPTED_DATA_INVALID, decided at the end
 * without branches on em. On error out holds nothing usable (zeroed).
 */
CK_RV mdc_p11_pkcs1_type2_decode(const CK_BYTE *em, size_t k, CK_BYTE *out, size_t out_size,
                                 size_t *out_len);
CK_RV mdc_p11_oaep_decode(const CK_BYTE *em, size_t k, CK_MECHANISM_TYPE hash,
                          CK_MECHANISM_TYPE mgf_hash, const CK_BYTE *label, size_t label_len,
                          CK_BYTE *out, size_t out_size, size_t *out_len);

/* MGF1 (RFC 8017 B.2.1) XORed into mask: mask ^= MGF1(seed, mask_len). */
CK_RV mdc_p11_mgf1_xor(CK_MECHANISM_TYPE mgf_hash, const CK_BYTE *seed, size_t seed_len,
                       CK_BYTE *mask, size_t mask_len);

/* ---- glue for the sign and decrypt paths ---- */

/* How the card is to do the private operation (GIDS-AND-MINIDRIVER.md 4.4). */
typedef enum mdc_p11_card_pad {
    MDC_P11_CARD_RAW,   /* input is a full k-byte block (MSE algorithm 1x / 0x) */
    MDC_P11_CARD_PKCS1, /* card adds PKCS#1 v1.5 padding (MSE algorithm 5x / 4x) */
} mdc_p11_card_pad;

/*
 * What to send to the card for a signature with mechanism type/params on a
 * key of mod_bits bits. in is:
 *   CKM_RSA_PKCS           the application's data (DigestInfo or raw), <= k-11
 *   CKM_RSA_X_509          the application's data, <= k (left-padded with 0s)
 *   CKM_RSA_PKCS_PSS       the message hash (params->hash's length)
 *   CKM_SHAxxx_RSA_PKCS[_PSS]  the message digest (hash the data first with
 *                          mdc_p11_digest*; the DigestInfo is built here)
 * card_pads: the card can add PKCS#1 v1.5 padding itself (MSE 5x); then the
 * PKCS#1 v1.5 mechanisms give the unpadded input (the application's data or
 * the DigestInfo) and *how = MDC_P11_CARD_PKCS1. Otherwise, and always for
 * X_509 and PSS, the full k-byte block and *how = MDC_P11_CARD_RAW.
 * out_size >= k (k = ceil(mod_bits/8)) else CKR_BUFFER_TOO_SMALL; input too
 * long → CKR_DATA_LEN_RANGE; wrong digest length → CKR_DATA_LEN_RANGE.
 */
CK_RV mdc_p11_sign_input(CK_MECHANISM_TYPE type, const mdc_p11_mech_params *params, size_t mod_bits,
                         bool card_pads, const CK_BYTE *in, size_t in_len, CK_BYTE *out,
                         size_t out_size, size_t *out_len, mdc_p11_card_pad *how);

/*
 * Recover the plaintext from the card's raw k-byte output (MSE 0x) for
 * CKM_RSA_PKCS (type 2), CKM_RSA_PKCS_OAEP (params) or CKM_RSA_X_509 (the
 * block as is, k bytes). Same out rules as the decoders above.
 */
CK_RV mdc_p11_decrypt_output(CK_MECHANISM_TYPE type, const mdc_p11_mech_params *params,
                             const CK_BYTE *block, size_t k, CK_BYTE *out, size_t out_size,
                             size_t *out_len);

#endif
