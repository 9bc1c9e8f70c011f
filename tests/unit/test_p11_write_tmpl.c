/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Write-side templates (pkcs11/wtmpl.h) as the tools send them (APPS.md):
 * pkcs11-tool --write-object, p11tool --write (with --mark-ca), the
 * C_GenerateKeyPair templates of pkcs11-tool and p11tool (no CKA_CLASS, no
 * CKA_KEY_TYPE), and their refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pkcs11/wtmpl.h"

static CK_BBOOL yes = CK_TRUE, no = CK_FALSE;
static CK_OBJECT_CLASS cert_cls = CKO_CERTIFICATE, pub_cls = CKO_PUBLIC_KEY,
                       priv_cls = CKO_PRIVATE_KEY;
static CK_CERTIFICATE_TYPE x509 = CKC_X_509, wtls = CKC_WTLS;
static CK_KEY_TYPE rsa = CKK_RSA, ec = CKK_EC;
static CK_ULONG bits2048 = 2048, ca_cat = 2;
static uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x01};
static uint8_t id01[] = {0x01};
static uint8_t f4[] = {0x01, 0x00, 0x01}, e3[] = {0x03};
static char label[] = "mycert";

#define A(t, v) {t, &(v), sizeof(v)}

static void test_class(void **state)
{
    CK_ATTRIBUTE t[] = {A(CKA_TOKEN, yes), A(CKA_CLASS, cert_cls)};
    CK_OBJECT_CLASS cls = 0;

    (void)state;
    assert_int_equal(mdc_p11_tmpl_class(t, 2, &cls), CKR_OK);
    assert_int_equal(cls, CKO_CERTIFICATE);
    assert_int_equal(mdc_p11_tmpl_class(t, 1, &cls), CKR_TEMPLATE_INCOMPLETE);
}

static void test_cert_pkcs11_tool(void **state)
{
    CK_ATTRIBUTE t[] = {
        A(CKA_TOKEN, yes),      A(CKA_VALUE, der),           A(CKA_CLASS, cert_cls),
        A(CKA_CERTIFICATE_TYPE, x509), A(CKA_PRIVATE, no),   {CKA_LABEL, label, 6},
        A(CKA_ID, id01),        A(CKA_SUBJECT, der),         A(CKA_ISSUER, der),
        A(CKA_SERIAL_NUMBER, der),
    };
    struct mdc_p11_cert_tmpl ct;

    (void)state;
    assert_int_equal(mdc_p11_tmpl_cert(t, 10, &ct), CKR_OK);
    assert_true(ct.token);
    assert_ptr_equal(ct.value, der);
    assert_int_equal(ct.value_len, sizeof(der));
    assert_int_equal(ct.id_len, 1);
    assert_int_equal(ct.id[0], 1);
    assert_true(ct.has_label);
    assert_false(ct.ca);
}

static void test_cert_p11tool_ca(void **state)
{
    CK_ATTRIBUTE t[] = {
        A(CKA_CLASS, cert_cls), A(CKA_VALUE, der), A(CKA_TOKEN, yes),
        A(CKA_CERTIFICATE_TYPE, x509), A(CKA_CERTIFICATE_CATEGORY, ca_cat), A(CKA_TRUSTED, yes),
    };
    struct mdc_p11_cert_tmpl ct;

    (void)state;
    assert_int_equal(mdc_p11_tmpl_cert(t, 6, &ct), CKR_OK);
    assert_true(ct.ca);
    assert_null(ct.id);
    assert_false(ct.has_label);
}

static void test_cert_refusals(void **state)
{
    CK_ATTRIBUTE no_value[] = {A(CKA_CLASS, cert_cls), A(CKA_TOKEN, yes)};
    CK_ATTRIBUTE wrong_type[] = {A(CKA_CLASS, cert_cls), A(CKA_VALUE, der),
                                 A(CKA_CERTIFICATE_TYPE, wtls)};
    CK_ATTRIBUTE unknown[] = {A(CKA_CLASS, cert_cls), A(CKA_VALUE, der), A(CKA_MODULUS, der)};
    CK_ATTRIBUTE bad_bool[] = {A(CKA_CLASS, cert_cls), A(CKA_VALUE, der), {CKA_TOKEN, der, 5}};
    struct mdc_p11_cert_tmpl ct;

    (void)state;
    assert_int_equal(mdc_p11_tmpl_cert(no_value, 2, &ct), CKR_TEMPLATE_INCOMPLETE);
    assert_int_equal(mdc_p11_tmpl_cert(wrong_type, 3, &ct), CKR_ATTRIBUTE_VALUE_INVALID);
    assert_int_equal(mdc_p11_tmpl_cert(unknown, 3, &ct), CKR_ATTRIBUTE_TYPE_INVALID);
    assert_int_equal(mdc_p11_tmpl_cert(bad_bool, 3, &ct), CKR_ATTRIBUTE_VALUE_INVALID);
}

static void test_keygen_pkcs11_tool(void **state)
{
    CK_ATTRIBUTE pub[] = {
        A(CKA_CLASS, pub_cls), A(CKA_TOKEN, yes), A(CKA_MODULUS_BITS, bits2048),
        A(CKA_PUBLIC_EXPONENT, f4), A(CKA_VERIFY, yes), A(CKA_ENCRYPT, yes),
        A(CKA_KEY_TYPE, rsa), {CKA_LABEL, label, 6}, A(CKA_ID, id01), A(CKA_PRIVATE, no),
    };
    CK_ATTRIBUTE priv[] = {
        A(CKA_CLASS, priv_cls), A(CKA_TOKEN, yes), A(CKA_PRIVATE, yes), A(CKA_SENSITIVE, yes),
        A(CKA_SIGN, yes), A(CKA_DECRYPT, yes), A(CKA_KEY_TYPE, rsa), {CKA_LABEL, label, 6},
        A(CKA_ID, id01),
    };
    CK_ATTRIBUTE priv_sign[] = {A(CKA_SIGN, yes), A(CKA_DECRYPT, no)};
    CK_ATTRIBUTE priv_sign_only[] = {A(CKA_SIGN, yes)};
    CK_ATTRIBUTE priv_decrypt_only[] = {A(CKA_DECRYPT, yes)};
    struct mdc_p11_keygen_tmpl kt;

    (void)state;
    assert_int_equal(mdc_p11_tmpl_keygen(pub, 10, priv, 9, &kt), CKR_OK);
    assert_int_equal(kt.bits, 2048);
    assert_true(kt.key_exchange);
    assert_true(kt.id_given);
    assert_true(kt.label_given);
    /* --usage-sign: a signature-only container. */
    assert_int_equal(mdc_p11_tmpl_keygen(pub, 10, priv_sign, 2, &kt), CKR_OK);
    assert_false(kt.key_exchange);
    /* pkcs11-tool --usage-sign: CKA_SIGN alone. */
    assert_int_equal(mdc_p11_tmpl_keygen(pub, 10, priv_sign_only, 1, &kt), CKR_OK);
    assert_false(kt.key_exchange);
    /* --usage-decrypt, or no usage at all: key exchange. */
    assert_int_equal(mdc_p11_tmpl_keygen(pub, 10, priv_decrypt_only, 1, &kt), CKR_OK);
    assert_true(kt.key_exchange);
    assert_int_equal(mdc_p11_tmpl_keygen(pub, 10, NULL, 0, &kt), CKR_OK);
    assert_true(kt.key_exchange);
}

static void test_keygen_p11tool(void **state)
{
    CK_ATTRIBUTE pub[] = {
        A(CKA_TOKEN, yes), A(CKA_PRIVATE, no), A(CKA_ID, id01), A(CKA_ENCRYPT, yes),
        A(CKA_VERIFY, yes), A(CKA_MODULUS_BITS, bits2048), A(CKA_PUBLIC_EXPONENT, f4),
        {CKA_LABEL, label, 6},
    };
    CK_ATTRIBUTE priv[] = {
        A(CKA_ID, id01), A(CKA_DECRYPT, yes), A(CKA_SIGN, yes), A(CKA_PRIVATE, yes),
        A(CKA_TOKEN, yes), {CKA_LABEL, label, 6}, A(CKA_SENSITIVE, yes),
    };
    struct mdc_p11_keygen_tmpl kt;

    (void)state;
    assert_int_equal(mdc_p11_tmpl_keygen(pub, 8, priv, 7, &kt), CKR_OK);
    assert_int_equal(kt.bits, 2048);
    assert_true(kt.key_exchange);
}

static void test_keygen_refusals(void **state)
{
    CK_ATTRIBUTE no_bits[] = {A(CKA_PUBLIC_EXPONENT, f4)};
    CK_ATTRIBUTE e3_pub[] = {A(CKA_MODULUS_BITS, bits2048), A(CKA_PUBLIC_EXPONENT, e3)};
    CK_ATTRIBUTE ec_pub[] = {A(CKA_MODULUS_BITS, bits2048), A(CKA_KEY_TYPE, ec)};
    CK_ATTRIBUTE swapped[] = {A(CKA_MODULUS_BITS, bits2048), A(CKA_CLASS, priv_cls)};
    CK_ATTRIBUTE session[] = {A(CKA_MODULUS_BITS, bits2048), A(CKA_TOKEN, no)};
    CK_ATTRIBUTE ok_pub[] = {A(CKA_MODULUS_BITS, bits2048)};
    CK_ATTRIBUTE useless[] = {A(CKA_SIGN, no), A(CKA_DECRYPT, no)};
    struct mdc_p11_keygen_tmpl kt;

    (void)state;
    assert_int_equal(mdc_p11_tmpl_keygen(no_bits, 1, NULL, 0, &kt), CKR_TEMPLATE_INCOMPLETE);
    assert_int_equal(mdc_p11_tmpl_keygen(e3_pub, 2, NULL, 0, &kt), CKR_TEMPLATE_INCONSISTENT);
    assert_int_equal(mdc_p11_tmpl_keygen(ec_pub, 2, NULL, 0, &kt), CKR_TEMPLATE_INCONSISTENT);
    assert_int_equal(mdc_p11_tmpl_keygen(swapped, 2, NULL, 0, &kt), CKR_TEMPLATE_INCONSISTENT);
    assert_int_equal(mdc_p11_tmpl_keygen(session, 2, NULL, 0, &kt), CKR_TEMPLATE_INCONSISTENT);
    assert_int_equal(mdc_p11_tmpl_keygen(ok_pub, 1, useless, 2, &kt), CKR_TEMPLATE_INCONSISTENT);
    assert_int_equal(mdc_p11_tmpl_keygen(ok_pub, 1, NULL, 0, &kt), CKR_OK);
}

static void test_rsa_private(void **state)
{
    CK_ATTRIBUTE t[] = {
        A(CKA_CLASS, priv_cls), A(CKA_KEY_TYPE, rsa), A(CKA_TOKEN, yes),
        A(CKA_MODULUS, der), A(CKA_PUBLIC_EXPONENT, f4), A(CKA_PRIVATE_EXPONENT, der),
        A(CKA_PRIME_1, der), A(CKA_PRIME_2, der), A(CKA_EXPONENT_1, der),
        A(CKA_EXPONENT_2, der), A(CKA_COEFFICIENT, der), A(CKA_DECRYPT, no),
    };
    struct mdc_p11_rsa_tmpl rt;

    (void)state;
    assert_int_equal(mdc_p11_tmpl_rsa_private(t, 12, &rt), CKR_OK);
    assert_true(rt.token);
    assert_false(rt.key_exchange);
    assert_ptr_equal(rt.qinv->pValue, der);
    /* Without the coefficient: incomplete. */
    assert_int_equal(mdc_p11_tmpl_rsa_private(t, 10, &rt), CKR_TEMPLATE_INCOMPLETE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_class),
        cmocka_unit_test(test_cert_pkcs11_tool),
        cmocka_unit_test(test_cert_p11tool_ca),
        cmocka_unit_test(test_cert_refusals),
        cmocka_unit_test(test_keygen_pkcs11_tool),
        cmocka_unit_test(test_keygen_p11tool),
        cmocka_unit_test(test_keygen_refusals),
        cmocka_unit_test(test_rsa_private),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
