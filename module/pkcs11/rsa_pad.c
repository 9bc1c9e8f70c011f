/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * RSA encodings of RFC 8017 done in the module: DigestInfo, EMSA-PKCS1-v1_5,
 * EMSA-PSS, MGF1, and the constant-time EME-PKCS1-v1_5 / EME-OAEP decoders.
 * Written here rather than with OpenSSL's deprecated RSA_padding_* calls;
 * OpenSSL supplies the hashes (EVP) and the random salt.
 */
#include "pkcs11/rsa_pad.h"

#include "pkcs11/soft.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

/* ---- DigestInfo ---- */

/* DER of DigestInfo ::= SEQUENCE { SEQUENCE { OID, NULL }, OCTET STRING } up to the digest. */
static const CK_BYTE di_sha1[] = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                                  0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
static const CK_BYTE di_sha224[] = {0x30, 0x2d, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                    0x65, 0x03, 0x04, 0x02, 0x04, 0x05, 0x00, 0x04, 0x1c};
static const CK_BYTE di_sha256[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                    0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
static const CK_BYTE di_sha384[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                    0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
static const CK_BYTE di_sha512[] = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                    0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

static const struct {
    CK_MECHANISM_TYPE hash;
    const CK_BYTE *prefix;
    size_t prefix_len;
    size_t hash_len;
} digestinfos[] = {
    {CKM_SHA_1, di_sha1, sizeof(di_sha1), 20},      {CKM_SHA224, di_sha224, sizeof(di_sha224), 28},
    {CKM_SHA256, di_sha256, sizeof(di_sha256), 32}, {CKM_SHA384, di_sha384, sizeof(di_sha384), 48},
    {CKM_SHA512, di_sha512, sizeof(di_sha512), 64},
};

#define N_DIGESTINFOS (sizeof(digestinfos) / sizeof(digestinfos[0]))

const CK_BYTE *mdc_p11_digestinfo_prefix(CK_MECHANISM_TYPE hash, size_t *prefix_len)
{
    for (size_t i = 0; i < N_DIGESTINFOS; i++) {
        if (digestinfos[i].hash == hash) {
            if (prefix_len != NULL)
                *prefix_len = digestinfos[i].prefix_len;
            return digestinfos[i].prefix;
        }
    }
    if (prefix_len != NULL)
        *prefix_len = 0;
    return NULL;
}

CK_RV mdc_p11_digestinfo(CK_MECHANISM_TYPE hash, const CK_BYTE *digest, size_t digest_len,
                         CK_BYTE *out, size_t out_size, size_t *out_len)
{
    size_t plen;
    const CK_BYTE *prefix = mdc_p11_digestinfo_prefix(hash, &plen);

    if (out == NULL || out_len == NULL || (digest == NULL && digest_len > 0))
        return CKR_ARGUMENTS_BAD;
    if (prefix == NULL)
        return CKR_MECHANISM_PARAM_INVALID;
    if (digest_len != mdc_p11_hash_len(hash))
        return CKR_DATA_LEN_RANGE;
    if (out_size < plen + digest_len)
        return CKR_BUFFER_TOO_SMALL;
    memcpy(out, prefix, plen);
    memcpy(out + plen, digest, digest_len);
    *out_len = plen + digest_len;
    return CKR_OK;
}

CK_MECHANISM_TYPE mdc_p11_digestinfo_hash(const CK_BYTE *in, size_t len)
{
    if (in == NULL)
        return 0;
    for (size_t i = 0; i < N_DIGESTINFOS; i++) {
        if (len == digestinfos[i].prefix_len + digestinfos[i].hash_len &&
            memcmp(in, digestinfos[i].prefix, digestinfos[i].prefix_len) == 0)
            return digestinfos[i].hash;
    }
    return 0;
}

/* ---- EMSA-PKCS1-v1_5 ---- */

CK_RV mdc_p11_pkcs1_type1_encode(const CK_BYTE *in, size_t in_len, CK_BYTE *em, size_t k)
{
    if (em == NULL || (in == NULL && in_len > 0))
        return CKR_ARGUMENTS_BAD;
    if (k < 11 || in_len > k - 11)
        return CKR_DATA_LEN_RANGE;
    em[0] = 0x00;
    em[1] = 0x01;
    memset(em + 2, 0xFF, k - in_len - 3);
    em[k - in_len - 1] = 0x00;
    if (in_len > 0)
        memcpy(em + k - in_len, in, in_len);
    return CKR_OK;
}

/* ---- MGF1 ---- */

CK_RV mdc_p11_mgf1_xor(CK_MECHANISM_TYPE mgf_hash, const CK_BYTE *seed, size_t seed_len,
                       CK_BYTE *mask, size_t mask_len)
{
    const EVP_MD *md = mdc_p11_md(mgf_hash);
    size_t hlen = mdc_p11_hash_len(mgf_hash);
    CK_BYTE t[MDC_P11_HASH_MAX];
    EVP_MD_CTX *ctx;
    CK_RV rv = CKR_OK;
    uint32_t counter = 0;

    if ((seed == NULL && seed_len > 0) || (mask == NULL && mask_len > 0))
        return CKR_ARGUMENTS_BAD;
    if (md == NULL || hlen == 0)
        return CKR_MECHANISM_PARAM_INVALID;
    ctx = EVP_MD_CTX_new();
    if (ctx == NULL)
        return CKR_HOST_MEMORY;
    for (size_t done = 0; done < mask_len; done += hlen, counter++) {
        CK_BYTE c[4] = {(CK_BYTE)(counter >> 24), (CK_BYTE)(counter >> 16), (CK_BYTE)(counter >> 8),
                        (CK_BYTE)counter};
        size_t n = mask_len - done < hlen ? mask_len - done : hlen;

        if (EVP_DigestInit_ex(ctx, md, NULL) != 1 ||
            (seed_len > 0 && EVP_DigestUpdate(ctx, seed, seed_len) != 1) ||
            EVP_DigestUpdate(ctx, c, sizeof(c)) != 1 || EVP_DigestFinal_ex(ctx, t, NULL) != 1) {
            rv = CKR_FUNCTION_FAILED;
            break;
        }
        for (size_t i = 0; i < n; i++)
            mask[done + i] ^= t[i];
    }
    OPENSSL_cleanse(t, sizeof(t));
    EVP_MD_CTX_free(ctx);
    return rv;
}

/* ---- EMSA-PSS ---- */

CK_RV mdc_p11_pss_encode(const CK_BYTE *mhash, size_t mhash_len, CK_MECHANISM_TYPE hash,
                         CK_MECHANISM_TYPE mgf_hash, size_t salt_len, size_t mod_bits, CK_BYTE *em,
                         size_t k)
{
    static const CK_BYTE zeros[8] = {0};
    const EVP_MD *md = mdc_p11_md(hash);
    size_t hlen = mdc_p11_hash_len(hash);
    size_t em_bits, em_len, db_len;
    CK_BYTE *db, *h, *salt;
    CK_RV rv = CKR_FUNCTION_FAILED;

    if (mhash == NULL || em == NULL)
        return CKR_ARGUMENTS_BAD;
    if (md == NULL || hlen == 0 || mdc_p11_md(mgf_hash) == NULL)
        return CKR_MECHANISM_PARAM_INVALID;
    if (mhash_len != hlen)
        return CKR_DATA_LEN_RANGE;
    if (mod_bits < 2 || mod_bits > 8 * (size_t)MDC_P11_RSA_MAX_BYTES || k != (mod_bits + 7) / 8)
        return CKR_ARGUMENTS_BAD;
    em_bits = mod_bits - 1;
    em_len = (em_bits + 7) / 8;
    if (salt_len > em_len || em_len < hlen + salt_len + 2)
        return CKR_KEY_SIZE_RANGE;

    /* em = [00] maskedDB || H || BC, with DB = PS || 01 || salt */
    memset(em, 0, k);
    em += k - em_len;
    db_len = em_len - hlen - 1;
    db = em;
    h = em + db_len;
    salt = db + db_len - salt_len;
    if (salt_len > 0 && RAND_bytes(salt, (int)salt_len) != 1)
        goto out;
    db[db_len - salt_len - 1] = 0x01;
    {
        /* H = Hash(00^8 || mHash || salt) */
        EVP_MD_CTX *ctx = EVP_MD_CTX_new();
        int ok = ctx != NULL && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
                 EVP_DigestUpdate(ctx, zeros, sizeof(zeros)) == 1 &&
                 EVP_DigestUpdate(ctx, mhash, mhash_len) == 1 &&
                 (salt_len == 0 || EVP_DigestUpdate(ctx, salt, salt_len) == 1) &&
                 EVP_DigestFinal_ex(ctx, h, NULL) == 1;
        EVP_MD_CTX_free(ctx);
        if (!ok)
            goto out;
    }
    rv = mdc_p11_mgf1_xor(mgf_hash, h, hlen, db, db_len);
    if (rv != CKR_OK)
        goto out;
    db[0] &= (CK_BYTE)(0xFFu >> (8 * em_len - em_bits));
    em[em_len - 1] = 0xBC;
    return CKR_OK;
out:
    OPENSSL_cleanse(em, em_len);
    return rv;
}

/* ---- constant-time helpers: masks are all ones (true) or all zeros ---- */

static size_t ct_msb(size_t x)
{
    return (size_t)0 - (x >> (sizeof(size_t) * CHAR_BIT - 1));
}

static size_t ct_is_zero(size_t x)
{
    return ct_msb(~x & (x - 1));
}

static size_t ct_eq(size_t a, size_t b)
{
    return ct_is_zero(a ^ b);
}

/* a < b for any a, b */
static size_t ct_lt(size_t a, size_t b)
{
    return ct_msb(a ^ ((a ^ b) | ((a - b) ^ b)));
}

static size_t ct_select(size_t mask, size_t a, size_t b)
{
    return (mask & a) | (~mask & b);
}

/* Move buf[shift..len) to buf[0..len-shift) without revealing shift (<= len):
 * one masked pass per bit of shift. */
static void ct_shift_left(CK_BYTE *buf, size_t len, size_t shift)
{
    for (size_t s = 1; s < len && s != 0; s <<= 1) {
        size_t take = ~ct_is_zero(shift & s);
        for (size_t i = 0; i + s < len; i++)
            buf[i] = (CK_BYTE)ct_select(take, buf[i + s], buf[i]);
    }
}

/* Copy the message of length mlen at offset shift of src[0..max) into out,
 * zero the rest of out[0..max); all without branches on shift or mlen. */
static void ct_copy_message(const CK_BYTE *src, size_t max, size_t shift, size_t mlen, CK_BYTE *out)
{
    memcpy(out, src, max);
    ct_shift_left(out, max, shift);
    for (size_t i = 0; i < max; i++)
        out[i] = (CK_BYTE)(out[i] & ct_lt(i, mlen));
}

/* ---- EME-PKCS1-v1_5 decoding ---- */

CK_RV mdc_p11_pkcs1_type2_decode(const CK_BYTE *em, size_t k, CK_BYTE *out, size_t out_size,
                                 size_t *out_len)
{
    size_t good, found = 0, zero_idx = 0, max, mlen, shift;

    if (em == NULL || out == NULL || out_len == NULL)
        return CKR_ARGUMENTS_BAD;
    if (k < 11 || k > MDC_P11_RSA_MAX_BYTES)
        return CKR_ENCRYPTED_DATA_LEN_RANGE;
    max = k - 11;
    if (out_size < max)
        return CKR_BUFFER_TOO_SMALL;

    /* 00 02 PS(>= 8 nonzero bytes) 00 M */
    good = ct_is_zero(em[0]) & ct_eq(em[1], 2);
    for (size_t i = 2; i < k; i++) {
        size_t z = ct_is_zero(em[i]);
        zero_idx = ct_select(~found & z, i, zero_idx);
        found |= z;
    }
    good &= found & ~ct_lt(zero_idx, 10);
    mlen = ct_select(good, k - zero_idx - 1, 0);
    shift = ct_select(good, zero_idx - 10, 0);
    ct_copy_message(em + 11, max, shift, mlen, out);

    if (!good) { /* the one branch, at the end */
        OPENSSL_cleanse(out, max);
        *out_len = 0;
        return CKR_ENCRYPTED_DATA_INVALID;
    }
    *out_len = mlen;
    return CKR_OK;
}

/* ---- EME-OAEP decoding ---- */

CK_RV mdc_p11_oaep_decode(const CK_BYTE *em, size_t k, CK_MECHANISM_TYPE hash,
                          CK_MECHANISM_TYPE mgf_hash, const CK_BYTE *label, size_t label_len,
                          CK_BYTE *out, size_t out_size, size_t *out_len)
{
    size_t hlen = mdc_p11_hash_len(hash);
    CK_BYTE lhash[MDC_P11_HASH_MAX], seed[MDC_P11_HASH_MAX];
    size_t db_len, max, good, found = 0, one_idx = 0, diff = 0, mlen, shift, lh_len;
    CK_BYTE *db = NULL;
    CK_RV rv;

    if (em == NULL || out == NULL || out_len == NULL || (label == NULL && label_len > 0))
        return CKR_ARGUMENTS_BAD;
    if (hlen == 0 || mdc_p11_md(mgf_hash) == NULL)
        return CKR_MECHANISM_PARAM_INVALID;
    if (k > MDC_P11_RSA_MAX_BYTES)
        return CKR_ENCRYPTED_DATA_LEN_RANGE;
    if (k < 2 * hlen + 2)
        return CKR_KEY_SIZE_RANGE;
    db_len = k - hlen - 1;
    max = db_len - hlen - 1;
    if (out_size < max)
        return CKR_BUFFER_TOO_SMALL;

    rv = mdc_p11_digest(hash, label, label_len, lhash, sizeof(lhash), &lh_len);
    if (rv != CKR_OK)
        return rv;
    db = malloc(db_len);
    if (db == NULL)
        return CKR_HOST_MEMORY;

    /* em = Y || maskedSeed || maskedDB */
    memcpy(seed, em + 1, hlen);
    memcpy(db, em + 1 + hlen, db_len);
    rv = mdc_p11_mgf1_xor(mgf_hash, db, db_len, seed, hlen);
    if (rv == CKR_OK)
        rv = mdc_p11_mgf1_xor(mgf_hash, seed, hlen, db, db_len);
    if (rv != CKR_OK)
        goto out;

    /* DB = lHash' || PS (zeros) || 01 || M */
    for (size_t i = 0; i < hlen; i++)
        diff |= (size_t)(db[i] ^ lhash[i]);
    good = ct_is_zero(em[0]) & ct_is_zero(diff);
    for (size_t i = hlen; i < db_len; i++) {
        size_t is0 = ct_is_zero(db[i]);
        size_t is1 = ct_eq(db[i], 1);
        one_idx = ct_select(~found & is1, i, one_idx);
        good &= found | is0 | is1; /* before the 01 only zeros */
        found |= is1;
    }
    good &= found;
    mlen = ct_select(good, db_len - one_idx - 1, 0);
    shift = ct_select(good, one_idx - hlen, 0);
    ct_copy_message(db + hlen + 1, max, shift, mlen, out);

    if (!good) { /* the one branch, at the end */
        OPENSSL_cleanse(out, max);
        *out_len = 0;
        rv = CKR_ENCRYPTED_DATA_INVALID;
        goto out;
    }
    *out_len = mlen;
    rv = CKR_OK;
out:
    OPENSSL_cleanse(seed, sizeof(seed));
    OPENSSL_cleanse(db, db_len);
    free(db);
    return rv;
}

/* ---- glue ---- */

CK_RV mdc_p11_sign_input(CK_MECHANISM_TYPE type, const mdc_p11_mech_params *params, size_t mod_bits,
                         bool card_pads, const CK_BYTE *in, size_t in_len, CK_BYTE *out,
                         size_t out_size, size_t *out_len, mdc_p11_card_pad *how)
{
    const mdc_p11_mech *m = mdc_p11_mech_find(type);
    size_t k = (mod_bits + 7) / 8;
    CK_BYTE di[MDC_P11_DIGESTINFO_MAX];
    const CK_BYTE *t = in;
    size_t t_len = in_len;
    CK_RV rv;

    if (params == NULL || out == NULL || out_len == NULL || how == NULL ||
        (in == NULL && in_len > 0))
        return CKR_ARGUMENTS_BAD;
    if (m == NULL || (m->flags & CKF_SIGN) == 0)
        return CKR_MECHANISM_INVALID;
    if (k == 0 || k > MDC_P11_RSA_MAX_BYTES)
        return CKR_KEY_SIZE_RANGE;
    if (out_size < k)
        return CKR_BUFFER_TOO_SMALL;

    switch (m->kind) {
    case MDC_P11_MECH_RSA_PKCS:
        if (m->hash != 0) {
            rv = mdc_p11_digestinfo(m->hash, in, in_len, di, sizeof(di), &t_len);
            if (rv != CKR_OK)
                return rv;
            t = di;
        }
        if (k < 11 || t_len > k - 11)
            return CKR_DATA_LEN_RANGE;
        if (card_pads) {
            if (t_len > 0)
                memcpy(out, t, t_len);
            *out_len = t_len;
            *how = MDC_P11_CARD_PKCS1;
            return CKR_OK;
        }
        rv = mdc_p11_pkcs1_type1_encode(t, t_len, out, k);
        break;
    case MDC_P11_MECH_RSA_X509:
        if (in_len > k)
            return CKR_DATA_LEN_RANGE;
        memset(out, 0, k - in_len);
        if (in_len > 0)
            memcpy(out + (k - in_len), in, in_len);
        rv = CKR_OK;
        break;
    case MDC_P11_MECH_RSA_PSS:
        rv = mdc_p11_pss_encode(in, in_len, params->hash, params->mgf_hash, params->salt_len,
                                mod_bits, out, k);
        break;
    default:
        return CKR_MECHANISM_INVALID;
    }
    if (rv != CKR_OK)
        return rv;
    *out_len = k;
    *how = MDC_P11_CARD_RAW;
    return CKR_OK;
}

CK_RV mdc_p11_decrypt_output(CK_MECHANISM_TYPE type, const mdc_p11_mech_params *params,
                             const CK_BYTE *block, size_t k, CK_BYTE *out, size_t out_size,
                             size_t *out_len)
{
    const mdc_p11_mech *m = mdc_p11_mech_find(type);

    if (params == NULL || block == NULL || out == NULL || out_len == NULL)
        return CKR_ARGUMENTS_BAD;
    if (m == NULL || (m->flags & CKF_DECRYPT) == 0)
        return CKR_MECHANISM_INVALID;
    switch (m->kind) {
    case MDC_P11_MECH_RSA_PKCS:
        return mdc_p11_pkcs1_type2_decode(block, k, out, out_size, out_len);
    case MDC_P11_MECH_RSA_OAEP:
        return mdc_p11_oaep_decode(block, k, params->hash, params->mgf_hash, params->label,
                                   params->label_len, out, out_size, out_len);
    case MDC_P11_MECH_RSA_X509:
        if (out_size < k)
            return CKR_BUFFER_TOO_SMALL;
        memcpy(out, block, k);
        *out_len = k;
        return CKR_OK;
    default:
        return CKR_MECHANISM_INVALID;
    }
}
