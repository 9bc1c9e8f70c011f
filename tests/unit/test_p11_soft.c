/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of module/pkcs11/soft.c: digests against known answers (FIPS
 * 180 "abc" examples), and RSA verify/encrypt against OpenSSL with keys of
 * 1024/2048 bits generated per run and 4096 bits from vectors/p11_rsa4096.pem.
 * The whole group runs twice: in a plain process, then after loading an
 * OpenSSL configuration that makes libp11's pkcs11 engine the default for
 * everything (what `openssl ... -engine pkcs11` does). One test makes the
 * thread's default library context useless, to show that the software
 * operations do not depend on the host's providers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pkcs11/rsa_pad.h"
#include "pkcs11/soft.h"
#include "vectors/vectors.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/provider.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <stdio.h>
#include <unistd.h>

/* The engine keeps a few method tables for the process's lifetime (libp11
 * frees them at no point); LeakSanitizer must not count them as ours. */
#if defined(__SANITIZE_ADDRESS__)
#define SOFT_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SOFT_LSAN 1
#endif
#endif
#ifdef SOFT_LSAN
#include <sanitizer/lsan_interface.h>
#endif

static const unsigned key_bits[] = {1024, 2048, 4096};
#define N_KEYS (sizeof(key_bits) / sizeof(key_bits[0]))
static EVP_PKEY *keys[N_KEYS]; /* private, OpenSSL's */
static EVP_PKEY *pubs[N_KEYS]; /* public, built by mdc_p11_soft_rsa_key */

static const CK_MECHANISM_TYPE hashes[] = {CKM_SHA_1, CKM_SHA224, CKM_SHA256, CKM_SHA384,
                                           CKM_SHA512};
#define N_HASHES (sizeof(hashes) / sizeof(hashes[0]))

static EVP_PKEY *load_pem(const char *name)
{
    size_t len;
    uint8_t *pem = vec_load(name, &len);
    BIO *bio;
    EVP_PKEY *key;

    if (pem == NULL)
        return NULL;
    bio = BIO_new_mem_buf(pem, (int)len);
    key = bio != NULL ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    free(pem);
    return key;
}

/* Big-endian n and e of key (heap). */
static void get_ne(EVP_PKEY *key, uint8_t **n, size_t *n_len, uint8_t **e, size_t *e_len)
{
    BIGNUM *bn = NULL, *be = NULL;

    assert_int_equal(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, &bn), 1);
    assert_int_equal(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &be), 1);
    *n_len = (size_t)BN_num_bytes(bn);
    *e_len = (size_t)BN_num_bytes(be);
    *n = malloc(*n_len);
    *e = malloc(*e_len);
    assert_non_null(*n);
    assert_non_null(*e);
    BN_bn2bin(bn, *n);
    BN_bn2bin(be, *e);
    BN_free(bn);
    BN_free(be);
}

static int setup_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_KEYS; i++) {
        uint8_t *n, *e;
        size_t n_len, e_len;

        keys[i] = key_bits[i] == 4096 ? load_pem("p11_rsa4096.pem") : EVP_RSA_gen(key_bits[i]);
        if (keys[i] == NULL)
            return -1;
        get_ne(keys[i], &n, &n_len, &e, &e_len);
        if (mdc_p11_soft_rsa_key(n, n_len, e, e_len, &pubs[i]) != CKR_OK)
            return -1;
        free(n);
        free(e);
    }
    return 0;
}

static int teardown_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_KEYS; i++) {
        EVP_PKEY_free(keys[i]);
        EVP_PKEY_free(pubs[i]);
        keys[i] = pubs[i] = NULL; /* the group runs twice */
    }
    return 0;
}

static size_t kbytes(const EVP_PKEY *key)
{
    return (size_t)EVP_PKEY_get_size(key);
}

static void hex(const char *s, uint8_t *out, size_t *len)
{
    size_t n = 0;
    for (; s[0] != '\0' && s[1] != '\0'; s += 2)
        out[n++] = (uint8_t)(vec_hexval(s[0]) << 4 | vec_hexval(s[1]));
    *len = n;
}

/* ---- digests ---- */

static const struct {
    CK_MECHANISM_TYPE hash;
    const char *abc;
} digest_kat[] = {
    {CKM_SHA_1, "a9993e364706816aba3e25717850c26c9cd0d89d"},
    {CKM_SHA224, "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7"},
    {CKM_SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
    {CKM_SHA384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded163"
                 "1a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"},
    {CKM_SHA512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
};

static void test_digest_kat(void **state)
{
    uint8_t want[64], out[64];
    size_t want_len, len;

    (void)state;
    for (size_t i = 0; i < sizeof(digest_kat) / sizeof(digest_kat[0]); i++) {
        hex(digest_kat[i].abc, want, &want_len);
        assert_int_equal(mdc_p11_hash_len(digest_kat[i].hash), want_len);
        assert_non_null(mdc_p11_md(digest_kat[i].hash));
        /* size query, too small, then the digest */
        assert_int_equal(
            mdc_p11_digest(digest_kat[i].hash, (const CK_BYTE *)"abc", 3, NULL, 0, &len), CKR_OK);
        assert_int_equal(len, want_len);
        assert_int_equal(
            mdc_p11_digest(digest_kat[i].hash, (const CK_BYTE *)"abc", 3, out, want_len - 1, &len),
            CKR_BUFFER_TOO_SMALL);
        assert_int_equal(len, want_len);
        assert_int_equal(
            mdc_p11_digest(digest_kat[i].hash, (const CK_BYTE *)"abc", 3, out, sizeof(out), &len),
            CKR_OK);
        assert_int_equal(len, want_len);
        assert_memory_equal(out, want, want_len);
    }
    assert_null(mdc_p11_md(CKM_MD5));
    assert_int_equal(mdc_p11_hash_len(CKM_SHA256_RSA_PKCS), 0);
    assert_int_equal(mdc_p11_digest(CKM_MD5, (const CK_BYTE *)"abc", 3, out, sizeof(out), &len),
                     CKR_MECHANISM_INVALID);
    /* SHA-256 of nothing */
    hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want, &want_len);
    assert_int_equal(mdc_p11_digest(CKM_SHA256, NULL, 0, out, sizeof(out), &len), CKR_OK);
    assert_memory_equal(out, want, 32);
}

static void test_digest_multipart(void **state)
{
    uint8_t want[64], out[64];
    size_t want_len, len;
    mdc_p11_digest_ctx *ctx;

    (void)state;
    for (size_t i = 0; i < sizeof(digest_kat) / sizeof(digest_kat[0]); i++) {
        hex(digest_kat[i].abc, want, &want_len);
        assert_int_equal(mdc_p11_digest_init(digest_kat[i].hash, &ctx), CKR_OK);
        assert_int_equal(mdc_p11_digest_size(ctx), want_len);
        assert_int_equal(mdc_p11_digest_update(ctx, (const CK_BYTE *)"a", 1), CKR_OK);
        assert_int_equal(mdc_p11_digest_update(ctx, NULL, 0), CKR_OK);
        assert_int_equal(mdc_p11_digest_update(ctx, (const CK_BYTE *)"bc", 2), CKR_OK);
        /* two-call protocol leaves the context usable */
        assert_int_equal(mdc_p11_digest_final(ctx, NULL, 0, &len), CKR_OK);
        assert_int_equal(len, want_len);
        assert_int_equal(mdc_p11_digest_final(ctx, out, want_len - 1, &len), CKR_BUFFER_TOO_SMALL);
        assert_int_equal(len, want_len);
        assert_int_equal(mdc_p11_digest_final(ctx, out, sizeof(out), &len), CKR_OK);
        assert_int_equal(len, want_len);
        assert_memory_equal(out, want, want_len);
        /* finished */
        assert_int_equal(mdc_p11_digest_final(ctx, out, sizeof(out), &len),
                         CKR_OPERATION_NOT_INITIALIZED);
        assert_int_equal(mdc_p11_digest_update(ctx, (const CK_BYTE *)"a", 1),
                         CKR_OPERATION_NOT_INITIALIZED);
        mdc_p11_digest_free(ctx);
    }
    assert_int_equal(mdc_p11_digest_init(CKM_MD5, &ctx), CKR_MECHANISM_INVALID);
    assert_null(ctx);
    assert_int_equal(mdc_p11_digest_init(CKM_SHA256_RSA_PKCS, &ctx), CKR_MECHANISM_INVALID);
    mdc_p11_digest_free(NULL);
}

/* ---- public key ---- */

static void test_rsa_key(void **state)
{
    uint8_t *n, *e, *padded;
    size_t n_len, e_len;
    EVP_PKEY *pub = NULL;
    uint8_t even[128], one = 1, zero = 0;

    (void)state;
    for (size_t i = 0; i < N_KEYS; i++) {
        assert_int_equal(mdc_p11_soft_rsa_bits(pubs[i]), key_bits[i]);
        assert_int_equal(mdc_p11_soft_rsa_bytes(pubs[i]), key_bits[i] / 8);
        assert_int_equal(EVP_PKEY_eq(pubs[i], keys[i]), 1);
    }
    /* leading zeros as a card or a DER INTEGER gives them */
    get_ne(keys[1], &n, &n_len, &e, &e_len);
    padded = calloc(1, n_len + 3);
    assert_non_null(padded);
    memcpy(padded + 3, n, n_len);
    assert_int_equal(mdc_p11_soft_rsa_key(padded, n_len + 3, e, e_len, &pub), CKR_OK);
    assert_int_equal(EVP_PKEY_eq(pub, keys[1]), 1);
    EVP_PKEY_free(pub);

    /* not keys */
    memset(even, 0xC3, sizeof(even));
    even[127] = 0x02;
    assert_int_equal(mdc_p11_soft_rsa_key(even, sizeof(even), e, e_len, &pub),
                     CKR_ATTRIBUTE_VALUE_INVALID);
    assert_null(pub);
    assert_int_equal(mdc_p11_soft_rsa_key(padded, 3, e, e_len, &pub), CKR_ATTRIBUTE_VALUE_INVALID);
    assert_int_equal(mdc_p11_soft_rsa_key(n, n_len, &zero, 1, &pub), CKR_ATTRIBUTE_VALUE_INVALID);
    assert_int_equal(mdc_p11_soft_rsa_key(n, n_len, &one, 1, &pub), CKR_ATTRIBUTE_VALUE_INVALID);
    assert_int_equal(mdc_p11_soft_rsa_key(n, n_len, e, 0, &pub), CKR_ATTRIBUTE_VALUE_INVALID);
    assert_int_equal(mdc_p11_soft_rsa_key(n, MDC_P11_RSA_MAX_BYTES + 1, e, e_len, &pub),
                     CKR_KEY_SIZE_RANGE);
    assert_int_equal(mdc_p11_soft_rsa_key(n, n_len, e, e_len, NULL), CKR_ARGUMENTS_BAD);
    free(padded);
    free(n);
    free(e);
}

/* ---- verify: OpenSSL signs, soft verifies ---- */

static void ossl_sign(EVP_PKEY *key, int padding, const EVP_MD *md, const EVP_MD *mgf, int salt,
                      const uint8_t *tbs, size_t tbs_len, uint8_t *sig)
{
    size_t k = kbytes(key), len = k;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);

    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_sign_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, padding), 1);
    if (md != NULL)
        assert_int_equal(EVP_PKEY_CTX_set_signature_md(ctx, md), 1);
    if (padding == RSA_PKCS1_PSS_PADDING) {
        assert_int_equal(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, mgf), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, salt), 1);
    }
    assert_int_equal(EVP_PKEY_sign(ctx, sig, &len, tbs, tbs_len), 1);
    assert_int_equal(len, k);
    EVP_PKEY_CTX_free(ctx);
}

/* sig verifies; a flipped signature bit, flipped data bit, short sig do not. */
static void check_verify(EVP_PKEY *pub, CK_MECHANISM_TYPE type, const mdc_p11_mech_params *p,
                         uint8_t *data, size_t data_len, uint8_t *sig)
{
    size_t k = mdc_p11_soft_rsa_bytes(pub);

    assert_int_equal(mdc_p11_soft_verify(pub, type, p, data, data_len, sig, k), CKR_OK);
    sig[k / 2] ^= 0x10;
    assert_int_equal(mdc_p11_soft_verify(pub, type, p, data, data_len, sig, k),
                     CKR_SIGNATURE_INVALID);
    sig[k / 2] ^= 0x10;
    if (data_len > 0) {
        data[data_len - 1] ^= 0x01;
        assert_int_equal(mdc_p11_soft_verify(pub, type, p, data, data_len, sig, k),
                         CKR_SIGNATURE_INVALID);
        data[data_len - 1] ^= 0x01;
    }
    assert_int_equal(mdc_p11_soft_verify(pub, type, p, data, data_len, sig, k - 1),
                     CKR_SIGNATURE_LEN_RANGE);
    assert_int_equal(mdc_p11_soft_verify(pub, type, p, data, data_len, sig, k + 1),
                     CKR_SIGNATURE_LEN_RANGE);
}

static const CK_MECHANISM_TYPE sha_pkcs[] = {CKM_SHA1_RSA_PKCS, CKM_SHA224_RSA_PKCS,
                                             CKM_SHA256_RSA_PKCS, CKM_SHA384_RSA_PKCS,
                                             CKM_SHA512_RSA_PKCS};
static const CK_MECHANISM_TYPE sha_pss[] = {CKM_SHA1_RSA_PKCS_PSS, CKM_SHA224_RSA_PKCS_PSS,
                                            CKM_SHA256_RSA_PKCS_PSS, CKM_SHA384_RSA_PKCS_PSS,
                                            CKM_SHA512_RSA_PKCS_PSS};

static void test_verify_pkcs1(void **state)
{
    uint8_t msg[100], d[64], di[MDC_P11_DIGESTINFO_MAX], sig[512];
    size_t dlen, dilen;

    (void)state;
    assert_int_equal(RAND_bytes(msg, sizeof(msg)), 1);
    for (size_t ki = 0; ki < N_KEYS; ki++) {
        for (size_t hi = 0; hi < N_HASHES; hi++) {
            mdc_p11_mech_params p = {.hash = hashes[hi]};
            mdc_p11_mech_params none = {0};
            const EVP_MD *md = mdc_p11_md(hashes[hi]);

            assert_int_equal(mdc_p11_digest(hashes[hi], msg, sizeof(msg), d, sizeof(d), &dlen),
                             CKR_OK);
            ossl_sign(keys[ki], RSA_PKCS1_PADDING, md, NULL, 0, d, dlen, sig);
            /* CKM_SHAxxx_RSA_PKCS over the message, one-part and after multi-part hashing */
            check_verify(pubs[ki], sha_pkcs[hi], &p, msg, sizeof(msg), sig);
            assert_int_equal(mdc_p11_soft_verify_digest(pubs[ki], sha_pkcs[hi], &p, d, dlen, sig,
                                                        kbytes(keys[ki])),
                             CKR_OK);
            assert_int_equal(mdc_p11_soft_verify_digest(pubs[ki], sha_pkcs[hi], &p, d, dlen - 1,
                                                        sig, kbytes(keys[ki])),
                             CKR_DATA_LEN_RANGE);
            /* CKM_RSA_PKCS over the DigestInfo */
            assert_int_equal(mdc_p11_digestinfo(hashes[hi], d, dlen, di, sizeof(di), &dilen),
                             CKR_OK);
            check_verify(pubs[ki], CKM_RSA_PKCS, &none, di, dilen, sig);
            /* another hash's mechanism does not match */
            assert_int_equal(mdc_p11_soft_verify(pubs[ki], sha_pkcs[(hi + 1) % N_HASHES], &p, msg,
                                                 sizeof(msg), sig, kbytes(keys[ki])),
                             CKR_SIGNATURE_INVALID);
        }
    }
}

static void test_verify_pkcs1_raw_input(void **state)
{
    uint8_t tls[36], sig[512], big[512];
    mdc_p11_mech_params none = {0};

    (void)state;
    memset(big, 1, sizeof(big));
    assert_int_equal(RAND_bytes(tls, sizeof(tls)), 1);
    for (size_t ki = 0; ki < N_KEYS; ki++) {
        size_t k = kbytes(keys[ki]);
        /* no md: OpenSSL pads the raw input (TLS 1.0 MD5||SHA-1 style) */
        ossl_sign(keys[ki], RSA_PKCS1_PADDING, NULL, NULL, 0, tls, sizeof(tls), sig);
        check_verify(pubs[ki], CKM_RSA_PKCS, &none, tls, sizeof(tls), sig);
        assert_int_equal(mdc_p11_soft_verify(pubs[ki], CKM_RSA_PKCS, &none, big, k - 10, sig, k),
                         CKR_DATA_LEN_RANGE);
    }
}

static void test_verify_pss(void **state)
{
    uint8_t msg[77], d[64], sig[512];
    size_t dlen;

    (void)state;
    assert_int_equal(RAND_bytes(msg, sizeof(msg)), 1);
    for (size_t ki = 0; ki < N_KEYS; ki++) {
        size_t k = kbytes(keys[ki]);
        for (size_t hi = 0; hi < N_HASHES; hi++) {
            CK_MECHANISM_TYPE h = hashes[hi], mgf = hashes[(hi + ki + 1) % N_HASHES];
            size_t hl = mdc_p11_hash_len(h);
            size_t salts[] = {0, hl, k - hl - 2};
            for (size_t si = 0; si < 3; si++) {
                mdc_p11_mech_params p = {.hash = h, .mgf_hash = mgf, .salt_len = salts[si]};
                if (k < hl + salts[si] + 2)
                    continue;
                assert_int_equal(mdc_p11_digest(h, msg, sizeof(msg), d, sizeof(d), &dlen), CKR_OK);
                ossl_sign(keys[ki], RSA_PKCS1_PSS_PADDING, mdc_p11_md(h), mdc_p11_md(mgf),
                          (int)salts[si], d, dlen, sig);
                check_verify(pubs[ki], sha_pss[hi], &p, msg, sizeof(msg), sig);
                check_verify(pubs[ki], CKM_RSA_PKCS_PSS, &p, d, dlen, sig);
                assert_int_equal(
                    mdc_p11_soft_verify_digest(pubs[ki], sha_pss[hi], &p, d, dlen, sig, k), CKR_OK);
                /* other salt length, other MGF1 hash: rejected */
                p.salt_len = salts[si] + 1;
                assert_int_equal(
                    mdc_p11_soft_verify(pubs[ki], CKM_RSA_PKCS_PSS, &p, d, dlen, sig, k),
                    CKR_SIGNATURE_INVALID);
                p.salt_len = salts[si];
                p.mgf_hash = mgf == CKM_SHA256 ? CKM_SHA_1 : CKM_SHA256;
                assert_int_equal(
                    mdc_p11_soft_verify(pubs[ki], CKM_RSA_PKCS_PSS, &p, d, dlen, sig, k),
                    CKR_SIGNATURE_INVALID);
                /* CKM_RSA_PKCS_PSS takes the hash, nothing else */
                p.mgf_hash = mgf;
                assert_int_equal(
                    mdc_p11_soft_verify(pubs[ki], CKM_RSA_PKCS_PSS, &p, msg, sizeof(msg), sig, k),
                    CKR_DATA_LEN_RANGE);
            }
        }
    }
}

/* The module's own PSS encoder, a raw private operation, and soft verify. */
static void test_verify_own_pss(void **state)
{
    EVP_PKEY *key = keys[1];
    uint8_t d[32] = {9}, em[256], sig[256];
    size_t len = 256;
    mdc_p11_mech_params p = {.hash = CKM_SHA256, .mgf_hash = CKM_SHA256, .salt_len = 32};
    EVP_PKEY_CTX *ctx;

    (void)state;
    assert_int_equal(mdc_p11_pss_encode(d, 32, CKM_SHA256, CKM_SHA256, 32, 2048, em, 256), CKR_OK);
    ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_decrypt_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING), 1);
    assert_int_equal(EVP_PKEY_decrypt(ctx, sig, &len, em, 256), 1);
    EVP_PKEY_CTX_free(ctx);
    assert_int_equal(mdc_p11_soft_verify(pubs[1], CKM_RSA_PKCS_PSS, &p, d, 32, sig, 256), CKR_OK);
    d[31] ^= 1;
    assert_int_equal(mdc_p11_soft_verify(pubs[1], CKM_RSA_PKCS_PSS, &p, d, 32, sig, 256),
                     CKR_SIGNATURE_INVALID);
}

static void test_verify_x509(void **state)
{
    mdc_p11_mech_params none = {0};

    (void)state;
    for (size_t ki = 0; ki < N_KEYS; ki++) {
        size_t k = kbytes(keys[ki]), len = k;
        uint8_t *val = calloc(1, k), *sig = malloc(k), *ones = malloc(k);
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, keys[ki], NULL);

        assert_non_null(val);
        assert_non_null(sig);
        assert_non_null(ones);
        /* a value with two leading zero bytes, signed raw */
        assert_int_equal(RAND_bytes(val + 2, (int)k - 2), 1);
        val[2] |= 1;
        assert_non_null(ctx);
        assert_int_equal(EVP_PKEY_sign_init(ctx), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING), 1);
        assert_int_equal(EVP_PKEY_sign(ctx, sig, &len, val, k), 1);
        EVP_PKEY_CTX_free(ctx);
        /* the full block, or the number without its leading zeros */
        check_verify(pubs[ki], CKM_RSA_X_509, &none, val, k, sig);
        check_verify(pubs[ki], CKM_RSA_X_509, &none, val + 2, k - 2, sig);
        assert_int_equal(
            mdc_p11_soft_verify(pubs[ki], CKM_RSA_X_509, &none, val + 3, k - 3, sig, k),
            CKR_SIGNATURE_INVALID);
        assert_int_equal(mdc_p11_soft_verify(pubs[ki], CKM_RSA_X_509, &none, sig, k + 1, sig, k),
                         CKR_DATA_LEN_RANGE);
        /* a "signature" above the modulus */
        memset(ones, 0xFF, k);
        assert_int_equal(mdc_p11_soft_verify(pubs[ki], CKM_RSA_X_509, &none, val, k, ones, k),
                         CKR_SIGNATURE_INVALID);
        free(val);
        free(sig);
        free(ones);
    }
}

static void test_verify_bad_mechanism(void **state)
{
    uint8_t sig[256] = {0};
    mdc_p11_mech_params oaep = {.hash = CKM_SHA_1, .mgf_hash = CKM_SHA_1};

    (void)state;
    assert_int_equal(mdc_p11_soft_verify(pubs[1], CKM_RSA_PKCS_OAEP, &oaep, sig, 20, sig, 256),
                     CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_soft_verify(pubs[1], CKM_SHA256, &oaep, sig, 20, sig, 256),
                     CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_soft_verify(pubs[1], CKM_MD5_RSA_PKCS, &oaep, sig, 20, sig, 256),
                     CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_soft_verify(NULL, CKM_RSA_PKCS, &oaep, sig, 20, sig, 256),
                     CKR_ARGUMENTS_BAD);
}

/* ---- encrypt: soft encrypts, OpenSSL decrypts ---- */

static void ossl_decrypt(EVP_PKEY *key, int padding, const mdc_p11_mech_params *p,
                         const uint8_t *ct, uint8_t *out, size_t *out_len)
{
    size_t k = kbytes(key);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);

    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_decrypt_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, padding), 1);
    if (padding == RSA_PKCS1_OAEP_PADDING) {
        assert_int_equal(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, mdc_p11_md(p->hash)), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, mdc_p11_md(p->mgf_hash)), 1);
        if (p->label_len > 0) {
            uint8_t *l = OPENSSL_memdup(p->label, p->label_len);
            assert_non_null(l);
            assert_int_equal(EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, l, (int)p->label_len), 1);
        }
    }
    *out_len = k;
    assert_int_equal(EVP_PKEY_decrypt(ctx, out, out_len, ct, k), 1);
    EVP_PKEY_CTX_free(ctx);
}

static void test_encrypt_pkcs1(void **state)
{
    uint8_t msg[512], ct[512], pt[512];
    mdc_p11_mech_params none = {0};

    (void)state;
    assert_int_equal(RAND_bytes(msg, sizeof(msg)), 1);
    for (size_t ki = 0; ki < N_KEYS; ki++) {
        size_t k = kbytes(keys[ki]), lens[] = {0, 1, 48, k - 11};
        for (size_t li = 0; li < 4; li++) {
            size_t ct_len = 0, pt_len;
            assert_int_equal(mdc_p11_soft_encrypt(pubs[ki], CKM_RSA_PKCS, &none, msg, lens[li],
                                                  NULL, 0, &ct_len),
                             CKR_OK);
            assert_int_equal(ct_len, k);
            assert_int_equal(mdc_p11_soft_encrypt(pubs[ki], CKM_RSA_PKCS, &none, msg, lens[li], ct,
                                                  k - 1, &ct_len),
                             CKR_BUFFER_TOO_SMALL);
            assert_int_equal(ct_len, k);
            assert_int_equal(mdc_p11_soft_encrypt(pubs[ki], CKM_RSA_PKCS, &none, msg, lens[li], ct,
                                                  sizeof(ct), &ct_len),
                             CKR_OK);
            assert_int_equal(ct_len, k);
            ossl_decrypt(keys[ki], RSA_PKCS1_PADDING, &none, ct, pt, &pt_len);
            assert_int_equal(pt_len, lens[li]);
            assert_memory_equal(pt, msg, lens[li]);
        }
        {
            size_t ct_len;
            assert_int_equal(mdc_p11_soft_encrypt(pubs[ki], CKM_RSA_PKCS, &none, msg, k - 10, ct,
                                                  sizeof(ct), &ct_len),
                             CKR_DATA_LEN_RANGE);
        }
    }
}

static void test_encrypt_oaep(void **state)
{
    uint8_t msg[512], ct[512], pt[512];
    static const CK_BYTE label[] = "label!";

    (void)state;
    assert_int_equal(RAND_bytes(msg, sizeof(msg)), 1);
    for (size_t ki = 0; ki < N_KEYS; ki++) {
        size_t k = kbytes(keys[ki]);
        for (size_t hi = 0; hi < N_HASHES; hi++) {
            size_t hl = mdc_p11_hash_len(hashes[hi]), ct_len, pt_len;
            mdc_p11_mech_params p = {.hash = hashes[hi], .mgf_hash = hashes[(hi + 3) % N_HASHES]};
            if (k < 2 * hl + 2) {
                assert_int_equal(mdc_p11_soft_encrypt(pubs[ki], CKM_RSA_PKCS_OAEP, &p, msg, 0, ct,
                                                      sizeof(ct), &ct_len),
                                 CKR_KEY_SIZE_RANGE);
                continue;
            }
            if (hi % 2 == 0) {
                p.label = label;
                p.label_len = sizeof(label) - 1;
            }
            assert_int_equal(mdc_p11_soft_encrypt(pubs[ki], CKM_RSA_PKCS_OAEP, &p, msg,
                                                  k - 2 * hl - 2, ct, sizeof(ct), &ct_len),
                             CKR_OK);
            ossl_decrypt(keys[ki], RSA_PKCS1_OAEP_PADDING, &p, ct, pt, &pt_len);
            assert_int_equal(pt_len, k - 2 * hl - 2);
            assert_memory_equal(pt, msg, pt_len);
            assert_int_equal(mdc_p11_soft_encrypt(pubs[ki], CKM_RSA_PKCS_OAEP, &p, msg,
                                                  k - 2 * hl - 1, ct, sizeof(ct), &ct_len),
                             CKR_DATA_LEN_RANGE);
        }
    }
}

static void test_encrypt_x509(void **state)
{
    mdc_p11_mech_params none = {0};

    (void)state;
    for (size_t ki = 0; ki < N_KEYS; ki++) {
        size_t k = kbytes(keys[ki]), ct_len, pt_len;
        uint8_t *msg = malloc(k + 1), *ct = malloc(k), *pt = malloc(k);
        assert_non_null(msg);
        assert_non_null(ct);
        assert_non_null(pt);
        assert_int_equal(RAND_bytes(msg, (int)k), 1);
        /* a short number: left-padded */
        assert_int_equal(
            mdc_p11_soft_encrypt(pubs[ki], CKM_RSA_X_509, &none, msg, 20, ct, k, &ct_len), CKR_OK);
        ossl_decrypt(keys[ki], RSA_NO_PADDING, &none, ct, pt, &pt_len);
        assert_int_equal(pt_len, k);
        for (size_t i = 0; i < k - 20; i++)
            assert_int_equal(pt[i], 0);
        assert_memory_equal(pt + k - 20, msg, 20);
        /* k bytes at or above the modulus */
        memset(msg, 0xFF, k + 1);
        assert_int_equal(
            mdc_p11_soft_encrypt(pubs[ki], CKM_RSA_X_509, &none, msg, k, ct, k, &ct_len),
            CKR_DATA_INVALID);
        assert_int_equal(
            mdc_p11_soft_encrypt(pubs[ki], CKM_RSA_X_509, &none, msg, k + 1, ct, k, &ct_len),
            CKR_DATA_LEN_RANGE);
        /* not an encryption mechanism */
        assert_int_equal(
            mdc_p11_soft_encrypt(pubs[ki], CKM_SHA256_RSA_PKCS, &none, msg, 1, ct, k, &ct_len),
            CKR_MECHANISM_INVALID);
        free(msg);
        free(ct);
        free(pt);
    }
}

/* ---- independence from the host's OpenSSL set-up ---- */

/* Can OpenSSL's default library context build an RSA key from n and e the
 * plain way (EVP_PKEY_fromdata)? Not once an engine is the default for RSA. */
static bool host_fromdata_works(void)
{
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params;
    EVP_PKEY_CTX *ctx;
    EVP_PKEY *key = NULL;
    BIGNUM *n = NULL, *e = NULL;
    bool ok;

    assert_non_null(bld);
    assert_int_equal(EVP_PKEY_get_bn_param(keys[1], OSSL_PKEY_PARAM_RSA_N, &n), 1);
    assert_int_equal(EVP_PKEY_get_bn_param(keys[1], OSSL_PKEY_PARAM_RSA_E, &e), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n), 1);
    assert_int_equal(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e), 1);
    params = OSSL_PARAM_BLD_to_param(bld);
    assert_non_null(params);
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    ok = ctx != NULL && EVP_PKEY_fromdata_init(ctx) == 1 &&
         EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
    EVP_PKEY_free(key);
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    BN_free(n);
    BN_free(e);
    return ok;
}

static bool engine_loaded; /* second round: libp11's engine is the default */

static void test_host_setup(void **state)
{
    (void)state;
    /* the precondition of the round: the problem is (or is not) there */
    assert_int_equal(host_fromdata_works(), !engine_loaded);
}

/* With the thread's default library context holding only the null provider,
 * the host's OpenSSL can do nothing; mdcard's software operations still work.
 * Not in the engine round: an engine set as default for RSA takes every RSA
 * operation down OpenSSL 3.0's legacy path, which uses the default context. */
static void test_private_libctx(void **state)
{
    uint8_t msg[64], d[32], sig[256], ct[256], pt[256], *n, *e;
    size_t n_len, e_len, dlen, ct_len = 0, pt_len;
    mdc_p11_mech_params pkcs = {.hash = CKM_SHA256};
    mdc_p11_mech_params oaep = {.hash = CKM_SHA256, .mgf_hash = CKM_SHA256};
    OSSL_LIB_CTX *empty = OSSL_LIB_CTX_new(), *prev;
    OSSL_PROVIDER *null = empty != NULL ? OSSL_PROVIDER_load(empty, "null") : NULL;
    CK_RV rv_key, rv_good = CKR_GENERAL_ERROR, rv_bad = CKR_GENERAL_ERROR;
    CK_RV rv_enc = CKR_GENERAL_ERROR;
    EVP_MD *probe;
    EVP_PKEY *pub = NULL;

    (void)state;
    assert_non_null(null);
    assert_int_equal(RAND_bytes(msg, sizeof(msg)), 1);
    assert_int_equal(mdc_p11_digest(CKM_SHA256, msg, sizeof(msg), d, sizeof(d), &dlen), CKR_OK);
    ossl_sign(keys[1], RSA_PKCS1_PADDING, EVP_sha256(), NULL, 0, d, dlen, sig);
    get_ne(keys[1], &n, &n_len, &e, &e_len);

    /* no assertions while the host's context is swapped out: results are
     * checked after it is back, so a failure does not break later tests */
    prev = OSSL_LIB_CTX_set0_default(empty);
    probe = EVP_MD_fetch(NULL, "SHA256", NULL);
    rv_key = mdc_p11_soft_rsa_key(n, n_len, e, e_len, &pub);
    if (rv_key == CKR_OK) {
        rv_good = mdc_p11_soft_verify(pub, CKM_SHA256_RSA_PKCS, &pkcs, msg, sizeof(msg), sig,
                                      sizeof(sig));
        sig[3] ^= 1;
        rv_bad = mdc_p11_soft_verify(pub, CKM_SHA256_RSA_PKCS, &pkcs, msg, sizeof(msg), sig,
                                     sizeof(sig));
        rv_enc =
            mdc_p11_soft_encrypt(pub, CKM_RSA_PKCS_OAEP, &oaep, msg, 20, ct, sizeof(ct), &ct_len);
    }
    assert_non_null(OSSL_LIB_CTX_set0_default(prev));

    assert_non_null(prev);
    assert_null(probe); /* the host's context was useless */
    assert_int_equal(rv_key, CKR_OK);
    assert_int_equal(rv_good, CKR_OK);
    assert_int_equal(rv_bad, CKR_SIGNATURE_INVALID);
    assert_int_equal(rv_enc, CKR_OK);
    assert_int_equal(ct_len, sizeof(ct));
    ossl_decrypt(keys[1], RSA_PKCS1_OAEP_PADDING, &oaep, ct, pt, &pt_len);
    assert_int_equal(pt_len, 20);
    assert_memory_equal(pt, msg, 20);
    EVP_PKEY_free(pub);
    free(n);
    free(e);
    OSSL_PROVIDER_unload(null);
    OSSL_LIB_CTX_free(empty);
}

/* Loads an OpenSSL configuration with libp11's engine (found by id in
 * OpenSSL's engines directory; no PKCS#11 module is loaded until a key is
 * asked for) as the default for every algorithm. */
static bool load_engine(void)
{
    static const char conf[] = "openssl_conf = openssl_init\n"
                               "[openssl_init]\n"
                               "engines = engine_section\n"
                               "[engine_section]\n"
                               "pkcs11 = pkcs11_section\n"
                               "[pkcs11_section]\n"
                               "engine_id = pkcs11\n"
                               "default_algorithms = ALL\n"
                               "init = 1\n";
    char path[] = "/tmp/mdcard-soft-engine-XXXXXX";
    int fd = mkstemp(path);
    bool ok;

    if (fd < 0)
        return false;
    ok = write(fd, conf, sizeof(conf) - 1) == (ssize_t)(sizeof(conf) - 1);
    close(fd);
#ifdef SOFT_LSAN
    __lsan_disable();
#endif
    ok = ok && OSSL_LIB_CTX_load_config(NULL, path) == 1;
    /* the engine makes its RSA and EC methods on first use: do it here */
    for (size_t i = 0; ok && i < 2; i++)
        EVP_PKEY_CTX_free(EVP_PKEY_CTX_new_from_name(NULL, i == 0 ? "RSA" : "EC", NULL));
#ifdef SOFT_LSAN
    __lsan_enable();
#endif
    unlink(path);
    return ok;
}

#define SOFT_TESTS                                                                                 \
    cmocka_unit_test(test_digest_kat), cmocka_unit_test(test_digest_multipart),                    \
        cmocka_unit_test(test_rsa_key), cmocka_unit_test(test_verify_pkcs1),                       \
        cmocka_unit_test(test_verify_pkcs1_raw_input), cmocka_unit_test(test_verify_pss),          \
        cmocka_unit_test(test_verify_own_pss), cmocka_unit_test(test_verify_x509),                 \
        cmocka_unit_test(test_verify_bad_mechanism), cmocka_unit_test(test_encrypt_pkcs1),         \
        cmocka_unit_test(test_encrypt_oaep), cmocka_unit_test(test_encrypt_x509)

int main(void)
{
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(test_host_setup),
        cmocka_unit_test(test_private_libctx),
        SOFT_TESTS,
    };
    const struct CMUnitTest engine[] = {
        cmocka_unit_test(test_host_setup),
        SOFT_TESTS,
    };
    int failed = cmocka_run_group_tests_name("plain", plain, setup_keys, teardown_keys);

    if (!load_engine()) {
        fprintf(stderr, "cannot load libp11's pkcs11 engine (libengine-pkcs11-openssl)\n");
        return 1;
    }
    engine_loaded = true;
    return failed + cmocka_run_group_tests_name("libp11-engine", engine, setup_keys, teardown_keys);
}
