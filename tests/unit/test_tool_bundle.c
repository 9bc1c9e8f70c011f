/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Certificate files of `mdcard load` (tools/bundle.c): PEM chains with text
 * around them, concatenated DER, blocks that are not certificates, broken
 * input; and the one-line descriptions. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "bundle.h"

struct blob {
    uint8_t *data;
    size_t len;
};

static EVP_PKEY *key;
static struct blob der_a, der_b, pem_a, pem_b, pem_key;

static void cat(struct blob *out, const struct blob *a, const char *text)
{
    size_t tl = text != NULL ? strlen(text) : 0;

    out->data = realloc(out->data, out->len + (a != NULL ? a->len : 0) + tl);
    assert_non_null(out->data);
    if (a != NULL) {
        memcpy(out->data + out->len, a->data, a->len);
        out->len += a->len;
    }
    if (tl > 0)
        memcpy(out->data + out->len, text, tl);
    out->len += tl;
}

/* A certificate "CN=<cn>, O=Tests", CA or not, signed by `key`. */
static X509 *make_cert(const char *cn, bool ca)
{
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    X509_EXTENSION *ext;

    assert_non_null(x);
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)"Tests", -1, -1, 0);
    X509_set_version(x, X509_VERSION_3);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, n);
    ASN1_TIME_set_string(X509_getm_notBefore(x), "20260101000000Z");
    ASN1_TIME_set_string(X509_getm_notAfter(x), "20270102030405Z");
    X509_set_pubkey(x, key);
    ext = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints,
                              ca ? "critical,CA:TRUE" : "CA:FALSE");
    assert_non_null(ext);
    X509_add_ext(x, ext, -1);
    X509_EXTENSION_free(ext);
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    X509_NAME_free(n);
    return x;
}

static void encode(X509 *x, struct blob *der, struct blob *pem)
{
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);
    BIO *bio = BIO_new(BIO_s_mem());
    char *m;
    long ml;

    assert_true(n > 0);
    der->data = p;
    der->len = (size_t)n;
    assert_int_equal(PEM_write_bio_X509(bio, x), 1);
    ml = BIO_get_mem_data(bio, &m);
    pem->data = malloc((size_t)ml);
    memcpy(pem->data, m, (size_t)ml);
    pem->len = (size_t)ml;
    BIO_free(bio);
}

static int setup(void **state)
{
    X509 *a, *b;
    BIO *bio = BIO_new(BIO_s_mem());
    char *m;
    long ml;

    (void)state;
    key = EVP_EC_gen("P-256");
    assert_non_null(key);
    a = make_cert("Leaf é", false);
    b = make_cert("Root", true);
    encode(a, &der_a, &pem_a);
    encode(b, &der_b, &pem_b);
    X509_free(a);
    X509_free(b);
    assert_int_equal(PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL), 1);
    ml = BIO_get_mem_data(bio, &m);
    pem_key.data = malloc((size_t)ml);
    memcpy(pem_key.data, m, (size_t)ml);
    pem_key.len = (size_t)ml;
    BIO_free(bio);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    OPENSSL_free(der_a.data);
    OPENSSL_free(der_b.data);
    free(pem_a.data);
    free(pem_b.data);
    free(pem_key.data);
    EVP_PKEY_free(key);
    return 0;
}

static void expect_certs(const struct blob *in, size_t n, const struct blob *want0,
                         const struct blob *want1)
{
    struct tool_certs c = {NULL, 0};
    char why[128];

    assert_int_equal(tool_bundle_split(in->data, in->len, &c, why, sizeof(why)), TOOL_BUNDLE_OK);
    assert_int_equal(c.n, n);
    assert_int_equal(c.v[0].len, want0->len);
    assert_memory_equal(c.v[0].der, want0->data, want0->len);
    if (n > 1) {
        assert_int_equal(c.v[1].len, want1->len);
        assert_memory_equal(c.v[1].der, want1->data, want1->len);
    }
    tool_certs_clear(&c);
}

static void test_pem(void **state)
{
    struct blob chain = {NULL, 0};

    (void)state;
    expect_certs(&pem_a, 1, &der_a, NULL);
    /* A chain with text before, between and after the blocks (openssl x509 -text style). */
    cat(&chain, NULL, "Subject: CN=Leaf\n");
    cat(&chain, &pem_a, "\nsome words\r\n");
    cat(&chain, &pem_b, "trailing\n");
    expect_certs(&chain, 2, &der_a, &der_b);
    free(chain.data);
}

static void test_der(void **state)
{
    struct blob two = {NULL, 0};

    (void)state;
    expect_certs(&der_b, 1, &der_b, NULL);
    cat(&two, &der_a, NULL);
    cat(&two, &der_b, NULL);
    expect_certs(&two, 2, &der_a, &der_b);
    free(two.data);
}

static void expect_error(const uint8_t *data, size_t len, enum tool_bundle_rv want,
                         const char *why_part)
{
    struct tool_certs c = {NULL, 0};
    char why[128];

    /* What was collected before survives a failure untouched. */
    assert_int_equal(tool_bundle_split(der_a.data, der_a.len, &c, NULL, 0), TOOL_BUNDLE_OK);
    assert_int_equal(tool_bundle_split(data, len, &c, why, sizeof(why)), want);
    assert_non_null(strstr(why, why_part));
    assert_int_equal(c.n, 1);
    tool_certs_clear(&c);
}

static void test_errors(void **state)
{
    struct blob mixed = {NULL, 0};
    struct blob bad_pem = {NULL, 0};
    uint8_t garbage[] = {0x30, 0x03, 0x02, 0x01, 0x05};

    (void)state;
    expect_error(NULL, 0, TOOL_BUNDLE_EMPTY, "empty");
    expect_error((const uint8_t *)"hello\n", 6, TOOL_BUNDLE_BAD, "neither PEM nor DER");
    expect_error(der_a.data, der_a.len - 1, TOOL_BUNDLE_BAD, "bad DER at byte 0");
    ERR_clear_error();
    expect_error(garbage, sizeof(garbage), TOOL_BUNDLE_BAD, "not an X.509 certificate");
    /* The failed probe leaves nothing in OpenSSL's error queue for later callers. */
    assert_int_equal(ERR_peek_error(), 0);
    cat(&mixed, &pem_a, NULL);
    cat(&mixed, &pem_key, NULL);
    expect_error(mixed.data, mixed.len, TOOL_BUNDLE_NOT_CERT, "PEM block 2 is a \"PRIVATE KEY\"");
    cat(&bad_pem, NULL, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");
    expect_error(bad_pem.data, bad_pem.len, TOOL_BUNDLE_BAD, "PEM block 1");
    expect_error((const uint8_t *)"text only -----BEGIN nothing", 28, TOOL_BUNDLE_EMPTY,
                 "no certificate");
    free(mixed.data);
    free(bad_pem.data);
}

static void test_too_many(void **state)
{
    struct tool_certs c = {NULL, 0};
    struct blob many = {NULL, 0};
    char why[128];

    (void)state;
    for (int i = 0; i < TOOL_BUNDLE_MAX_CERTS + 1; i++)
        cat(&many, &der_a, NULL);
    assert_int_equal(tool_bundle_split(many.data, many.len, &c, why, sizeof(why)),
                     TOOL_BUNDLE_TOO_MANY);
    assert_int_equal(c.n, 0);
    free(many.data);
}

static void test_describe(void **state)
{
    struct tool_cert_desc d;

    (void)state;
    assert_true(tool_cert_describe(der_a.data, der_a.len, &d));
    assert_string_equal(d.subject, "CN=Leaf é, O=Tests");
    assert_string_equal(d.issuer, "CN=Leaf é, O=Tests");
    assert_string_equal(d.not_before, "2026-01-01 00:00:00 UTC");
    assert_string_equal(d.not_after, "2027-01-02 03:04:05 UTC");
    assert_false(d.ca);
    assert_int_equal(d.key_bits, 256);
    assert_true(tool_cert_describe(der_b.data, der_b.len, &d));
    assert_true(d.ca);
    assert_false(tool_cert_describe(der_a.data, der_a.len - 3, &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pem),      cmocka_unit_test(test_der),
        cmocka_unit_test(test_errors),   cmocka_unit_test(test_too_many),
        cmocka_unit_test(test_describe),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
