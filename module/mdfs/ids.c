/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CKA_ID derivation (modulus, SPKI, certificate) and the token serial from cardid. */
#include "mdfs/ids.h"

#include <stdlib.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

mdc_mdfs_rv mdc_mdfs_id_from_modulus(const uint8_t *mod, size_t len, uint8_t id[MDC_ID_LEN])
{
    if (mod == NULL || id == NULL)
        return MDC_MDFS_ERR_ARGS;
    if (len > MDC_ID_MAX_INPUT)
        return MDC_MDFS_ERR_TOO_LARGE;
    while (len > 0 && mod[0] == 0) {
        mod++;
        len--;
    }
    if (len == 0) /* a zero modulus is no key */
        return MDC_MDFS_ERR_CORRUPT;
    if (SHA1(mod, len, id) == NULL)
        return MDC_MDFS_ERR_CRYPTO;
    return MDC_MDFS_OK;
}

static mdc_mdfs_rv id_from_rsa(const EVP_PKEY *pkey, uint8_t id[MDC_ID_LEN])
{
    BIGNUM *n = NULL;
    uint8_t *bytes;
    int len;
    mdc_mdfs_rv rv;

    if (EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n) != 1)
        return MDC_MDFS_ERR_CORRUPT;
    len = BN_num_bytes(n);
    if (len <= 0 || (size_t)len > MDC_ID_MAX_INPUT) {
        BN_free(n);
        return MDC_MDFS_ERR_CORRUPT;
    }
    bytes = malloc((size_t)len);
    if (bytes == NULL) {
        BN_free(n);
        return MDC_MDFS_ERR_NO_MEMORY;
    }
    /* BN_bn2bin writes the minimal unsigned big-endian form: no leading zeros. */
    BN_bn2bin(n, bytes);
    rv = mdc_mdfs_id_from_modulus(bytes, (size_t)len, id);
    free(bytes);
    BN_free(n);
    return rv;
}

/*
 * pkey may be NULL when OpenSSL does not know the key type: the BIT STRING
 * content is then still the key's public value.
 */
static mdc_mdfs_rv id_from_key(const EVP_PKEY *pkey, const unsigned char *bits, int bits_len,
                               uint8_t id[MDC_ID_LEN])
{
    if (pkey != NULL && EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA)
        return id_from_rsa(pkey, id);
    if (bits == NULL || bits_len <= 0)
        return MDC_MDFS_ERR_CORRUPT;
    if (SHA1(bits, (size_t)bits_len, id) == NULL)
        return MDC_MDFS_ERR_CRYPTO;
    return MDC_MDFS_OK;
}

static mdc_mdfs_rv spki_id(const uint8_t *der, size_t len, uint8_t id[MDC_ID_LEN])
{
    const unsigned char *p = der;
    X509_PUBKEY *xpk;
    EVP_PKEY *pkey;
    const unsigned char *bits = NULL;
    int bits_len = 0;
    mdc_mdfs_rv rv;

    if (der == NULL || id == NULL)
        return MDC_MDFS_ERR_ARGS;
    if (len > MDC_ID_MAX_INPUT)
        return MDC_MDFS_ERR_TOO_LARGE;
    xpk = d2i_X509_PUBKEY(NULL, &p, (long)len);
    if (xpk == NULL || p != der + len) {
        X509_PUBKEY_free(xpk);
        return MDC_MDFS_ERR_CORRUPT;
    }
    if (X509_PUBKEY_get0_param(NULL, &bits, &bits_len, NULL, xpk) != 1) {
        X509_PUBKEY_free(xpk);
        return MDC_MDFS_ERR_CORRUPT;
    }
    pkey = X509_PUBKEY_get0(xpk);
    rv = id_from_key(pkey, bits, bits_len, id);
    X509_PUBKEY_free(xpk);
    return rv;
}

static mdc_mdfs_rv cert_id(const uint8_t *der, size_t len, uint8_t id[MDC_ID_LEN])
{
    const unsigned char *p = der;
    X509 *x;
    EVP_PKEY *pkey;
    const ASN1_BIT_STRING *bits;
    mdc_mdfs_rv rv;

    if (der == NULL || id == NULL)
        return MDC_MDFS_ERR_ARGS;
    if (len > MDC_ID_MAX_INPUT)
        return MDC_MDFS_ERR_TOO_LARGE;
    x = d2i_X509(NULL, &p, (long)len);
    if (x == NULL || p != der + len) {
        X509_free(x);
        return MDC_MDFS_ERR_CORRUPT;
    }
    pkey = X509_get0_pubkey(x);
    bits = X509_get0_pubkey_bitstr(x);
    rv = bits == NULL ? MDC_MDFS_ERR_CORRUPT : id_from_key(pkey, bits->data, bits->length, id);
    X509_free(x);
    return rv;
}

/* Decoding errors are reported through the result; the caller's OpenSSL error queue is kept. */
mdc_mdfs_rv mdc_mdfs_id_from_spki(const uint8_t *der, size_t len, uint8_t id[MDC_ID_LEN])
{
    mdc_mdfs_rv rv;

    ERR_set_mark();
    rv = spki_id(der, len, id);
    ERR_pop_to_mark();
    return rv;
}

mdc_mdfs_rv mdc_mdfs_id_from_cert(const uint8_t *der, size_t len, uint8_t id[MDC_ID_LEN])
{
    mdc_mdfs_rv rv;

    ERR_set_mark();
    rv = cert_id(der, len, id);
    ERR_pop_to_mark();
    return rv;
}

mdc_mdfs_rv mdc_mdfs_cardid_serial(const uint8_t *cardid, size_t len, char out[MDC_SERIAL_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    size_t i;

    if (cardid == NULL || out == NULL)
        return MDC_MDFS_ERR_ARGS;
    if (len < MDC_CARDID_LEN)
        return MDC_MDFS_ERR_TRUNCATED;
    if (len > MDC_CARDID_LEN)
        return MDC_MDFS_ERR_LENGTH_MISMATCH;
    for (i = 0; i < MDC_SERIAL_LEN / 2; i++) {
        uint8_t b = cardid[MDC_CARDID_LEN - MDC_SERIAL_LEN / 2 + i];
        out[2 * i] = hex[b >> 4];
        out[2 * i + 1] = hex[b & 0x0fu];
    }
    out[MDC_SERIAL_LEN] = '\0';
    return MDC_MDFS_OK;
}
