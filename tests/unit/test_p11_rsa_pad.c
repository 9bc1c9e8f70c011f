/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of module/pkcs11/rsa_pad.c, cross-checked against OpenSSL:
 * blocks encoded here and put through a raw private operation must verify
 * with OpenSSL's own padding; blocks OpenSSL encrypted and a raw private
 * operation opened must decode here. Keys: 1024/1025/2047/2048/3072 bits
 * generated per run, 4096 from vectors/p11_rsa4096.pem.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pkcs11/rsa_pad.h"
#include "pkcs11/soft.h"
#include "vectors/vectors.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

/* ---- keys and OpenSSL helpers ---- */

static const unsigned key_bits[] = {1024, 1025, 2047, 2048, 3072, 4096};
#define N_KEYS (sizeof(key_bits) / sizeof(key_bits[0]))
#define K2048 3 /* index of the 2048-bit key */
static EVP_PKEY *keys[N_KEYS];

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

static int setup_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_KEYS; i++) {
        keys[i] = key_bits[i] == 4096 ? load_pem("p11_rsa4096.pem") : EVP_RSA_gen(key_bits[i]);
        if (keys[i] == NULL || EVP_PKEY_get_bits(keys[i]) != (int)key_bits[i])
            return -1;
    }
    return 0;
}

static int teardown_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_KEYS; i++)
        EVP_PKEY_free(keys[i]);
    return 0;
}

static size_t kbytes(const EVP_PKEY *key)
{
    return (size_t)EVP_PKEY_get_size(key);
}

/* m^d mod n, as the card computes it for MSE algorithm 0x/1x. */
static void raw_private(EVP_PKEY *key, const uint8_t *in, uint8_t *out)
{
    size_t k = kbytes(key), len = k;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);

    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_decrypt_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING), 1);
    assert_int_equal(EVP_PKEY_decrypt(ctx, out, &len, in, k), 1);
    assert_int_equal(len, k);
    EVP_PKEY_CTX_free(ctx);
}

static int ossl_verify(EVP_PKEY *key, int padding, const EVP_MD *md, const EVP_MD *mgf, int salt,
                       const uint8_t *tbs, size_t tbs_len, const uint8_t *sig)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
    int rc;

    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_verify_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, padding), 1);
    if (md != NULL)
        assert_int_equal(EVP_PKEY_CTX_set_signature_md(ctx, md), 1);
    if (padding == RSA_PKCS1_PSS_PADDING) {
        assert_int_equal(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, mgf), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx, salt), 1);
    }
    rc = EVP_PKEY_verify(ctx, sig, kbytes(key), tbs, tbs_len);
    EVP_PKEY_CTX_free(ctx);
    return rc;
}

/* OpenSSL encrypts; returns the raw block a private operation recovers. */
static void ossl_encrypt_block(EVP_PKEY *key, int padding, const EVP_MD *md, const EVP_MD *mgf,
                               const uint8_t *label, size_t label_len, const uint8_t *msg,
                               size_t msg_len, uint8_t *block)
{
    size_t k = kbytes(key), len = k;
    uint8_t *ct = malloc(k);
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);

    assert_non_null(ct);
    assert_non_null(ctx);
    assert_int_equal(EVP_PKEY_encrypt_init(ctx), 1);
    assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, padding), 1);
    if (padding == RSA_PKCS1_OAEP_PADDING) {
        assert_int_equal(EVP_PKEY_CTX_set_rsa_oaep_md(ctx, md), 1);
        assert_int_equal(EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, mgf), 1);
        if (label_len > 0) {
            uint8_t *l = OPENSSL_memdup(label, label_len);
            assert_non_null(l);
            assert_int_equal(EVP_PKEY_CTX_set0_rsa_oaep_label(ctx, l, (int)label_len), 1);
        }
    }
    assert_int_equal(EVP_PKEY_encrypt(ctx, ct, &len, msg_len ? msg : (const uint8_t *)"", msg_len),
                     1);
    assert_int_equal(len, k);
    EVP_PKEY_CTX_free(ctx);
    raw_private(key, ct, block);
    free(ct);
}

static const CK_MECHANISM_TYPE hashes[] = {CKM_SHA_1, CKM_SHA224, CKM_SHA256, CKM_SHA384,
                                           CKM_SHA512};
#define N_HASHES (sizeof(hashes) / sizeof(hashes[0]))

/* ---- DigestInfo ---- */

static void hex(const char *s, uint8_t *out, size_t *len)
{
    size_t n = 0;
    for (; s[0] != '\0' && s[1] != '\0'; s += 2)
        out[n++] = (uint8_t)(vec_hexval(s[0]) << 4 | vec_hexval(s[1]));
    *len = n;
}

/* RFC 8017 section 9.2, note 1 (typed from the RFC, not from the code). */
static void test_digestinfo_prefix_kat(void **state)
{
    static const struct {
        CK_MECHANISM_TYPE hash;
        const char *hex;
    } kat[] = {
        {CKM_SHA_1, "3021300906052b0e03021a05000414"},
        {CKM_SHA224, "302d300d06096086480165030402040500041c"},
        {CKM_SHA256, "3031300d060960864801650304020105000420"},
        {CKM_SHA384, "3041300d060960864801650304020205000430"},
        {CKM_SHA512, "3051300d060960864801650304020305000440"},
    };
    uint8_t want[32];
    size_t want_len, len;
    const CK_BYTE *p;

    (void)state;
    for (size_t i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
        hex(kat[i].hex, want, &want_len);
        p = mdc_p11_digestinfo_prefix(kat[i].hash, &len);
        assert_non_null(p);
        assert_int_equal(len, want_len);
        assert_memory_equal(p, want, len);
    }
    assert_null(mdc_p11_digestinfo_prefix(CKM_MD5, &len));
    assert_int_equal(len, 0);
}

static void test_digestinfo_sha256_abc(void **state)
{
    uint8_t digest[32], want[64], out[MDC_P11_DIGESTINFO_MAX];
    size_t dlen, want_len, len;

    (void)state;
    hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", digest, &dlen);
    hex("3031300d060960864801650304020105000420"
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        want, &want_len);
    assert_int_equal(mdc_p11_digestinfo(CKM_SHA256, digest, dlen, out, sizeof(out), &len), CKR_OK);
    assert_int_equal(len, 51);
    assert_memory_equal(out, want, 51);
    assert_int_equal(mdc_p11_digestinfo_hash(out, len), CKM_SHA256);

    assert_int_equal(mdc_p11_digestinfo(CKM_SHA256, digest, 31, out, sizeof(out), &len),
                     CKR_DATA_LEN_RANGE);
    assert_int_equal(mdc_p11_digestinfo(CKM_SHA256, digest, 32, out, 50, &len),
                     CKR_BUFFER_TOO_SMALL);
    assert_int_equal(mdc_p11_digestinfo(CKM_MD5, digest, 16, out, sizeof(out), &len),
                     CKR_MECHANISM_PARAM_INVALID);
}

static void test_digestinfo_hash_detect(void **state)
{
    uint8_t d[MDC_P11_HASH_MAX], di[MDC_P11_DIGESTINFO_MAX];
    size_t len;

    (void)state;
    memset(d, 0x5a, sizeof(d));
    for (size_t i = 0; i < N_HASHES; i++) {
        size_t hl = mdc_p11_hash_len(hashes[i]);
        assert_int_equal(mdc_p11_digestinfo(hashes[i], d, hl, di, sizeof(di), &len), CKR_OK);
        assert_int_equal(mdc_p11_digestinfo_hash(di, len), hashes[i]);
        assert_int_equal(mdc_p11_digestinfo_hash(di, len - 1), 0);
        di[5] ^= 1; /* inside the OID */
        assert_int_equal(mdc_p11_digestinfo_hash(di, len), 0);
    }
    /* TLS 1.0/1.1 MD5||SHA-1 is raw input */
    assert_int_equal(mdc_p11_digestinfo_hash(d, 36), 0);
    assert_int_equal(mdc_p11_digestinfo_hash(NULL, 0), 0);
}

/* DigestInfo + type 1 + raw private operation == OpenSSL's PKCS#1 v1.5 signature. */
static void test_pkcs1_sign_matches_openssl(void **state)
{
    (void)state;
    for (size_t ki = 0; ki < N_KEYS; ki++) {
        EVP_PKEY *key = keys[ki];
        size_t k = kbytes(key);
        uint8_t *em = malloc(k), *sig = malloc(k), *ref = malloc(k);
        assert_non_null(em);
        assert_non_null(sig);
        assert_non_null(ref);
        for (size_t i = 0; i < N_HASHES; i++) {
            uint8_t d[MDC_P11_HASH_MAX], di[MDC_P11_DIGESTINFO_MAX];
            size_t dlen, dilen, reflen = k;
            EVP_PKEY_CTX *ctx;

            assert_int_equal(
                mdc_p11_digest(hashes[i], (const CK_BYTE *)"message", 7, d, sizeof(d), &dlen),
                CKR_OK);
            assert_int_equal(mdc_p11_digestinfo(hashes[i], d, dlen, di, sizeof(di), &dilen),
                             CKR_OK);
            assert_int_equal(mdc_p11_pkcs1_type1_encode(di, dilen, em, k), CKR_OK);
            raw_private(key, em, sig);

            ctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
            assert_non_null(ctx);
            assert_int_equal(EVP_PKEY_sign_init(ctx), 1);
            assert_int_equal(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING), 1);
            assert_int_equal(EVP_PKEY_CTX_set_signature_md(ctx, mdc_p11_md(hashes[i])), 1);
            assert_int_equal(EVP_PKEY_sign(ctx, ref, &reflen, d, dlen), 1);
            EVP_PKEY_CTX_free(ctx);
            assert_int_equal(reflen, k);
            assert_memory_equal(sig, ref, k); /* PKCS#1 v1.5 is deterministic */
        }
        free(em);
        free(sig);
        free(ref);
    }
}

static void test_type1_encode(void **state)
{
    uint8_t em[128], in[128];

    (void)state;
    memset(in, 0xa5, sizeof(in));
    assert_int_equal(mdc_p11_pkcs1_type1_encode(in, 117, em, 128), CKR_OK);
    assert_int_equal(em[0], 0x00);
    assert_int_equal(em[1], 0x01);
    for (size_t i = 2; i < 10; i++)
        assert_int_equal(em[i], 0xFF);
    assert_int_equal(em[10], 0x00);
    assert_memory_equal(em + 11, in, 117);
    assert_int_equal(mdc_p11_pkcs1_type1_encode(in, 118, em, 128), CKR_DATA_LEN_RANGE);
    assert_int_equal(mdc_p11_pkcs1_type1_encode(in, 0, em, 128), CKR_OK);
    assert_int_equal(em[126], 0xFF);
    assert_int_equal(em[127], 0x00);
    assert_int_equal(mdc_p11_pkcs1_type1_encode(in, 0, em, 10), CKR_DATA_LEN_RANGE);
}

/* ---- EMSA-PSS ---- */

static void pss_roundtrip(EVP_PKEY *key, CK_MECHANISM_TYPE hash, CK_MECHANISM_TYPE mgf, size_t salt)
{
    size_t k = kbytes(key), bits = (size_t)EVP_PKEY_get_bits(key), hl = mdc_p11_hash_len(hash);
    uint8_t mhash[MDC_P11_HASH_MAX], *em = malloc(k), *sig = malloc(k);

    assert_non_null(em);
    assert_non_null(sig);
    assert_int_equal(RAND_bytes(mhash, (int)hl), 1);
    assert_int_equal(mdc_p11_pss_encode(mhash, hl, hash, mgf, salt, bits, em, k), CKR_OK);
    raw_private(key, em, sig);
    assert_int_equal(ossl_verify(key, RSA_PKCS1_PSS_PADDING, mdc_p11_md(hash), mdc_p11_md(mgf),
                                 (int)salt, mhash, hl, sig),
                     1);
    /* and OpenSSL is not just saying yes */
    mhash[0] ^= 1;
    assert_int_not_equal(ossl_verify(key, RSA_PKCS1_PSS_PADDING, mdc_p11_md(hash), mdc_p11_md(mgf),
                                     (int)salt, mhash, hl, sig),
                         1);
    free(em);
    free(sig);
}

static void test_pss_encode_openssl_verifies(void **state)
{
    (void)state;
    for (size_t ki = 0; ki < N_KEYS; ki++) {
        for (size_t hi = 0; hi < N_HASHES; hi++) {
            CK_MECHANISM_TYPE h = hashes[hi];
            size_t bits = key_bits[ki], hl = mdc_p11_hash_len(h);
            size_t em_len = (bits - 1 + 7) / 8;
            CK_MECHANISM_TYPE mgf = hashes[(hi + ki) % N_HASHES];

            if (em_len < 2 * hl + 2)
                continue; /* SHA-512 with sLen = hLen does not fit 1024 bits */
            pss_roundtrip(keys[ki], h, h, hl);
            pss_roundtrip(keys[ki], h, mgf, 0);
            pss_roundtrip(keys[ki], h, mgf, em_len - hl - 2); /* largest salt */
        }
    }
}

static void test_pss_salt_is_random(void **state)
{
    uint8_t mhash[32] = {1}, a[256], b[256];

    (void)state;
    assert_int_equal(mdc_p11_pss_encode(mhash, 32, CKM_SHA256, CKM_SHA256, 32, 2048, a, 256),
                     CKR_OK);
    assert_int_equal(mdc_p11_pss_encode(mhash, 32, CKM_SHA256, CKM_SHA256, 32, 2048, b, 256),
                     CKR_OK);
    assert_memory_not_equal(a, b, 256);
    assert_int_equal(a[255], 0xBC);
    assert_int_equal(a[0] & 0x80, 0); /* emBits = 2047 */
    /* sLen 0 is deterministic */
    assert_int_equal(mdc_p11_pss_encode(mhash, 32, CKM_SHA256, CKM_SHA_1, 0, 2048, a, 256), CKR_OK);
    assert_int_equal(mdc_p11_pss_encode(mhash, 32, CKM_SHA256, CKM_SHA_1, 0, 2048, b, 256), CKR_OK);
    assert_memory_equal(a, b, 256);
}

static void test_pss_encode_errors(void **state)
{
    uint8_t mhash[64] = {0}, em[257];

    (void)state;
    /* 2048 bits: emLen 256, SHA-256: sLen <= 222 */
    assert_int_equal(mdc_p11_pss_encode(mhash, 32, CKM_SHA256, CKM_SHA256, 222, 2048, em, 256),
                     CKR_OK);
    assert_int_equal(mdc_p11_pss_encode(mhash, 32, CKM_SHA256, CKM_SHA256, 223, 2048, em, 256),
                     CKR_KEY_SIZE_RANGE);
    assert_int_equal(
        mdc_p11_pss_encode(mhash, 32, CKM_SHA256, CKM_SHA256, (size_t)-1, 2048, em, 256),
        CKR_KEY_SIZE_RANGE);
    assert_int_equal(mdc_p11_pss_encode(mhash, 31, CKM_SHA256, CKM_SHA256, 32, 2048, em, 256),
                     CKR_DATA_LEN_RANGE);
    assert_int_equal(mdc_p11_pss_encode(mhash, 16, CKM_MD5, CKM_SHA256, 16, 2048, em, 256),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(mdc_p11_pss_encode(mhash, 32, CKM_SHA256, CKM_MD5, 16, 2048, em, 256),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(mdc_p11_pss_encode(mhash, 32, CKM_SHA256, CKM_SHA256, 32, 2048, em, 257),
                     CKR_ARGUMENTS_BAD);
    /* 2049 bits: k = 257, emLen = 256, so the block starts with 00 */
    memset(em, 0xEE, sizeof(em));
    assert_int_equal(mdc_p11_pss_encode(mhash, 32, CKM_SHA256, CKM_SHA256, 32, 2049, em, 257),
                     CKR_OK);
    assert_int_equal(em[0], 0);
    assert_int_equal(em[256], 0xBC);
}

/* ---- EME-PKCS1-v1_5 ---- */

static void test_type2_decode_openssl(void **state)
{
    (void)state;
    for (size_t ki = 0; ki < N_KEYS; ki++) {
        size_t k = kbytes(keys[ki]);
        size_t lens[] = {0, 1, 16, k - 11};
        uint8_t *block = malloc(k), *msg = malloc(k), *out = malloc(k);
        assert_non_null(block);
        assert_non_null(msg);
        assert_non_null(out);
        for (size_t li = 0; li < sizeof(lens) / sizeof(lens[0]); li++) {
            size_t out_len = 12345;
            assert_int_equal(RAND_bytes(msg, (int)k), 1);
            ossl_encrypt_block(keys[ki], RSA_PKCS1_PADDING, NULL, NULL, NULL, 0, msg, lens[li],
                               block);
            assert_int_equal(mdc_p11_pkcs1_type2_decode(block, k, out, k, &out_len), CKR_OK);
            assert_int_equal(out_len, lens[li]);
            assert_memory_equal(out, msg, lens[li]);
            /* the same through the decrypt glue */
            {
                mdc_p11_mech_params p = {0};
                out_len = 0;
                assert_int_equal(
                    mdc_p11_decrypt_output(CKM_RSA_PKCS, &p, block, k, out, k - 11, &out_len),
                    CKR_OK);
                assert_int_equal(out_len, lens[li]);
                assert_memory_equal(out, msg, lens[li]);
            }
        }
        free(block);
        free(msg);
        free(out);
    }
}

/* 00 02 PS 00 M with the separator at sep. */
static void make_type2(uint8_t *em, size_t k, size_t sep)
{
    em[0] = 0x00;
    em[1] = 0x02;
    for (size_t i = 2; i < k; i++)
        em[i] = (uint8_t)(i * 7 + 1) | 1; /* nonzero */
    em[sep] = 0x00;
}

/* Every position of the separator: exercises the constant-time shift. */
static void test_type2_every_length(void **state)
{
    const size_t k = 128;
    uint8_t em[128], out[128];
    size_t out_len;

    (void)state;
    for (size_t sep = 2; sep < k; sep++) {
        make_type2(em, k, sep);
        memset(out, 0xCC, sizeof(out));
        CK_RV rv = mdc_p11_pkcs1_type2_decode(em, k, out, sizeof(out), &out_len);
        if (sep < 10) { /* PS shorter than 8 bytes */
            assert_int_equal(rv, CKR_ENCRYPTED_DATA_INVALID);
            assert_int_equal(out_len, 0);
            for (size_t i = 0; i < k - 11; i++)
                assert_int_equal(out[i], 0);
        } else {
            assert_int_equal(rv, CKR_OK);
            assert_int_equal(out_len, k - sep - 1);
            assert_memory_equal(out, em + sep + 1, out_len);
            for (size_t i = out_len; i < k - 11; i++) /* no stale bytes behind */
                assert_int_equal(out[i], 0);
        }
    }
}

static void test_type2_invalid(void **state)
{
    const size_t k = 256;
    uint8_t em[256], out[256];
    size_t out_len;

    (void)state;
    make_type2(em, k, 100);
    assert_int_equal(mdc_p11_pkcs1_type2_decode(em, k, out, k, &out_len), CKR_OK);
    assert_int_equal(out_len, 155);

    em[0] = 0x01;
    assert_int_equal(mdc_p11_pkcs1_type2_decode(em, k, out, k, &out_len),
                     CKR_ENCRYPTED_DATA_INVALID);
    make_type2(em, k, 100);
    em[1] = 0x01; /* a signature block */
    assert_int_equal(mdc_p11_pkcs1_type2_decode(em, k, out, k, &out_len),
                     CKR_ENCRYPTED_DATA_INVALID);
    make_type2(em, k, 100);
    em[100] = 0x42; /* no separator */
    assert_int_equal(mdc_p11_pkcs1_type2_decode(em, k, out, k, &out_len),
                     CKR_ENCRYPTED_DATA_INVALID);
    memset(em, 0, k);
    assert_int_equal(mdc_p11_pkcs1_type2_decode(em, k, out, k, &out_len),
                     CKR_ENCRYPTED_DATA_INVALID);
    memset(em, 0xFF, k);
    assert_int_equal(mdc_p11_pkcs1_type2_decode(em, k, out, k, &out_len),
                     CKR_ENCRYPTED_DATA_INVALID);
    /* separator as the last byte: an empty message */
    make_type2(em, k, k - 1);
    assert_int_equal(mdc_p11_pkcs1_type2_decode(em, k, out, k, &out_len), CKR_OK);
    assert_int_equal(out_len, 0);

    /* out must hold k - 11 bytes whatever the block says */
    make_type2(em, k, k - 1);
    assert_int_equal(mdc_p11_pkcs1_type2_decode(em, k, out, k - 12, &out_len),
                     CKR_BUFFER_TOO_SMALL);
    assert_int_equal(mdc_p11_pkcs1_type2_decode(em, 10, out, k, &out_len),
                     CKR_ENCRYPTED_DATA_LEN_RANGE);
}

/* ---- EME-OAEP ---- */

static void oaep_case(EVP_PKEY *key, CK_MECHANISM_TYPE hash, CK_MECHANISM_TYPE mgf,
                      const uint8_t *label, size_t label_len, size_t msg_len)
{
    size_t k = kbytes(key), hl = mdc_p11_hash_len(hash), out_len;
    uint8_t *block = malloc(k), *msg = malloc(k), *out = malloc(k), *bad = malloc(k);
    const size_t flips[] = {0, 1, hl, hl + 1, 2 * hl, 2 * hl + 1, k / 2, k - 1};
    uint8_t other_label[] = "other";

    assert_non_null(block);
    assert_non_null(msg);
    assert_non_null(out);
    assert_non_null(bad);
    assert_int_equal(RAND_bytes(msg, (int)k), 1);
    ossl_encrypt_block(key, RSA_PKCS1_OAEP_PADDING, mdc_p11_md(hash), mdc_p11_md(mgf), label,
                       label_len, msg, msg_len, block);
    assert_int_equal(mdc_p11_oaep_decode(block, k, hash, mgf, label, label_len, out, k, &out_len),
                     CKR_OK);
    assert_int_equal(out_len, msg_len);
    assert_memory_equal(out, msg, msg_len);

    /* wrong label (also: label missing / added) */
    assert_int_equal(mdc_p11_oaep_decode(block, k, hash, mgf, other_label, 5, out, k, &out_len),
                     CKR_ENCRYPTED_DATA_INVALID);
    assert_int_equal(out_len, 0);
    if (label_len > 0)
        assert_int_equal(mdc_p11_oaep_decode(block, k, hash, mgf, NULL, 0, out, k, &out_len),
                         CKR_ENCRYPTED_DATA_INVALID);
    /* wrong hash, wrong MGF1 hash */
    assert_int_equal(mdc_p11_oaep_decode(block, k, hash == CKM_SHA256 ? CKM_SHA_1 : CKM_SHA256, mgf,
                                         label, label_len, out, k, &out_len),
                     CKR_ENCRYPTED_DATA_INVALID);
    assert_int_equal(mdc_p11_oaep_decode(block, k, hash, mgf == CKM_SHA384 ? CKM_SHA_1 : CKM_SHA384,
                                         label, label_len, out, k, &out_len),
                     CKR_ENCRYPTED_DATA_INVALID);
    /* flipped bytes anywhere */
    for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
        memcpy(bad, block, k);
        bad[flips[i]] ^= 0x01;
        assert_int_equal(mdc_p11_oaep_decode(bad, k, hash, mgf, label, label_len, out, k, &out_len),
                         CKR_ENCRYPTED_DATA_INVALID);
        for (size_t j = 0; j < k - 2 * hl - 2; j++)
            assert_int_equal(out[j], 0);
    }
    memset(bad, 0, k);
    assert_int_equal(mdc_p11_oaep_decode(bad, k, hash, mgf, label, label_len, out, k, &out_len),
                     CKR_ENCRYPTED_DATA_INVALID);
    free(block);
    free(msg);
    free(out);
    free(bad);
}

static void test_oaep_decode_openssl(void **state)
{
    static const uint8_t label[] = "a label";
    (void)state;
    for (size_t ki = 0; ki < N_KEYS; ki++) {
        size_t k = kbytes(keys[ki]);
        for (size_t hi = 0; hi < N_HASHES; hi++) {
            CK_MECHANISM_TYPE h = hashes[hi], mgf = hashes[(hi + 2) % N_HASHES];
            size_t hl = mdc_p11_hash_len(h);
            if (k < 2 * hl + 2)
                continue;
            oaep_case(keys[ki], h, h, NULL, 0, 0);
            oaep_case(keys[ki], h, mgf, label, sizeof(label) - 1, 1);
            oaep_case(keys[ki], h, mgf, NULL, 0, k - 2 * hl - 2); /* longest message */
        }
    }
}

/* A test-side EME-OAEP encoder (RFC 8017 7.1.1 step 2) with a free DB
 * layout: db = lHash || body, body given by the test. */
static void oaep_encode_raw(CK_MECHANISM_TYPE hash, const uint8_t *body, size_t body_len,
                            uint8_t *em, size_t k)
{
    size_t hl = mdc_p11_hash_len(hash), db_len = k - hl - 1, len;
    uint8_t *seed = em + 1, *db = em + 1 + hl;

    assert_int_equal(body_len, db_len - hl);
    em[0] = 0;
    assert_int_equal(mdc_p11_digest(hash, NULL, 0, db, hl, &len), CKR_OK);
    memcpy(db + hl, body, body_len);
    assert_int_equal(RAND_bytes(seed, (int)hl), 1);
    assert_int_equal(mdc_p11_mgf1_xor(hash, seed, hl, db, db_len), CKR_OK);
    assert_int_equal(mdc_p11_mgf1_xor(hash, db, db_len, seed, hl), CKR_OK);
}

/* Every position of the 01 separator, and PS bytes other than zero. */
static void test_oaep_every_length(void **state)
{
    const size_t k = 128, hl = 20, body_len = k - 2 * hl - 1;
    uint8_t em[128], body[128], out[128];
    size_t out_len;

    (void)state;
    for (size_t one = 0; one < body_len; one++) {
        for (size_t i = 0; i < body_len; i++)
            body[i] = i < one ? 0 : (uint8_t)(i * 13 + 5);
        body[one] = 0x01;
        oaep_encode_raw(CKM_SHA_1, body, body_len, em, k);
        memset(out, 0xCC, sizeof(out));
        assert_int_equal(
            mdc_p11_oaep_decode(em, k, CKM_SHA_1, CKM_SHA_1, NULL, 0, out, sizeof(out), &out_len),
            CKR_OK);
        assert_int_equal(out_len, body_len - one - 1);
        assert_memory_equal(out, body + one + 1, out_len);
        for (size_t i = out_len; i < k - 2 * hl - 2; i++)
            assert_int_equal(out[i], 0);
        /* a nonzero byte in PS before the 01 */
        if (one > 0) {
            body[one - 1] = 0x02;
            oaep_encode_raw(CKM_SHA_1, body, body_len, em, k);
            assert_int_equal(mdc_p11_oaep_decode(em, k, CKM_SHA_1, CKM_SHA_1, NULL, 0, out,
                                                 sizeof(out), &out_len),
                             CKR_ENCRYPTED_DATA_INVALID);
        }
    }
    /* no 01 at all */
    memset(body, 0, body_len);
    oaep_encode_raw(CKM_SHA_1, body, body_len, em, k);
    assert_int_equal(
        mdc_p11_oaep_decode(em, k, CKM_SHA_1, CKM_SHA_1, NULL, 0, out, sizeof(out), &out_len),
        CKR_ENCRYPTED_DATA_INVALID);
    /* Y != 0 with everything else right */
    body[body_len - 1] = 0x01;
    oaep_encode_raw(CKM_SHA_1, body, body_len, em, k);
    em[0] = 0x01;
    assert_int_equal(
        mdc_p11_oaep_decode(em, k, CKM_SHA_1, CKM_SHA_1, NULL, 0, out, sizeof(out), &out_len),
        CKR_ENCRYPTED_DATA_INVALID);
    em[0] = 0x00;
    assert_int_equal(
        mdc_p11_oaep_decode(em, k, CKM_SHA_1, CKM_SHA_1, NULL, 0, out, sizeof(out), &out_len),
        CKR_OK);
    assert_int_equal(out_len, 0);
}

static void test_oaep_decode_limits(void **state)
{
    uint8_t block[128] = {0}, out[128];
    size_t out_len;
    mdc_p11_mech_params p = {.hash = CKM_SHA_1, .mgf_hash = CKM_SHA_1};

    (void)state;
    /* 1024-bit key and SHA-512: 2*64 + 2 > 128 */
    assert_int_equal(
        mdc_p11_oaep_decode(block, 128, CKM_SHA512, CKM_SHA512, NULL, 0, out, 128, &out_len),
        CKR_KEY_SIZE_RANGE);
    /* out must hold k - 2*hLen - 2 = 86 bytes */
    assert_int_equal(
        mdc_p11_oaep_decode(block, 128, CKM_SHA_1, CKM_SHA_1, NULL, 0, out, 85, &out_len),
        CKR_BUFFER_TOO_SMALL);
    assert_int_equal(
        mdc_p11_oaep_decode(block, 128, CKM_SHA_1, CKM_SHA_1, NULL, 0, out, 86, &out_len),
        CKR_ENCRYPTED_DATA_INVALID);
    assert_int_equal(
        mdc_p11_oaep_decode(block, 128, CKM_MD5, CKM_SHA_1, NULL, 0, out, 128, &out_len),
        CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(mdc_p11_decrypt_output(CKM_RSA_PKCS_OAEP, &p, block, 128, out, 128, &out_len),
                     CKR_ENCRYPTED_DATA_INVALID);
    /* raw: the block as is */
    block[5] = 7;
    assert_int_equal(mdc_p11_decrypt_output(CKM_RSA_X_509, &p, block, 128, out, 127, &out_len),
                     CKR_BUFFER_TOO_SMALL);
    assert_int_equal(mdc_p11_decrypt_output(CKM_RSA_X_509, &p, block, 128, out, 128, &out_len),
                     CKR_OK);
    assert_int_equal(out_len, 128);
    assert_memory_equal(out, block, 128);
    assert_int_equal(
        mdc_p11_decrypt_output(CKM_SHA256_RSA_PKCS, &p, block, 128, out, 128, &out_len),
        CKR_MECHANISM_INVALID);
}

/* ---- sign glue ---- */

static void test_sign_input(void **state)
{
    EVP_PKEY *key = keys[K2048];
    uint8_t out[256], sig[256], d[32], di[MDC_P11_DIGESTINFO_MAX], data[300];
    size_t out_len, dlen, dilen;
    mdc_p11_card_pad how;
    mdc_p11_mech_params none = {0};
    mdc_p11_mech_params sha256 = {.hash = CKM_SHA256};
    mdc_p11_mech_params pss = {.hash = CKM_SHA256, .mgf_hash = CKM_SHA_1, .salt_len = 20};

    (void)state;
    memset(data, 0x33, sizeof(data));
    assert_int_equal(mdc_p11_digest(CKM_SHA256, data, 10, d, sizeof(d), &dlen), CKR_OK);
    assert_int_equal(mdc_p11_digestinfo(CKM_SHA256, d, dlen, di, sizeof(di), &dilen), CKR_OK);

    /* SHA256_RSA_PKCS, card pads: the DigestInfo */
    assert_int_equal(mdc_p11_sign_input(CKM_SHA256_RSA_PKCS, &sha256, 2048, true, d, dlen, out,
                                        sizeof(out), &out_len, &how),
                     CKR_OK);
    assert_int_equal(how, MDC_P11_CARD_PKCS1);
    assert_int_equal(out_len, dilen);
    assert_memory_equal(out, di, dilen);
    /* host pads: a block OpenSSL verifies */
    assert_int_equal(mdc_p11_sign_input(CKM_SHA256_RSA_PKCS, &sha256, 2048, false, d, dlen, out,
                                        sizeof(out), &out_len, &how),
                     CKR_OK);
    assert_int_equal(how, MDC_P11_CARD_RAW);
    assert_int_equal(out_len, 256);
    raw_private(key, out, sig);
    assert_int_equal(ossl_verify(key, RSA_PKCS1_PADDING, EVP_sha256(), NULL, 0, d, dlen, sig), 1);
    /* wrong digest length */
    assert_int_equal(mdc_p11_sign_input(CKM_SHA256_RSA_PKCS, &sha256, 2048, true, d, 20, out,
                                        sizeof(out), &out_len, &how),
                     CKR_DATA_LEN_RANGE);

    /* CKM_RSA_PKCS: input as given, <= k - 11 */
    assert_int_equal(mdc_p11_sign_input(CKM_RSA_PKCS, &none, 2048, true, data, 36, out, sizeof(out),
                                        &out_len, &how),
                     CKR_OK);
    assert_int_equal(how, MDC_P11_CARD_PKCS1);
    assert_int_equal(out_len, 36);
    assert_int_equal(mdc_p11_sign_input(CKM_RSA_PKCS, &none, 2048, false, data, 245, out,
                                        sizeof(out), &out_len, &how),
                     CKR_OK);
    assert_int_equal(how, MDC_P11_CARD_RAW);
    raw_private(key, out, sig);
    assert_int_equal(ossl_verify(key, RSA_PKCS1_PADDING, NULL, NULL, 0, data, 245, sig), 1);
    assert_int_equal(mdc_p11_sign_input(CKM_RSA_PKCS, &none, 2048, true, data, 246, out,
                                        sizeof(out), &out_len, &how),
                     CKR_DATA_LEN_RANGE);

    /* CKM_RSA_X_509: left-padded to k, always raw */
    assert_int_equal(mdc_p11_sign_input(CKM_RSA_X_509, &none, 2048, true, data, 10, out,
                                        sizeof(out), &out_len, &how),
                     CKR_OK);
    assert_int_equal(how, MDC_P11_CARD_RAW);
    assert_int_equal(out_len, 256);
    for (size_t i = 0; i < 246; i++)
        assert_int_equal(out[i], 0);
    assert_memory_equal(out + 246, data, 10);
    assert_int_equal(mdc_p11_sign_input(CKM_RSA_X_509, &none, 2048, true, data, 257, out,
                                        sizeof(out), &out_len, &how),
                     CKR_DATA_LEN_RANGE);

    /* PSS: raw, verifies with OpenSSL */
    assert_int_equal(mdc_p11_sign_input(CKM_SHA256_RSA_PKCS_PSS, &pss, 2048, true, d, dlen, out,
                                        sizeof(out), &out_len, &how),
                     CKR_OK);
    assert_int_equal(how, MDC_P11_CARD_RAW);
    raw_private(key, out, sig);
    assert_int_equal(
        ossl_verify(key, RSA_PKCS1_PSS_PADDING, EVP_sha256(), EVP_sha1(), 20, d, dlen, sig), 1);

    /* not a sign mechanism; output too small */
    assert_int_equal(mdc_p11_sign_input(CKM_RSA_PKCS_OAEP, &none, 2048, true, data, 10, out,
                                        sizeof(out), &out_len, &how),
                     CKR_MECHANISM_INVALID);
    assert_int_equal(
        mdc_p11_sign_input(CKM_RSA_X_509, &none, 2048, true, data, 10, out, 255, &out_len, &how),
        CKR_BUFFER_TOO_SMALL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digestinfo_prefix_kat),
        cmocka_unit_test(test_digestinfo_sha256_abc),
        cmocka_unit_test(test_digestinfo_hash_detect),
        cmocka_unit_test(test_pkcs1_sign_matches_openssl),
        cmocka_unit_test(test_type1_encode),
        cmocka_unit_test(test_pss_encode_openssl_verifies),
        cmocka_unit_test(test_pss_salt_is_random),
        cmocka_unit_test(test_pss_encode_errors),
        cmocka_unit_test(test_type2_decode_openssl),
        cmocka_unit_test(test_type2_every_length),
        cmocka_unit_test(test_type2_invalid),
        cmocka_unit_test(test_oaep_decode_openssl),
        cmocka_unit_test(test_oaep_every_length),
        cmocka_unit_test(test_oaep_decode_limits),
        cmocka_unit_test(test_sign_input),
    };
    return cmocka_run_group_tests(tests, setup_keys, teardown_keys);
}
