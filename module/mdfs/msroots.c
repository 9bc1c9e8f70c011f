/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * msroots: list, add, remove and re-encode the certs-only PKCS#7 bag.
 * Built like `openssl crl2pkcs7 -nocrl` and Windows' PKCS#7 store export:
 * SignedData version 1, no digest algorithms, content type data without
 * content, the certificates, no CRLs, no signers.
 */
#include "mdfs/msroots.h"
#include "mdfs/certfile.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

void mdc_mdfs_msroots_clear(mdc_msroots *m)
{
    size_t i;

    if (m == NULL)
        return;
    for (i = 0; i < m->count; i++)
        free(m->certs[i].der);
    free(m->certs);
    m->certs = NULL;
    m->count = 0;
}

/* Copies the certificates of a parsed bag into out. */
static mdc_mdfs_rv collect(STACK_OF(X509) * certs, mdc_msroots *out)
{
    int n = certs == NULL ? 0 : sk_X509_num(certs), i;

    if (n <= 0)
        return MDC_MDFS_OK;
    if (n > MDC_MSROOTS_MAX_CERTS)
        return MDC_MDFS_ERR_TOO_LARGE;
    out->certs = calloc((size_t)n, sizeof(*out->certs));
    if (out->certs == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    for (i = 0; i < n; i++) {
        unsigned char *der = NULL;
        int len = i2d_X509(sk_X509_value(certs, i), &der);
        if (len <= 0) {
            mdc_mdfs_msroots_clear(out);
            return MDC_MDFS_ERR_CORRUPT;
        }
        /* Own the bytes with malloc so that callers free everything the same way. */
        out->certs[i].der = malloc((size_t)len);
        if (out->certs[i].der == NULL) {
            OPENSSL_free(der);
            mdc_mdfs_msroots_clear(out);
            return MDC_MDFS_ERR_NO_MEMORY;
        }
        memcpy(out->certs[i].der, der, (size_t)len);
        out->certs[i].len = (size_t)len;
        out->count = (size_t)i + 1;
        OPENSSL_free(der);
    }
    return MDC_MDFS_OK;
}

static mdc_mdfs_rv parse_der(const uint8_t *der, size_t len, mdc_msroots *out)
{
    const unsigned char *p = der;
    size_t tlv;
    PKCS7 *p7;
    mdc_mdfs_rv rv;

    rv = mdc_mdfs_der_tlv_len(der, len, &tlv);
    if (rv != MDC_MDFS_OK)
        return rv;
    p7 = d2i_PKCS7(NULL, &p, (long)tlv);
    if (p7 == NULL || p != der + tlv) {
        PKCS7_free(p7);
        return MDC_MDFS_ERR_CORRUPT;
    }
    if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL)
        rv = MDC_MDFS_ERR_CORRUPT;
    else
        rv = collect(p7->d.sign->cert, out);
    PKCS7_free(p7);
    return rv;
}

mdc_mdfs_rv mdc_mdfs_msroots_parse(const uint8_t *file, size_t len, mdc_msroots *out)
{
    uint8_t *plain = NULL;
    size_t plain_len = 0;
    mdc_mdfs_rv rv;

    if (out == NULL || (file == NULL && len != 0))
        return MDC_MDFS_ERR_ARGS;
    out->certs = NULL;
    out->count = 0;
    if (len == 0)
        return MDC_MDFS_OK;
    if (len > MDC_MSROOTS_MAX_FILE)
        return MDC_MDFS_ERR_TOO_LARGE;
    ERR_set_mark();
    if (mdc_mdfs_is_compressed(file, len)) {
        rv = mdc_mdfs_inflate_compressed(file, len, &plain, &plain_len);
        if (rv == MDC_MDFS_OK)
            rv = plain[0] == 0x30 ? parse_der(plain, plain_len, out) : MDC_MDFS_ERR_CORRUPT;
        free(plain);
    } else if (file[0] == 0x30) {
        rv = parse_der(file, len, out);
    } else {
        rv = MDC_MDFS_ERR_VERSION;
    }
    /* Decoding errors are reported through rv; leave the caller's OpenSSL queue as it was. */
    ERR_pop_to_mark();
    return rv;
}

mdc_mdfs_rv mdc_mdfs_msroots_find(const mdc_msroots *m, const uint8_t *der, size_t len,
                                  size_t *index)
{
    size_t i;

    if (m == NULL || der == NULL || index == NULL || (m->certs == NULL && m->count != 0))
        return MDC_MDFS_ERR_ARGS;
    for (i = 0; i < m->count; i++) {
        if (m->certs[i].len == len && memcmp(m->certs[i].der, der, len) == 0) {
            *index = i;
            return MDC_MDFS_OK;
        }
    }
    return MDC_MDFS_ERR_NOT_FOUND;
}

/* True when der is exactly one well-formed X.509 certificate. */
static int is_one_cert(const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    X509 *x;
    int ok;

    if (len > MDC_MSROOTS_MAX_FILE)
        return 0;
    ERR_set_mark();
    x = d2i_X509(NULL, &p, (long)len);
    ok = x != NULL && p == der + len;
    X509_free(x);
    ERR_pop_to_mark();
    return ok;
}

mdc_mdfs_rv mdc_mdfs_msroots_add(mdc_msroots *m, const uint8_t *der, size_t len)
{
    mdc_msroots_cert *grown;
    uint8_t *copy;
    size_t idx;

    if (m == NULL || der == NULL || len == 0 || (m->certs == NULL && m->count != 0))
        return MDC_MDFS_ERR_ARGS;
    if (len > MDC_MSROOTS_MAX_FILE)
        return MDC_MDFS_ERR_TOO_LARGE;
    if (!is_one_cert(der, len))
        return MDC_MDFS_ERR_CORRUPT;
    if (mdc_mdfs_msroots_find(m, der, len, &idx) == MDC_MDFS_OK)
        return MDC_MDFS_ERR_EXISTS;
    if (m->count >= MDC_MSROOTS_MAX_CERTS)
        return MDC_MDFS_ERR_FULL;
    copy = malloc(len);
    if (copy == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    memcpy(copy, der, len);
    grown = realloc(m->certs, (m->count + 1) * sizeof(*grown));
    if (grown == NULL) {
        free(copy);
        return MDC_MDFS_ERR_NO_MEMORY;
    }
    m->certs = grown;
    m->certs[m->count].der = copy;
    m->certs[m->count].len = len;
    m->count++;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_msroots_remove(mdc_msroots *m, size_t index)
{
    if (m == NULL || index >= m->count)
        return MDC_MDFS_ERR_ARGS;
    free(m->certs[index].der);
    memmove(&m->certs[index], &m->certs[index + 1], (m->count - index - 1) * sizeof(m->certs[0]));
    m->count--;
    if (m->count == 0) {
        free(m->certs);
        m->certs = NULL;
    }
    return MDC_MDFS_OK;
}

static mdc_mdfs_rv build_p7(const mdc_msroots *m, PKCS7 **out)
{
    PKCS7 *p7 = PKCS7_new();
    size_t i;

    if (p7 == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    if (PKCS7_set_type(p7, NID_pkcs7_signed) != 1) {
        PKCS7_free(p7);
        return MDC_MDFS_ERR_CRYPTO;
    }
    /* Content type "data" with the content itself omitted, as crl2pkcs7 does. */
    p7->d.sign->contents->type = OBJ_nid2obj(NID_pkcs7_data);
    for (i = 0; i < m->count; i++) {
        const unsigned char *p = m->certs[i].der;
        X509 *x;
        int ok;

        if (m->certs[i].len > MDC_MSROOTS_MAX_FILE) {
            PKCS7_free(p7);
            return MDC_MDFS_ERR_TOO_LARGE;
        }
        x = d2i_X509(NULL, &p, (long)m->certs[i].len);
        if (x == NULL || p != m->certs[i].der + m->certs[i].len) {
            X509_free(x);
            PKCS7_free(p7);
            return MDC_MDFS_ERR_CORRUPT;
        }
        ok = PKCS7_add_certificate(p7, x);
        X509_free(x);
        if (ok != 1) {
            PKCS7_free(p7);
            return MDC_MDFS_ERR_NO_MEMORY;
        }
    }
    *out = p7;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_msroots_build(const mdc_msroots *m, uint8_t **out, size_t *out_len)
{
    PKCS7 *p7 = NULL;
    unsigned char *der = NULL;
    int len;
    mdc_mdfs_rv rv;

    if (m == NULL || out == NULL || out_len == NULL || (m->certs == NULL && m->count != 0))
        return MDC_MDFS_ERR_ARGS;
    *out = NULL;
    *out_len = 0;
    if (m->count > MDC_MSROOTS_MAX_CERTS)
        return MDC_MDFS_ERR_TOO_LARGE;
    ERR_set_mark();
    rv = build_p7(m, &p7);
    if (rv == MDC_MDFS_OK) {
        len = i2d_PKCS7(p7, &der);
        if (len <= 0) {
            rv = MDC_MDFS_ERR_CRYPTO;
        } else if ((size_t)len > MDC_MSROOTS_MAX_FILE) {
            rv = MDC_MDFS_ERR_TOO_LARGE;
        } else if ((*out = malloc((size_t)len)) == NULL) {
            rv = MDC_MDFS_ERR_NO_MEMORY;
        } else {
            memcpy(*out, der, (size_t)len);
            *out_len = (size_t)len;
        }
        OPENSSL_free(der);
        PKCS7_free(p7);
    }
    ERR_pop_to_mark();
    return rv;
}
