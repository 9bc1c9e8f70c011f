/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure decisions of the write side (token/wplan.h): the cardcf counters of
 * each operation (and what the bump does to the bytes), the container a
 * certificate belongs to, the CKA_ID alias rule, certificate checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "mdfs/cardcf.h"
#include "mdfs/ids.h"
#include "token/tok_int.h"
#include "token/wplan.h"
#include "vectors/vectors.h"

static const uint8_t exp65537[] = {0x01, 0x00, 0x01};

struct fixture {
    struct mdc_tok_objects objs;
    uint8_t id2048[MDC_ID_LEN], id1024[MDC_ID_LEN];
    uint8_t *ee, *ca;
    size_t ee_len, ca_len;
};

static void add(struct mdc_tok_objects *objs, unsigned index, const char *modname, bool kx,
                unsigned bits, uint8_t id[MDC_ID_LEN])
{
    struct mdc_tok_container c;
    size_t len;
    uint8_t *mod = vec_load(modname, &len);

    assert_non_null(mod);
    memset(&c, 0, sizeof(c));
    c.index = index;
    c.key_exchange = kx;
    c.bits = bits;
    c.name = "c";
    c.modulus = mod;
    c.modulus_len = len;
    c.exponent = exp65537;
    c.exponent_len = sizeof(exp65537);
    assert_int_equal(mdc_tok_objects_add_container(objs, &c), CKR_OK);
    assert_int_equal(mdc_mdfs_id_from_modulus(mod, len, id), MDC_MDFS_OK);
    free(mod);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));

    assert_non_null(fx);
    add(&fx->objs, 0, "rsa2048.modulus.hex", true, 2048, fx->id2048);
    add(&fx->objs, 1, "rsa1024.modulus.hex", false, 1024, fx->id1024);
    fx->ee = vec_load("ee_rsa2048.der", &fx->ee_len);
    fx->ca = vec_load("ca_rsa.der", &fx->ca_len);
    assert_non_null(fx->ee);
    assert_non_null(fx->ca);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;

    mdc_tok_objects_clear(&fx->objs);
    free(fx->ee);
    free(fx->ca);
    free(fx);
    return 0;
}

static void test_counters(void **state)
{
    /* version 17, pins 5, containers 0x01FF, files 0xFFFF, two trailing bytes */
    const uint8_t cf[] = {0x11, 0x05, 0xFF, 0x01, 0xFF, 0xFF, 0xAA, 0xBB};
    uint8_t out[sizeof(cf)];

    (void)state;
    assert_int_equal(mdc_tok_wop_counters(MDC_TOK_WOP_CERT), MDC_CARDCF_CONTAINERS | MDC_CARDCF_FILES);
    assert_int_equal(mdc_tok_wop_counters(MDC_TOK_WOP_FILE), MDC_CARDCF_FILES);
    assert_int_equal(mdc_tok_wop_counters(MDC_TOK_WOP_KEY), MDC_CARDCF_CONTAINERS | MDC_CARDCF_FILES);
    assert_int_equal(mdc_tok_wop_counters(MDC_TOK_WOP_PIN), MDC_CARDCF_PINS);
    assert_int_equal(mdc_tok_wop_counters(MDC_TOK_WOP_WIPE), MDC_CARDCF_ALL);

    /* A certificate write: containers +1 and files +1 (wrapping), the rest kept. */
    assert_int_equal(mdc_mdfs_cardcf_bump(cf, sizeof(cf), mdc_tok_wop_counters(MDC_TOK_WOP_CERT),
                                          out), MDC_MDFS_OK);
    {
        const uint8_t want[] = {0x11, 0x05, 0x00, 0x02, 0x00, 0x00, 0xAA, 0xBB};
        assert_memory_equal(out, want, sizeof(want));
    }
    /* A PIN change touches only bPinsFreshness. */
    assert_int_equal(mdc_mdfs_cardcf_bump(cf, sizeof(cf), mdc_tok_wop_counters(MDC_TOK_WOP_PIN),
                                          out), MDC_MDFS_OK);
    {
        const uint8_t want[] = {0x11, 0x06, 0xFF, 0x01, 0xFF, 0xFF, 0xAA, 0xBB};
        assert_memory_equal(out, want, sizeof(want));
    }
    /* msroots: files only. */
    assert_int_equal(mdc_mdfs_cardcf_bump(cf, sizeof(cf), mdc_tok_wop_counters(MDC_TOK_WOP_FILE),
                                          out), MDC_MDFS_OK);
    {
        const uint8_t want[] = {0x11, 0x05, 0xFF, 0x01, 0x00, 0x00, 0xAA, 0xBB};
        assert_memory_equal(out, want, sizeof(want));
    }
}

static void test_container_of_key(void **state)
{
    struct fixture *fx = *state;
    uint8_t other[MDC_ID_LEN], cert_id[MDC_ID_LEN];

    memset(other, 0x5A, sizeof(other));
    assert_int_equal(mdc_tok_container_of_key(&fx->objs, fx->id2048), 0);
    assert_int_equal(mdc_tok_container_of_key(&fx->objs, fx->id1024), 1);
    assert_int_equal(mdc_tok_container_of_key(&fx->objs, other), -1);
    /* The certificate's public key decides. */
    assert_int_equal(mdc_mdfs_id_from_cert(fx->ee, fx->ee_len, cert_id), MDC_MDFS_OK);
    assert_int_equal(mdc_tok_container_of_key(&fx->objs, cert_id), 0);
    assert_int_equal(mdc_mdfs_id_from_cert(fx->ca, fx->ca_len, cert_id), MDC_MDFS_OK);
    assert_int_equal(mdc_tok_container_of_key(&fx->objs, cert_id), -1);
}

static void test_id_verdict(void **state)
{
    struct fixture *fx = *state;
    const uint8_t idx0 = 0, idx1 = 1, idx2 = 2;
    uint8_t other[MDC_ID_LEN];

    memset(other, 0x5A, sizeof(other));
    assert_int_equal(mdc_tok_cert_id_verdict(&fx->objs, 0, fx->id2048, NULL, 0), MDC_TOK_ID_ABSENT);
    assert_int_equal(mdc_tok_cert_id_verdict(&fx->objs, 0, fx->id2048, fx->id2048, MDC_ID_LEN),
                     MDC_TOK_ID_MATCH);
    assert_int_equal(mdc_tok_cert_id_verdict(&fx->objs, 0, fx->id2048, &idx0, 1), MDC_TOK_ID_MATCH);
    /* Another key's ID or another container's index: a real conflict. */
    assert_int_equal(mdc_tok_cert_id_verdict(&fx->objs, 0, fx->id2048, fx->id1024, MDC_ID_LEN),
                     MDC_TOK_ID_CONFLICT);
    assert_int_equal(mdc_tok_cert_id_verdict(&fx->objs, 0, fx->id2048, &idx1, 1),
                     MDC_TOK_ID_CONFLICT);
    assert_int_equal(mdc_tok_cert_id_verdict(&fx->objs, 1, fx->id1024, &idx0, 1),
                     MDC_TOK_ID_CONFLICT);
    /* Names nothing: accepted with a warning. */
    assert_int_equal(mdc_tok_cert_id_verdict(&fx->objs, 0, fx->id2048, &idx2, 1),
                     MDC_TOK_ID_UNKNOWN);
    assert_int_equal(mdc_tok_cert_id_verdict(&fx->objs, 0, fx->id2048, other, MDC_ID_LEN),
                     MDC_TOK_ID_UNKNOWN);
    assert_int_equal(mdc_tok_cert_id_verdict(&fx->objs, 0, fx->id2048, other, 7),
                     MDC_TOK_ID_UNKNOWN);
}

/* A self-signed certificate made here; bcons NULL: no basicConstraints. */
static uint8_t *make_cert(const char *bcons, size_t *len)
{
    EVP_PKEY *key = EVP_RSA_gen(1024);
    X509 *x = X509_new();
    X509_EXTENSION *ext = NULL;
    unsigned char *der = NULL;
    int n;

    assert_non_null(key);
    assert_non_null(x);
    assert_int_equal(X509_set_version(x, 2), 1);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
                               (const unsigned char *)"leaf", -1, -1, 0);
    X509_set_issuer_name(x, X509_get_subject_name(x));
    X509_set_pubkey(x, key);
    if (bcons != NULL) {
        ext = X509V3_EXT_conf_nid(NULL, NULL, NID_basic_constraints, bcons);
        assert_non_null(ext);
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    assert_true(X509_sign(x, key, EVP_sha256()) > 0);
    n = i2d_X509(x, &der);
    assert_true(n > 0);
    *len = (size_t)n;
    X509_free(x);
    EVP_PKEY_free(key);
    return der;
}

static void test_cert_ca_flag(void **state)
{
    uint8_t *der;
    size_t len;
    bool ca = true;

    (void)state;
    der = make_cert("critical,CA:FALSE", &len);
    assert_true(mdc_tok_cert_parse(der, len, &ca));
    assert_false(ca);
    OPENSSL_free(der);
    ca = true;
    der = make_cert(NULL, &len);
    assert_true(mdc_tok_cert_parse(der, len, &ca));
    assert_false(ca);
    OPENSSL_free(der);
    der = make_cert("critical,CA:TRUE", &len);
    assert_true(mdc_tok_cert_parse(der, len, &ca));
    assert_true(ca);
    OPENSSL_free(der);
}

static void test_cert_parse(void **state)
{
    struct fixture *fx = *state;
    static const char pem[] = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    uint8_t *longer = malloc(fx->ee_len + 1);
    bool ca = true;

    assert_true(mdc_tok_cert_parse(fx->ee, fx->ee_len, &ca));
    assert_true(mdc_tok_cert_parse(fx->ca, fx->ca_len, &ca));
    assert_true(ca);
    assert_false(mdc_tok_cert_parse(fx->ee, fx->ee_len - 1, &ca));
    assert_false(mdc_tok_cert_parse((const uint8_t *)pem, sizeof(pem) - 1, &ca));
    assert_false(mdc_tok_cert_parse(NULL, 0, &ca));
    assert_non_null(longer);
    memcpy(longer, fx->ee, fx->ee_len);
    longer[fx->ee_len] = 0;
    assert_false(mdc_tok_cert_parse(longer, fx->ee_len + 1, &ca)); /* trailing garbage */
    free(longer);
}

static void test_session_cert(void **state)
{
    struct fixture *fx = *state;
    struct mdc_tok_objects sess = {NULL, 0};
    const struct mdc_tok_object *o;
    CK_ULONG scratch;
    const void *val;
    CK_ULONG len;

    assert_int_equal(mdc_tok_objects_add_session_cert(&sess, fx->ee, fx->ee_len, false, 40), CKR_OK);
    assert_int_equal(mdc_tok_objects_add_session_cert(&sess, fx->ca, fx->ca_len, true, 41), CKR_OK);
    assert_int_equal(mdc_tok_objects_add_session_cert(&sess, fx->ee, fx->ee_len - 1, false, 42),
                     CKR_ATTRIBUTE_VALUE_INVALID);
    assert_int_equal(sess.count, 2);
    o = mdc_tok_objects_find(&sess, 40);
    assert_non_null(o);
    /* Same CKA_ID rule as on the card: the key's SHA-1 of the modulus. */
    assert_memory_equal(o->id, fx->id2048, MDC_ID_LEN);
    assert_int_equal(mdc_tok_attr(o, CKA_TOKEN, &scratch, &val, &len), MDC_TOK_ATTR_OK);
    assert_int_equal(*(const CK_BBOOL *)val, CK_FALSE);
    assert_int_equal(mdc_tok_attr(o, CKA_DESTROYABLE, &scratch, &val, &len), MDC_TOK_ATTR_OK);
    assert_int_equal(*(const CK_BBOOL *)val, CK_TRUE);
    assert_int_equal(mdc_tok_objects_find(&sess, 41)->category, 2);
    assert_true(mdc_tok_objects_remove(&sess, 40));
    assert_false(mdc_tok_objects_remove(&sess, 40));
    assert_null(mdc_tok_objects_find(&sess, 40));
    assert_non_null(mdc_tok_objects_find(&sess, 41));
    mdc_tok_objects_clear(&sess);
}

/* A name of another valid container is never a leftover of a free one:
 * "kxc10" is container 10's (decimal writers) while 16 is free. */
static void test_certnames_ambiguous(void **state)
{
    static const char files[] = "kxc10\0kxc00\0cmapfile\0";
    struct mdc_tok_wr w;
    char names[4][6];

    (void)state;
    memset(&w, 0, sizeof(w));
    w.cm.count = 11;
    w.cm.records = calloc(w.cm.count, sizeof(*w.cm.records));
    assert_non_null(w.cm.records);
    w.cm.records[0].flags = 0x01;
    w.cm.records[10].flags = 0x01;
    w.files = (struct mdc_buf)MDC_BUF_INIT;
    assert_true(mdc_buf_append(&w.files, files, sizeof(files) - 1));

    assert_int_equal(mdc_tok_wr_certnames(&w, 16, names, 4), 0);
    assert_int_equal(mdc_tok_wr_certnames(&w, 10, names, 4), 1);
    assert_string_equal(names[0], "kxc10");
    assert_int_equal(mdc_tok_wr_certnames(&w, 0, names, 4), 1);
    assert_string_equal(names[0], "kxc00");
    /* Container 10 gone: kxc10 is an orphan, claimed by 16 (hex reading). */
    w.cm.records[10].flags = 0;
    assert_int_equal(mdc_tok_wr_certnames(&w, 16, names, 4), 1);
    assert_string_equal(names[0], "kxc10");
    mdc_buf_free(&w.files);
    free(w.cm.records);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counters),
        cmocka_unit_test(test_certnames_ambiguous),
        cmocka_unit_test_setup_teardown(test_container_of_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_verdict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cert_parse, setup, teardown),
        cmocka_unit_test(test_cert_ca_flag),
        cmocka_unit_test_setup_teardown(test_session_cert, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
