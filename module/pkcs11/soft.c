/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Software digests and RSA public-key operations (verify, encrypt) with
 * OpenSSL 3, in a library context of our own.
 *
 * The module runs inside other people's OpenSSL processes, so two things of
 * the host must not reach these operations:
 * - providers the host configured (OPENSSL_CONF): a PKCS#11 provider could
 *   route our own public-key operation back into a PKCS#11 module. Hence a
 *   private OSSL_LIB_CTX holding only the default provider.
 * - engines (libp11's pkcs11 engine set as default for RSA, which `openssl
 *   -engine pkcs11` and `default_algorithms` do). OpenSSL 3.0 consults them
 *   globally, whatever the library context: every RSA EVP_PKEY_CTX becomes
 *   the engine's legacy one and EVP_PKEY_fromdata fails. So the key is
 *   decoded from a DER SubjectPublicKeyInfo (token/spki.c), which works with
 *   or without an engine; the engine's RSA method then does the public-key
 *   operation with OpenSSL's own code (libp11 overrides private-key
 *   operations only).
 */
#include "pkcs11/soft.h"

#include "pkcs11/rsa_pad.h"
#include "token/objects.h"
#include "util/log.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

/* ---- the library context ---- */

static const struct {
    CK_MECHANISM_TYPE hash;
    const char *name;
} soft_hashes[] = {
    {CKM_SHA_1, "SHA1"},    {CKM_SHA224, "SHA224"}, {CKM_SHA256, "SHA256"},
    {CKM_SHA384, "SHA384"}, {CKM_SHA512, "SHA512"},
};
#define SOFT_N_HASHES (sizeof(soft_hashes) / sizeof(soft_hashes[0]))

/* Made once per process and kept until it exits: a host may call C_Finalize
 * from OpenSSL's own exit handlers (libp11), after which freeing OpenSSL
 * objects is not safe. */
static pthread_once_t soft_once = PTHREAD_ONCE_INIT;
static OSSL_LIB_CTX *soft_libctx;
static EVP_MD *soft_md[SOFT_N_HASHES];

static void soft_setup(void)
{
    OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();

    if (ctx == NULL || OSSL_PROVIDER_load(ctx, "default") == NULL) {
        /* no memory: the host's context is the best there is */
        MDC_WARN(MDC_CAT_P11, "no private OpenSSL library context; using the default one");
        OSSL_LIB_CTX_free(ctx);
        ctx = NULL;
    }
    soft_libctx = ctx;
    for (size_t i = 0; i < SOFT_N_HASHES; i++) {
        soft_md[i] = EVP_MD_fetch(ctx, soft_hashes[i].name, NULL);
        /* Every operation hashing with it fails later: say why, once. */
        if (soft_md[i] == NULL)
            MDC_WARN(MDC_CAT_P11, "OpenSSL has no %s digest; mechanisms hashing with it fail",
                     soft_hashes[i].name);
    }
}

static OSSL_LIB_CTX *soft_ctx(void)
{
    pthread_once(&soft_once, soft_setup);
    return soft_libctx;
}

/* ---- digests ---- */

const EVP_MD *mdc_p11_md(CK_MECHANISM_TYPE hash)
{
    (void)soft_ctx();
    for (size_t i = 0; i < SOFT_N_HASHES; i++)
        if (soft_hashes[i].hash == hash)
            return soft_md[i];
    return NULL;
}

size_t mdc_p11_hash_len(CK_MECHANISM_TYPE hash)
{
    const EVP_MD *md = mdc_p11_md(hash);
    int len = md != NULL ? EVP_MD_get_size(md) : 0;

    return len > 0 && len <= MDC_P11_HASH_MAX ? (size_t)len : 0;
}

CK_RV mdc_p11_digest(CK_MECHANISM_TYPE hash, const CK_BYTE *in, size_t in_len, CK_BYTE *out,
                     size_t out_size, size_t *out_len)
{
    const EVP_MD *md = mdc_p11_md(hash);
    size_t len = mdc_p11_hash_len(hash);
    unsigned int got = 0;

    if (out_len == NULL || (in == NULL && in_len > 0))
        return CKR_ARGUMENTS_BAD;
    if (md == NULL || len == 0)
        return CKR_MECHANISM_INVALID;
    *out_len = len;
    if (out == NULL)
        return CKR_OK;
    if (out_size < len)
        return CKR_BUFFER_TOO_SMALL;
    if (EVP_Digest(in_len > 0 ? in : (const CK_BYTE *)"", in_len, out, &got, md, NULL) != 1 ||
        got != len)
        return CKR_FUNCTION_FAILED;
    return CKR_OK;
}

struct mdc_p11_digest_ctx {
    EVP_MD_CTX *md;
    size_t len;
    bool done;
};

CK_RV mdc_p11_digest_init(CK_MECHANISM_TYPE hash, mdc_p11_digest_ctx **out)
{
    const EVP_MD *md = mdc_p11_md(hash);
    mdc_p11_digest_ctx *ctx;

    if (out == NULL)
        return CKR_ARGUMENTS_BAD;
    *out = NULL;
    if (md == NULL)
        return CKR_MECHANISM_INVALID;
    ctx = calloc(1, sizeof(*ctx));
    if (ctx == NULL)
        return CKR_HOST_MEMORY;
    ctx->md = EVP_MD_CTX_new();
    if (ctx->md == NULL) {
        free(ctx);
        return CKR_HOST_MEMORY;
    }
    if (EVP_DigestInit_ex(ctx->md, md, NULL) != 1) {
        mdc_p11_digest_free(ctx);
        return CKR_FUNCTION_FAILED;
    }
    ctx->len = mdc_p11_hash_len(hash);
    *out = ctx;
    return CKR_OK;
}

CK_RV mdc_p11_digest_update(mdc_p11_digest_ctx *ctx, const CK_BYTE *in, size_t in_len)
{
    if (ctx == NULL || (in == NULL && in_len > 0))
        return CKR_ARGUMENTS_BAD;
    if (ctx->done)
        return CKR_OPERATION_NOT_INITIALIZED;
    if (in_len > 0 && EVP_DigestUpdate(ctx->md, in, in_len) != 1)
        return CKR_FUNCTION_FAILED;
    return CKR_OK;
}

CK_RV mdc_p11_digest_final(mdc_p11_digest_ctx *ctx, CK_BYTE *out, size_t out_size, size_t *out_len)
{
    unsigned int got = 0;

    if (ctx == NULL || out_len == NULL)
        return CKR_ARGUMENTS_BAD;
    if (ctx->done)
        return CKR_OPERATION_NOT_INITIALIZED;
    *out_len = ctx->len;
    if (out == NULL)
        return CKR_OK;
    if (out_size < ctx->len)
        return CKR_BUFFER_TOO_SMALL;
    ctx->done = true;
    if (EVP_DigestFinal_ex(ctx->md, out, &got) != 1 || got != ctx->len)
        return CKR_FUNCTION_FAILED;
    return CKR_OK;
}

size_t mdc_p11_digest_size(const mdc_p11_digest_ctx *ctx)
{
    return ctx != NULL ? ctx->len : 0;
}

void mdc_p11_digest_free(mdc_p11_digest_ctx *ctx)
{
    if (ctx == NULL)
        return;
    EVP_MD_CTX_free(ctx->md);
    free(ctx);
}

/* ---- RSA public key ---- */

static void skip_zeros(const CK_BYTE **p, size_t *len)
{
    while (*len > 0 && (*p)[0] == 0) {
        (*p)++;
        (*len)--;
    }
}

CK_RV mdc_p11_soft_rsa_key(const CK_BYTE *n, size_t n_len, const CK_BYTE *e, size_t e_len,
                           EVP_PKEY **out)
{
    uint8_t *spki = NULL;
    const unsigned char *p;
    size_t spki_len = 0;
    EVP_PKEY *key;

    if (out == NULL || (n == NULL && n_len > 0) || (e == NULL && e_len > 0))
        return CKR_ARGUMENTS_BAD;
    *out = NULL;
    skip_zeros(&n, &n_len);
    skip_zeros(&e, &e_len);
    if (n_len > MDC_P11_RSA_MAX_BYTES)
        return CKR_KEY_SIZE_RANGE;
    /* an RSA modulus and a usable public exponent are odd; e < n */
    if (n_len == 0 || e_len == 0 || e_len > n_len || (n[n_len - 1] & 1) == 0 ||
        (e[e_len - 1] & 1) == 0 || (e_len == 1 && e[0] == 1))
        return CKR_ATTRIBUTE_VALUE_INVALID;
    if (!mdc_tok_rsa_spki(n, n_len, e, e_len, &spki, &spki_len))
        return CKR_HOST_MEMORY; /* the sizes were checked above */
    if (spki_len > 0x7FFFFFFF) {
        free(spki);
        return CKR_KEY_SIZE_RANGE;
    }
    p = spki;
    key = d2i_PUBKEY_ex(NULL, &p, (long)spki_len, soft_ctx(), NULL);
    free(spki);
    if (key == NULL || EVP_PKEY_is_a(key, "RSA") != 1) {
        MDC_DEBUG(MDC_CAT_P11, "OpenSSL does not take the RSA public key (%zu-byte modulus)",
                  n_len);
        EVP_PKEY_free(key);
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    *out = key;
    return CKR_OK;
}

size_t mdc_p11_soft_rsa_bits(const EVP_PKEY *key)
{
    int bits = key != NULL ? EVP_PKEY_get_bits(key) : 0;

    return bits > 0 ? (size_t)bits : 0;
}

size_t mdc_p11_soft_rsa_bytes(const EVP_PKEY *key)
{
    return (mdc_p11_soft_rsa_bits(key) + 7) / 8;
}

/* A public-key context for one operation with the given padding. */
static EVP_PKEY_CTX *pub_ctx(EVP_PKEY *key, bool verify, int padding)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(soft_ctx(), key, NULL);

    if (ctx == NULL)
        return NULL;
    if ((verify ? EVP_PKEY_verify_init(ctx) : EVP_PKEY_encrypt_init(ctx)) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, padding) != 1) {
        EVP_PKEY_CTX_free(ctx);
        return NULL;
    }
    if (EVP_PKEY_CTX_get0_provider(ctx) == NULL)
        MDC_DEBUG(MDC_CAT_P11, "RSA %s through an engine of the host (OpenSSL's legacy path)",
                  verify ? "verify" : "encrypt");
    return ctx;
}

/* m^e mod n of a k-byte big-endian block; fails when in >= n. */
static bool raw_public(EVP_PKEY *key, const CK_BYTE *in, size_t k, CK_BYTE *out)
{
    EVP_PKEY_CTX *ctx = pub_ctx(key, false, RSA_NO_PADDING);
    size_t len = k;
    bool ok;

    if (ctx == NULL)
        return false;
    ok = EVP_PKEY_encrypt(ctx, out, &len, in, k) == 1 && len == k;
    EVP_PKEY_CTX_free(ctx);
    return ok;
}

/* Compare sig^e mod n with the expected k-byte block. */
static CK_RV verify_block(EVP_PKEY *key, const CK_BYTE *expect, const CK_BYTE *sig, size_t k)
{
    CK_BYTE *got = malloc(k);
    CK_RV rv;

    if (got == NULL)
        return CKR_HOST_MEMORY;
    if (!raw_public(key, sig, k, got)) /* sig >= n */
        rv = CKR_SIGNATURE_INVALID;
    else
        rv = CRYPTO_memcmp(got, expect, k) == 0 ? CKR_OK : CKR_SIGNATURE_INVALID;
    free(got);
    return rv;
}

static CK_RV verify_pkcs1(EVP_PKEY *key, const CK_BYTE *t, size_t t_len, const CK_BYTE *sig,
                          size_t k)
{
    CK_BYTE *em;
    CK_RV rv;

    if (t_len + 11 > k)
        return CKR_DATA_LEN_RANGE;
    em = malloc(k);
    if (em == NULL)
        return CKR_HOST_MEMORY;
    rv = mdc_p11_pkcs1_type1_encode(t, t_len, em, k);
    if (rv == CKR_OK)
        rv = verify_block(key, em, sig, k);
    free(em);
    return rv;
}

static CK_RV verify_x509(EVP_PKEY *key, const CK_BYTE *data, size_t data_len, const CK_BYTE *sig,
                         size_t k)
{
    CK_BYTE *em;
    CK_RV rv;

    if (data_len > k)
        return CKR_DATA_LEN_RANGE;
    em = calloc(1, k);
    if (em == NULL)
        return CKR_HOST_MEMORY;
    if (data_len > 0)
        memcpy(em + (k - data_len), data, data_len);
    rv = verify_block(key, em, sig, k);
    free(em);
    return rv;
}

static CK_RV verify_pss(EVP_PKEY *key, const mdc_p11_mech_params *p, const CK_BYTE *mhash,
                        size_t mhash_len, const CK_BYTE *sig, size_t k)
{
    const EVP_MD *md = mdc_p11_md(p->hash);
    const EVP_MD *mgf = mdc_p11_md(p->mgf_hash);
    EVP_PKEY_CTX *ctx;
    int ok;

    if (md == NULL || mgf == NULL || p->salt_len > (size_t)k)
        return CKR_MECHANISM_PARAM_INVALID;
    if (mhash_len != mdc_p11_hash_len(p->hash))
        return CKR_DATA_LEN_RANGE;
    ctx = pub_ctx(key, true, RSA_PKCS1_PSS_PADDING);
    if (ctx == NULL)
        return CKR_FUNCTION_FAILED;
    if (EVP_PKEY_CTX_set_signature_md(ctx, md) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, mgf) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, (int)p->salt_len) != 1) {
        EVP_PKEY_CTX_free(ctx);
        return CKR_FUNCTION_FAILED;
    }
    /* 1 valid, 0 invalid, < 0 malformed (also invalid: the input is the caller's) */
    ok = EVP_PKEY_verify(ctx, sig, k, mhash, mhash_len);
    EVP_PKEY_CTX_free(ctx);
    return ok == 1 ? CKR_OK : CKR_SIGNATURE_INVALID;
}

CK_RV mdc_p11_soft_verify_digest(EVP_PKEY *key, CK_MECHANISM_TYPE type,
                                 const mdc_p11_mech_params *params, const CK_BYTE *digest,
                                 size_t digest_len, const CK_BYTE *sig, size_t sig_len)
{
    const mdc_p11_mech *m = mdc_p11_mech_find(type);
    CK_BYTE di[MDC_P11_DIGESTINFO_MAX];
    size_t k, di_len;
    CK_RV rv;

    if (key == NULL || params == NULL || (digest == NULL && digest_len > 0) ||
        (sig == NULL && sig_len > 0))
        return CKR_ARGUMENTS_BAD;
    if (m == NULL || (m->flags & CKF_VERIFY) == 0)
        return CKR_MECHANISM_INVALID;
    k = mdc_p11_soft_rsa_bytes(key);
    if (k == 0 || k > MDC_P11_RSA_MAX_BYTES)
        return CKR_KEY_SIZE_RANGE;
    if (sig_len != k)
        return CKR_SIGNATURE_LEN_RANGE;
    switch (m->kind) {
    case MDC_P11_MECH_RSA_PKCS:
        if (m->hash == 0)
            return verify_pkcs1(key, digest, digest_len, sig, k);
        rv = mdc_p11_digestinfo(m->hash, digest, digest_len, di, sizeof(di), &di_len);
        if (rv != CKR_OK)
            return rv;
        return verify_pkcs1(key, di, di_len, sig, k);
    case MDC_P11_MECH_RSA_X509:
        return verify_x509(key, digest, digest_len, sig, k);
    case MDC_P11_MECH_RSA_PSS:
        return verify_pss(key, params, digest, digest_len, sig, k);
    default:
        return CKR_MECHANISM_INVALID;
    }
}

CK_RV mdc_p11_soft_verify(EVP_PKEY *key, CK_MECHANISM_TYPE type, const mdc_p11_mech_params *params,
                          const CK_BYTE *data, size_t data_len, const CK_BYTE *sig, size_t sig_len)
{
    const mdc_p11_mech *m = mdc_p11_mech_find(type);
    CK_BYTE h[MDC_P11_HASH_MAX];
    size_t h_len;
    CK_RV rv;

    if (m == NULL || m->hash == 0 || m->kind == MDC_P11_MECH_DIGEST)
        return mdc_p11_soft_verify_digest(key, type, params, data, data_len, sig, sig_len);
    if (data == NULL && data_len > 0)
        return CKR_ARGUMENTS_BAD;
    rv = mdc_p11_digest(m->hash, data, data_len, h, sizeof(h), &h_len);
    if (rv != CKR_OK)
        return rv;
    return mdc_p11_soft_verify_digest(key, type, params, h, h_len, sig, sig_len);
}

static CK_RV set_oaep(EVP_PKEY_CTX *ctx, const mdc_p11_mech_params *p)
{
    const EVP_MD *md = mdc_p11_md(p->hash);
    const EVP_MD *mgf = mdc_p11_md(p->mgf_hash);
    unsigned char *label = NULL;

    if (md == NULL || mgf == NULL || (p->label == NULL && p->label_len > 0) ||
        p->label_len > 0x7FFFFFFFu)
        return CKR_MECHANISM_PARAM_INVALID;
    if (EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md) != 1 || EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, mgf) != 1)
        return CKR_FUNCTION_FAILED;
    if (p->label_len > 0) {
        /* OpenSSL takes ownership of the label */
        label = OPENSSL_memdup(p->label, p->label_len);
        if (label == NULL)
            return CKR_HOST_MEMORY;
        if (EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, label, (int)p->label_len) != 1) {
            OPENSSL_free(label);
            return CKR_FUNCTION_FAILED;
        }
    }
    return CKR_OK;
}

CK_RV mdc_p11_soft_encrypt(EVP_PKEY *key, CK_MECHANISM_TYPE type, const mdc_p11_mech_params *params,
                           const CK_BYTE *in, size_t in_len, CK_BYTE *out, size_t out_size,
                           size_t *out_len)
{
    const mdc_p11_mech *m = mdc_p11_mech_find(type);
    EVP_PKEY_CTX *ctx = NULL;
    CK_BYTE *block = NULL;
    size_t k, max, len;
    int padding;
    CK_RV rv;

    if (key == NULL || params == NULL || out_len == NULL || (in == NULL && in_len > 0))
        return CKR_ARGUMENTS_BAD;
    if (m == NULL || (m->flags & CKF_ENCRYPT) == 0)
        return CKR_MECHANISM_INVALID;
    k = mdc_p11_soft_rsa_bytes(key);
    if (k == 0 || k > MDC_P11_RSA_MAX_BYTES)
        return CKR_KEY_SIZE_RANGE;
    switch (m->kind) {
    case MDC_P11_MECH_RSA_PKCS:
        padding = RSA_PKCS1_PADDING;
        max = k >= 11 ? k - 11 : 0;
        break;
    case MDC_P11_MECH_RSA_OAEP: {
        size_t hlen = mdc_p11_hash_len(params->hash);
        if (hlen == 0)
            return CKR_MECHANISM_PARAM_INVALID;
        if (k < 2 * hlen + 2)
            return CKR_KEY_SIZE_RANGE;
        padding = RSA_PKCS1_OAEP_PADDING;
        max = k - 2 * hlen - 2;
        break;
    }
    case MDC_P11_MECH_RSA_X509:
        padding = RSA_NO_PADDING;
        max = k;
        break;
    default:
        return CKR_MECHANISM_INVALID;
    }
    if (in_len > max)
        return CKR_DATA_LEN_RANGE;
    *out_len = k;
    if (out == NULL)
        return CKR_OK;
    if (out_size < k)
        return CKR_BUFFER_TOO_SMALL;

    if (padding == RSA_NO_PADDING) {
        /* a number of up to k bytes: left-pad to the modulus length */
        block = calloc(1, k);
        if (block == NULL)
            return CKR_HOST_MEMORY;
        if (in_len > 0)
            memcpy(block + (k - in_len), in, in_len);
        in = block;
        in_len = k;
    }
    ctx = pub_ctx(key, false, padding);
    if (ctx == NULL) {
        rv = CKR_FUNCTION_FAILED;
        goto out;
    }
    if (padding == RSA_PKCS1_OAEP_PADDING && (rv = set_oaep(ctx, params)) != CKR_OK)
        goto out;
    len = k;
    if (EVP_PKEY_encrypt(ctx, out, &len, in_len > 0 ? in : (const CK_BYTE *)"", in_len) != 1 ||
        len != k) {
        /* with valid lengths only a raw value >= n gets here */
        rv = padding == RSA_NO_PADDING ? CKR_DATA_INVALID : CKR_FUNCTION_FAILED;
        goto out;
    }
    rv = CKR_OK;
out:
    EVP_PKEY_CTX_free(ctx);
    free(block);
    if (rv != CKR_OK)
        OPENSSL_cleanse(out, k);
    return rv;
}
