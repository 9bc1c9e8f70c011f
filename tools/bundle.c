/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Splitting certificate files into DER certificates (PEM blocks or
 * concatenated DER) and describing a certificate in one line each
 * (bundle.h). OpenSSL does the base64 and the X.509 parsing.
 */
#include "bundle.h"

#include "mdfs/certfile.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tool_certs_clear(struct tool_certs *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].der);
    free(c->v);
    c->v = NULL;
    c->n = 0;
}

static bool is_certificate(const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    X509 *x;

    if (len > (size_t)INT32_MAX)
        return false;
    x = d2i_X509(NULL, &p, (long)len);
    ERR_clear_error(); /* a failed probe is an answer, not an error for later callers */
    if (x == NULL)
        return false;
    X509_free(x);
    return p == der + len; /* exactly one certificate, nothing after it */
}

static enum tool_bundle_rv add(struct tool_certs *tmp, const uint8_t *der, size_t len)
{
    struct tool_cert *v;

    if (tmp->n >= TOOL_BUNDLE_MAX_CERTS)
        return TOOL_BUNDLE_TOO_MANY;
    v = realloc(tmp->v, (tmp->n + 1) * sizeof(*v));
    if (v == NULL)
        return TOOL_BUNDLE_NOMEM;
    tmp->v = v;
    v[tmp->n].der = malloc(len);
    if (v[tmp->n].der == NULL)
        return TOOL_BUNDLE_NOMEM;
    memcpy(v[tmp->n].der, der, len);
    v[tmp->n].len = len;
    tmp->n++;
    return TOOL_BUNDLE_OK;
}

static bool has_pem_marker(const uint8_t *data, size_t len)
{
    static const char marker[] = "-----BEGIN ";
    size_t m = sizeof(marker) - 1;

    for (size_t i = 0; i + m <= len; i++)
        if (memcmp(data + i, marker, m) == 0)
            return true;
    return false;
}

static enum tool_bundle_rv split_pem(const uint8_t *data, size_t len, struct tool_certs *tmp,
                                     char *why, size_t why_size)
{
    BIO *bio = BIO_new_mem_buf(data, (int)len);
    enum tool_bundle_rv rv = TOOL_BUNDLE_OK;

    if (bio == NULL)
        return TOOL_BUNDLE_NOMEM;
    for (int block = 1; rv == TOOL_BUNDLE_OK; block++) {
        char *name = NULL, *header = NULL;
        unsigned char *der = NULL;
        long der_len = 0;

        if (!PEM_read_bio(bio, &name, &header, &der, &der_len)) {
            unsigned long e = ERR_peek_last_error();

            if (ERR_GET_LIB(e) == ERR_LIB_PEM && ERR_GET_REASON(e) == PEM_R_NO_START_LINE) {
                ERR_clear_error();
                break; /* no more blocks */
            }
            ERR_clear_error();
            snprintf(why, why_size, "PEM block %d is malformed", block);
            rv = TOOL_BUNDLE_BAD;
            break;
        }
        if (strcmp(name, PEM_STRING_X509) != 0 && strcmp(name, PEM_STRING_X509_OLD) != 0) {
            snprintf(why, why_size, "PEM block %d is a \"%.40s\", not a CERTIFICATE", block, name);
            rv = TOOL_BUNDLE_NOT_CERT;
        } else if (der_len <= 0 || !is_certificate(der, (size_t)der_len)) {
            snprintf(why, why_size, "PEM block %d is not an X.509 certificate", block);
            rv = TOOL_BUNDLE_BAD;
        } else {
            rv = add(tmp, der, (size_t)der_len);
        }
        OPENSSL_free(name);
        OPENSSL_free(header);
        OPENSSL_free(der);
    }
    BIO_free(bio);
    return rv;
}

static enum tool_bundle_rv split_der(const uint8_t *data, size_t len, struct tool_certs *tmp,
                                     char *why, size_t why_size)
{
    size_t off = 0, n;
    enum tool_bundle_rv rv = TOOL_BUNDLE_OK;

    while (off < len && rv == TOOL_BUNDLE_OK) {
        if (data[off] != 0x30 || mdc_mdfs_der_tlv_len(data + off, len - off, &n) != MDC_MDFS_OK) {
            snprintf(why, why_size, "neither PEM nor DER (bad DER at byte %zu)", off);
            return TOOL_BUNDLE_BAD;
        }
        if (!is_certificate(data + off, n)) {
            snprintf(why, why_size, "the DER object at byte %zu is not an X.509 certificate", off);
            return TOOL_BUNDLE_BAD;
        }
        rv = add(tmp, data + off, n);
        off += n;
    }
    return rv;
}

enum tool_bundle_rv tool_bundle_split(const uint8_t *data, size_t len, struct tool_certs *out,
                                      char *why, size_t why_size)
{
    struct tool_certs tmp = {NULL, 0};
    enum tool_bundle_rv rv;
    char dummy[1];

    if (why == NULL || why_size == 0) {
        why = dummy;
        why_size = sizeof(dummy);
    }
    why[0] = '\0';
    if (data == NULL || len == 0) {
        snprintf(why, why_size, "empty input");
        return TOOL_BUNDLE_EMPTY;
    }
    if (len > TOOL_BUNDLE_MAX_FILE) {
        snprintf(why, why_size, "larger than %zu bytes", TOOL_BUNDLE_MAX_FILE);
        return TOOL_BUNDLE_TOO_MANY;
    }
    if (has_pem_marker(data, len))
        rv = split_pem(data, len, &tmp, why, why_size);
    else
        rv = split_der(data, len, &tmp, why, why_size);
    if (rv == TOOL_BUNDLE_OK && tmp.n == 0) {
        snprintf(why, why_size, "no certificate found");
        rv = TOOL_BUNDLE_EMPTY;
    }
    if (rv == TOOL_BUNDLE_OK && out->n + tmp.n > TOOL_BUNDLE_MAX_CERTS)
        rv = TOOL_BUNDLE_TOO_MANY;
    if (rv == TOOL_BUNDLE_TOO_MANY && why[0] == '\0')
        snprintf(why, why_size, "more than %d certificates", TOOL_BUNDLE_MAX_CERTS);
    if (rv == TOOL_BUNDLE_NOMEM)
        snprintf(why, why_size, "out of memory");
    if (rv == TOOL_BUNDLE_OK) {
        struct tool_cert *v = realloc(out->v, (out->n + tmp.n) * sizeof(*v));

        if (v == NULL) {
            tool_certs_clear(&tmp);
            snprintf(why, why_size, "out of memory");
            return TOOL_BUNDLE_NOMEM;
        }
        memcpy(v + out->n, tmp.v, tmp.n * sizeof(*v));
        out->v = v;
        out->n += tmp.n;
        free(tmp.v);
        return TOOL_BUNDLE_OK;
    }
    tool_certs_clear(&tmp);
    return rv;
}

static void name_text(const X509_NAME *name, char *out, size_t size)
{
    /* RFC 2253 escaping, in the certificate's order ("CN=a, O=b"), UTF-8
     * kept as UTF-8 (the JSON writer and tool_safe escape). */
    const unsigned long flags =
        (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN;
    BIO *bio = BIO_new(BIO_s_mem());
    char *p;
    long n;

    out[0] = '\0';
    if (bio == NULL)
        return;
    if (X509_NAME_print_ex(bio, name, 0, flags) >= 0) {
        n = BIO_get_mem_data(bio, &p);
        if (n > 0)
            snprintf(out, size, "%.*s", (int)(n < (long)size ? n : (long)size - 1), p);
    }
    BIO_free(bio);
}

static void time_text(const ASN1_TIME *t, char *out, size_t size)
{
    struct tm tm;

    if (t == NULL || !ASN1_TIME_to_tm(t, &tm)) {
        snprintf(out, size, "?");
        return;
    }
    strftime(out, size, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

bool tool_cert_describe(const uint8_t *der, size_t len, struct tool_cert_desc *d)
{
    const unsigned char *p = der;
    X509 *x;
    EVP_PKEY *pk;

    memset(d, 0, sizeof(*d));
    if (len > (size_t)INT32_MAX || (x = d2i_X509(NULL, &p, (long)len)) == NULL) {
        ERR_clear_error();
        return false;
    }
    name_text(X509_get_subject_name(x), d->subject, sizeof(d->subject));
    name_text(X509_get_issuer_name(x), d->issuer, sizeof(d->issuer));
    time_text(X509_get0_notBefore(x), d->not_before, sizeof(d->not_before));
    time_text(X509_get0_notAfter(x), d->not_after, sizeof(d->not_after));
    d->self_issued = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0;
    /* Non-zero: cA=TRUE, a self-signed version 1 root, or keyCertSign usage. */
    d->ca = X509_check_ca(x) != 0;
    pk = X509_get0_pubkey(x);
    d->key_bits = pk != NULL ? (unsigned)EVP_PKEY_get_bits(pk) : 0;
    X509_free(x);
    ERR_clear_error();
    return true;
}
