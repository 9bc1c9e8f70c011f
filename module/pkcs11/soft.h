/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Software cryptography of the front (DESIGN.md section 2): digests
 * (one-part and multi-part, CK_MECHANISM_TYPE → EVP_MD), and RSA public-key
 * operations — signature verification and encryption — with OpenSSL 3 over
 * an EVP_PKEY built from the modulus and public exponent. No card, no
 * session state. Everything runs in a private OpenSSL library context with
 * the default provider (made on first use, kept until the process exits),
 * and works inside hosts that made an engine the default for RSA (soft.c).
 */
#ifndef MDC_P11_SOFT_H
#define MDC_P11_SOFT_H

#include "mdcard/pkcs11.h"
#include "pkcs11/mech.h"

#include <stddef.h>

#include <openssl/evp.h>

#define MDC_P11_HASH_MAX 64        /* SHA-512 */
#define MDC_P11_RSA_MAX_BYTES 2048 /* 16384-bit modulus: hard cap on inputs */

/* ---- digests ---- */

/* CKM_SHA_1, CKM_SHA224, CKM_SHA256, CKM_SHA384, CKM_SHA512 → EVP_MD of
 * the private library context (kept for the process, not to be freed);
 * NULL for anything else. */
const EVP_MD *mdc_p11_md(CK_MECHANISM_TYPE hash);
/* Digest length of hash in bytes; 0 when unknown. */
size_t mdc_p11_hash_len(CK_MECHANISM_TYPE hash);

/* One-part digest. out == NULL → *out_len = length, CKR_OK; out_size <
 * length → CKR_BUFFER_TOO_SMALL (*out_len set); unknown hash →
 * CKR_MECHANISM_INVALID. */
CK_RV mdc_p11_digest(CK_MECHANISM_TYPE hash, const CK_BYTE *in, size_t in_len, CK_BYTE *out,
                     size_t out_size, size_t *out_len);

/* Multi-part digest context (C_Digest*, and the hashing of
 * CKM_SHAxxx_RSA_PKCS[_PSS] sign/verify). */
typedef struct mdc_p11_digest_ctx mdc_p11_digest_ctx;

/* Unknown hash → CKR_MECHANISM_INVALID; no memory → CKR_HOST_MEMORY. */
CK_RV mdc_p11_digest_init(CK_MECHANISM_TYPE hash, mdc_p11_digest_ctx **out);
CK_RV mdc_p11_digest_update(mdc_p11_digest_ctx *ctx, const CK_BYTE *in, size_t in_len);
/* out == NULL → *out_len = length, CKR_OK; out_size < length →
 * CKR_BUFFER_TOO_SMALL with *out_len = length; in both cases the context is
 * left usable (PKCS#11 two-call protocol). Otherwise the digest is written
 * and the context is finished: free it (a further update/final →
 * CKR_OPERATION_NOT_INITIALIZED). */
CK_RV mdc_p11_digest_final(mdc_p11_digest_ctx *ctx, CK_BYTE *out, size_t out_size, size_t *out_len);
size_t mdc_p11_digest_size(const mdc_p11_digest_ctx *ctx);
/* NULL is fine. */
void mdc_p11_digest_free(mdc_p11_digest_ctx *ctx);

/* ---- RSA public key ---- */

/* From big-endian modulus and exponent (leading zeros allowed), decoded
 * from a DER SubjectPublicKeyInfo (not EVP_PKEY_fromdata, which an engine
 * registered for RSA breaks). Empty or oversized values →
 * CKR_KEY_SIZE_RANGE / CKR_ATTRIBUTE_VALUE_INVALID; free with EVP_PKEY_free. */
CK_RV mdc_p11_soft_rsa_key(const CK_BYTE *n, size_t n_len, const CK_BYTE *e, size_t e_len,
                           EVP_PKEY **out);
/* Modulus size in bits / bytes (k). */
size_t mdc_p11_soft_rsa_bits(const EVP_PKEY *key);
size_t mdc_p11_soft_rsa_bytes(const EVP_PKEY *key);

/*
 * Verify sig over data with mechanism type (any CKF_VERIFY row) and params
 * from mdc_p11_mech_params_parse. data is the message (hashed here for
 * CKM_SHAxxx_RSA_PKCS[_PSS]); for CKM_RSA_PKCS a DigestInfo or raw input,
 * for CKM_RSA_PKCS_PSS the hash, for CKM_RSA_X_509 up to k bytes compared
 * as a number (left-padded with zeros).
 * CKR_OK / CKR_SIGNATURE_INVALID / CKR_SIGNATURE_LEN_RANGE (sig_len != k) /
 * CKR_DATA_LEN_RANGE (input too long for the key).
 */
CK_RV mdc_p11_soft_verify(EVP_PKEY *key, CK_MECHANISM_TYPE type, const mdc_p11_mech_params *params,
                          const CK_BYTE *data, size_t data_len, const CK_BYTE *sig, size_t sig_len);
/* Same, for CKM_SHAxxx_RSA_PKCS[_PSS] after multi-part hashing: digest is
 * the message digest. For the other mechanisms it equals mdc_p11_soft_verify. */
CK_RV mdc_p11_soft_verify_digest(EVP_PKEY *key, CK_MECHANISM_TYPE type,
                                 const mdc_p11_mech_params *params, const CK_BYTE *digest,
                                 size_t digest_len, const CK_BYTE *sig, size_t sig_len);

/*
 * Encrypt with the public key: CKM_RSA_PKCS (in_len <= k - 11),
 * CKM_RSA_PKCS_OAEP (in_len <= k - 2*hLen - 2, params: hash, MGF1, label),
 * CKM_RSA_X_509 (in_len <= k, left-padded with zeros; a value not below the
 * modulus → CKR_DATA_INVALID). Two-call protocol: out == NULL →
 * *out_len = k, CKR_OK; out_size < k → CKR_BUFFER_TOO_SMALL with
 * *out_len = k. Too long → CKR_DATA_LEN_RANGE.
 */
CK_RV mdc_p11_soft_encrypt(EVP_PKEY *key, CK_MECHANISM_TYPE type, const mdc_p11_mech_params *params,
                           const CK_BYTE *in, size_t in_len, CK_BYTE *out, size_t out_size,
                           size_t *out_len);

#endif
