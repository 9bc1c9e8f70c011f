/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Token objects from given card data (token/objects.h): enumeration of a
 * container with and without certificate and of msroots, CKA_ID pairing,
 * labels, stable handles, the C_GetAttributeValue buffer protocol and
 * template matching.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "token/objects.h"
#include "vectors/vectors.h"

static const uint8_t exp65537[] = {0x01, 0x00, 0x01};

struct fixture {
    uint8_t *modulus, *cert, *msroots, id[MDC_ID_LEN], ca_id[MDC_ID_LEN];
    size_t modulus_len, cert_len, msroots_len;
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    uint8_t *id, *ca_id;
    size_t n, m;

    assert_non_null(fx);
    fx->modulus = vec_load("rsa2048.modulus.hex", &fx->modulus_len);
    fx->cert = vec_load("ee_rsa2048.der", &fx->cert_len);
    fx->msroots = vec_load("msroots_two.z", &fx->msroots_len);
    id = vec_load("rsa2048.id.hex", &n);
    ca_id = vec_load("ca_rsa.id.hex", &m);
    assert_non_null(fx->modulus);
    assert_non_null(fx->cert);
    assert_non_null(fx->msroots);
    assert_int_equal(n, MDC_ID_LEN);
    assert_int_equal(m, MDC_ID_LEN);
    memcpy(fx->id, id, n);
    memcpy(fx->ca_id, ca_id, m);
    free(id);
    free(ca_id);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;

    free(fx->modulus);
    free(fx->cert);
    free(fx->msroots);
    free(fx);
    return 0;
}

static struct mdc_tok_container container(const struct fixture *fx, bool with_cert, bool kx)
{
    struct mdc_tok_container c;

    memset(&c, 0, sizeof(c));
    c.index = 3;
    c.key_exchange = kx;
    c.bits = 2048;
    c.name = "le-container-name";
    c.modulus = fx->modulus;
    c.modulus_len = fx->modulus_len;
    c.exponent = exp65537;
    c.exponent_len = sizeof(exp65537);
    if (with_cert) {
        c.cert = fx->cert;
        c.cert_len = fx->cert_len;
        c.cert_file = kx ? "kxc03" : "ksc03";
    }
    return c;
}

static const struct mdc_tok_object *by_class(const struct mdc_tok_objects *o, CK_OBJECT_CLASS cls,
                                             size_t nth)
{
    for (size_t i = 0; i < o->count; i++)
        if (o->items[i].cls == cls && nth-- == 0)
            return &o->items[i];
    return NULL;
}

static CK_BBOOL get_bool(const struct mdc_tok_object *o, CK_ATTRIBUTE_TYPE t)
{
    CK_BBOOL b = 0xAA;
    CK_ATTRIBUTE a = {t, &b, sizeof(b)};

    assert_int_equal(mdc_tok_get_attributes_of(o, &a, 1), CKR_OK);
    assert_int_equal(a.ulValueLen, sizeof(b));
    return b;
}

static void test_container_with_cert(void **state)
{
    struct fixture *fx = *state;
    struct mdc_tok_container c = container(fx, true, true);
    struct mdc_tok_objects objs = {NULL, 0};
    const struct mdc_tok_object *priv, *pub, *cert;
    CK_OBJECT_HANDLE next = 0;

    assert_int_equal(mdc_tok_objects_add_container(&objs, &c), CKR_OK);
    assert_int_equal(objs.count, 3);
    mdc_tok_objects_assign_handles(&objs, NULL, &next);
    priv = by_class(&objs, CKO_PRIVATE_KEY, 0);
    pub = by_class(&objs, CKO_PUBLIC_KEY, 0);
    cert = by_class(&objs, CKO_CERTIFICATE, 0);
    assert_non_null(priv);
    assert_non_null(pub);
    assert_non_null(cert);
    /* CKA_ID: SHA-1 of the modulus, the same on all three (NSS pairs by it). */
    assert_memory_equal(priv->id, fx->id, MDC_ID_LEN);
    assert_memory_equal(pub->id, fx->id, MDC_ID_LEN);
    assert_memory_equal(cert->id, fx->id, MDC_ID_LEN);
    /* Label: the certificate's subject CN, on keys and certificate. */
    assert_string_equal(priv->label, "mdcard test user");
    assert_string_equal(pub->label, "mdcard test user");
    assert_string_equal(cert->label, "mdcard test user");
    assert_int_equal(priv->bits, 2048);
    /* Handles: never 0 (CK_INVALID_HANDLE), all different. */
    assert_true(priv->handle != CK_INVALID_HANDLE);
    assert_true(priv->handle != pub->handle && pub->handle != cert->handle);
    /* Key-exchange key: signs and decrypts. */
    assert_int_equal(get_bool(priv, CKA_SIGN), CK_TRUE);
    assert_int_equal(get_bool(priv, CKA_DECRYPT), CK_TRUE);
    assert_int_equal(get_bool(pub, CKA_ENCRYPT), CK_TRUE);
    assert_int_equal(get_bool(priv, CKA_PRIVATE), CK_TRUE);
    assert_int_equal(get_bool(pub, CKA_PRIVATE), CK_FALSE);
    assert_int_equal(get_bool(cert, CKA_PRIVATE), CK_FALSE);
    assert_int_equal(get_bool(priv, CKA_SENSITIVE), CK_TRUE);
    assert_int_equal(get_bool(priv, CKA_EXTRACTABLE), CK_FALSE);
    assert_int_equal(get_bool(priv, CKA_LOCAL), CK_FALSE);
    /* The key's subject is the certificate's. */
    assert_int_equal(priv->subject_len, cert->subject_len);
    assert_memory_equal(priv->subject, cert->subject, cert->subject_len);
    mdc_tok_objects_clear(&objs);
}

static void test_signature_key_without_cert(void **state)
{
    struct fixture *fx = *state;
    struct mdc_tok_container c = container(fx, false, false);
    struct mdc_tok_objects objs = {NULL, 0};
    const struct mdc_tok_object *priv, *pub;
    CK_ATTRIBUTE a = {CKA_SUBJECT, NULL, 0};

    assert_int_equal(mdc_tok_objects_add_container(&objs, &c), CKR_OK);
    assert_int_equal(objs.count, 2);
    priv = by_class(&objs, CKO_PRIVATE_KEY, 0);
    pub = by_class(&objs, CKO_PUBLIC_KEY, 0);
    /* No certificate: the container name is the label. */
    assert_string_equal(priv->label, "le-container-name");
    assert_int_equal(get_bool(priv, CKA_SIGN), CK_TRUE);
    assert_int_equal(get_bool(priv, CKA_DECRYPT), CK_FALSE);
    assert_int_equal(get_bool(pub, CKA_ENCRYPT), CK_FALSE);
    assert_int_equal(get_bool(pub, CKA_VERIFY), CK_TRUE);
    assert_int_equal(mdc_tok_get_attributes_of(priv, &a, 1), CKR_OK);
    assert_int_equal(a.ulValueLen, 0); /* empty subject */
    mdc_tok_objects_clear(&objs);
}

static void test_msroots(void **state)
{
    struct fixture *fx = *state;
    struct mdc_tok_objects objs = {NULL, 0};
    const struct mdc_tok_object *ca;
    CK_ULONG cat = 99;
    CK_ATTRIBUTE a = {CKA_CERTIFICATE_CATEGORY, &cat, sizeof(cat)};
    bool found = false;

    assert_int_equal(mdc_tok_objects_add_msroots(&objs, fx->msroots, fx->msroots_len), CKR_OK);
    assert_int_equal(objs.count, 2);
    for (size_t i = 0; i < objs.count; i++) {
        ca = &objs.items[i];
        assert_int_equal(ca->cls, CKO_CERTIFICATE);
        assert_int_equal(mdc_tok_get_attributes_of(ca, &a, 1), CKR_OK);
        assert_int_equal(cat, 2); /* authority */
        if (memcmp(ca->id, fx->ca_id, MDC_ID_LEN) == 0) {
            found = true;
            assert_string_equal(ca->label, "mdcard test root RSA");
        }
    }
    assert_true(found);
    /* A broken file adds nothing and is not an error. */
    assert_int_equal(mdc_tok_objects_add_msroots(&objs, (const uint8_t *)"\x30\x03\x02", 3),
                     CKR_OK);
    assert_int_equal(objs.count, 2);
    mdc_tok_objects_clear(&objs);
}

static void test_stable_handles(void **state)
{
    struct fixture *fx = *state;
    struct mdc_tok_container c = container(fx, true, true);
    struct mdc_tok_objects before = {NULL, 0}, after = {NULL, 0};
    CK_OBJECT_HANDLE next = 0;

    assert_int_equal(mdc_tok_objects_add_container(&before, &c), CKR_OK);
    mdc_tok_objects_assign_handles(&before, NULL, &next);
    /* Re-enumerated after a change elsewhere: the certificate is gone,
     * the keys are unchanged and keep their handles. */
    c.cert = NULL;
    assert_int_equal(mdc_tok_objects_add_container(&after, &c), CKR_OK);
    assert_int_equal(mdc_tok_objects_add_msroots(&after, fx->msroots, fx->msroots_len), CKR_OK);
    mdc_tok_objects_assign_handles(&after, &before, &next);
    assert_int_equal(after.items[0].handle, before.items[0].handle);
    assert_int_equal(after.items[1].handle, before.items[1].handle);
    /* New objects get new handles, never a vanished object's one. */
    assert_true(after.items[2].handle > before.items[2].handle);
    assert_non_null(mdc_tok_objects_find(&after, before.items[0].handle));
    assert_null(mdc_tok_objects_find(&after, before.items[2].handle));
    mdc_tok_objects_clear(&before);
    mdc_tok_objects_clear(&after);
}

static void test_attribute_protocol(void **state)
{
    struct fixture *fx = *state;
    struct mdc_tok_container c = container(fx, true, true);
    struct mdc_tok_objects objs = {NULL, 0};
    const struct mdc_tok_object *priv, *cert;
    CK_BYTE small[4], modulus[512], value[4096];
    CK_OBJECT_CLASS cls = 0;
    CK_ATTRIBUTE t[4];

    assert_int_equal(mdc_tok_objects_add_container(&objs, &c), CKR_OK);
    priv = by_class(&objs, CKO_PRIVATE_KEY, 0);
    cert = by_class(&objs, CKO_CERTIFICATE, 0);

    /* NULL pValue: the length only. */
    t[0] = (CK_ATTRIBUTE){CKA_MODULUS, NULL, 0};
    assert_int_equal(mdc_tok_get_attributes_of(priv, t, 1), CKR_OK);
    assert_int_equal(t[0].ulValueLen, 256);

    /* Every failure answered per attribute, the rest still filled. */
    t[0] = (CK_ATTRIBUTE){CKA_CLASS, &cls, sizeof(cls)};
    t[1] = (CK_ATTRIBUTE){CKA_LABEL, small, sizeof(small)};
    t[2] = (CK_ATTRIBUTE){0x80001234UL, modulus, sizeof(modulus)};
    t[3] = (CK_ATTRIBUTE){CKA_MODULUS, modulus, sizeof(modulus)};
    assert_int_equal(mdc_tok_get_attributes_of(priv, t, 4), CKR_ATTRIBUTE_TYPE_INVALID);
    assert_int_equal(cls, CKO_PRIVATE_KEY);
    assert_int_equal(t[0].ulValueLen, sizeof(cls));
    assert_int_equal(t[1].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    assert_int_equal(t[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    assert_int_equal(t[3].ulValueLen, 256);
    assert_memory_equal(modulus, fx->modulus + (fx->modulus_len - 256), 256);

    /* Too small alone. */
    t[0] = (CK_ATTRIBUTE){CKA_LABEL, small, sizeof(small)};
    assert_int_equal(mdc_tok_get_attributes_of(priv, t, 1), CKR_BUFFER_TOO_SMALL);
    assert_int_equal(t[0].ulValueLen, CK_UNAVAILABLE_INFORMATION);

    /* Sensitive wins over the others. */
    t[0] = (CK_ATTRIBUTE){CKA_PRIVATE_EXPONENT, modulus, sizeof(modulus)};
    t[1] = (CK_ATTRIBUTE){CKA_LABEL, small, sizeof(small)};
    t[2] = (CK_ATTRIBUTE){CKA_VALUE, NULL, 0};
    assert_int_equal(mdc_tok_get_attributes_of(priv, t, 3), CKR_ATTRIBUTE_SENSITIVE);
    assert_int_equal(t[0].ulValueLen, CK_UNAVAILABLE_INFORMATION);
    assert_int_equal(t[2].ulValueLen, CK_UNAVAILABLE_INFORMATION);

    /* A certificate's value is the DER as given; CKA_SERIAL_NUMBER keeps
     * its INTEGER tag and length. */
    t[0] = (CK_ATTRIBUTE){CKA_VALUE, value, sizeof(value)};
    t[1] = (CK_ATTRIBUTE){CKA_SERIAL_NUMBER, modulus, sizeof(modulus)};
    assert_int_equal(mdc_tok_get_attributes_of(cert, t, 2), CKR_OK);
    assert_int_equal(t[0].ulValueLen, fx->cert_len);
    assert_memory_equal(value, fx->cert, fx->cert_len);
    assert_int_equal(modulus[0], 0x02);
    assert_int_equal(modulus[1], t[1].ulValueLen - 2);
    mdc_tok_objects_clear(&objs);
}

static void test_match(void **state)
{
    struct fixture *fx = *state;
    struct mdc_tok_container c = container(fx, true, true);
    struct mdc_tok_objects objs = {NULL, 0};
    const struct mdc_tok_object *priv, *cert;
    CK_OBJECT_CLASS cls_priv = CKO_PRIVATE_KEY, nss_trust = 0xCE534353UL;
    CK_BBOOL yes = CK_TRUE;
    uint8_t other_id[MDC_ID_LEN] = {0};
    CK_ATTRIBUTE t[2];

    assert_int_equal(mdc_tok_objects_add_container(&objs, &c), CKR_OK);
    priv = by_class(&objs, CKO_PRIVATE_KEY, 0);
    cert = by_class(&objs, CKO_CERTIFICATE, 0);
    assert_true(mdc_tok_match(priv, NULL, 0)); /* empty template: everything */
    /* NSS's key lookup: {CKA_ID, CKA_CLASS}. */
    t[0] = (CK_ATTRIBUTE){CKA_ID, fx->id, MDC_ID_LEN};
    t[1] = (CK_ATTRIBUTE){CKA_CLASS, &cls_priv, sizeof(cls_priv)};
    assert_true(mdc_tok_match(priv, t, 2));
    assert_false(mdc_tok_match(cert, t, 2));
    t[0] = (CK_ATTRIBUTE){CKA_ID, other_id, MDC_ID_LEN};
    assert_false(mdc_tok_match(priv, t, 2));
    /* A prefix of the value is not the value. */
    t[0] = (CK_ATTRIBUTE){CKA_ID, fx->id, MDC_ID_LEN - 1};
    assert_false(mdc_tok_match(priv, t, 1));
    /* NSS classes and unknown or sensitive attributes match nothing. */
    t[0] = (CK_ATTRIBUTE){CKA_CLASS, &nss_trust, sizeof(nss_trust)};
    assert_false(mdc_tok_match(cert, t, 1));
    t[0] = (CK_ATTRIBUTE){0x80001234UL, &yes, sizeof(yes)};
    assert_false(mdc_tok_match(cert, t, 1));
    t[0] = (CK_ATTRIBUTE){CKA_VALUE, NULL, 0};
    assert_false(mdc_tok_match(priv, t, 1));
    t[0] = (CK_ATTRIBUTE){CKA_TOKEN, &yes, sizeof(yes)};
    assert_true(mdc_tok_match(cert, t, 1));
    mdc_tok_objects_clear(&objs);
}

static void test_label_rule(void **state)
{
    struct fixture *fx = *state;
    char *l;

    l = mdc_tok_label_for(fx->cert, fx->cert_len, "name");
    assert_string_equal(l, "mdcard test user");
    free(l);
    l = mdc_tok_label_for(NULL, 0, "name");
    assert_string_equal(l, "name");
    free(l);
    /* Garbage where a certificate should be: the name. */
    l = mdc_tok_label_for((const uint8_t *)"\x30\x01\x00", 3, "name");
    assert_string_equal(l, "name");
    free(l);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_container_with_cert),
        cmocka_unit_test(test_signature_key_without_cert),
        cmocka_unit_test(test_msroots),
        cmocka_unit_test(test_stable_handles),
        cmocka_unit_test(test_attribute_protocol),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_label_rule),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
