/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/pkcs11/mech.c: the mechanism table and parameter validation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pkcs11/mech.h"

#include <string.h>

/* What the token must offer (brief / DESIGN.md section 2), with the flags. */
#define SV (CKF_HW | CKF_SIGN | CKF_VERIFY)
#define ALL (SV | CKF_ENCRYPT | CKF_DECRYPT)
static const struct {
    CK_MECHANISM_TYPE type;
    CK_FLAGS flags;
} expected[] = {
    {CKM_RSA_PKCS, ALL},           {CKM_RSA_X_509, ALL},
    {CKM_SHA1_RSA_PKCS, SV},       {CKM_SHA224_RSA_PKCS, SV},
    {CKM_SHA256_RSA_PKCS, SV},     {CKM_SHA384_RSA_PKCS, SV},
    {CKM_SHA512_RSA_PKCS, SV},     {CKM_RSA_PKCS_PSS, SV},
    {CKM_SHA1_RSA_PKCS_PSS, SV},   {CKM_SHA224_RSA_PKCS_PSS, SV},
    {CKM_SHA256_RSA_PKCS_PSS, SV}, {CKM_SHA384_RSA_PKCS_PSS, SV},
    {CKM_SHA512_RSA_PKCS_PSS, SV}, {CKM_RSA_PKCS_OAEP, CKF_HW | CKF_ENCRYPT | CKF_DECRYPT},
    {CKM_RSA_PKCS_KEY_PAIR_GEN, CKF_HW | CKF_GENERATE_KEY_PAIR},
    {CKM_SHA_1, CKF_DIGEST},       {CKM_SHA224, CKF_DIGEST},
    {CKM_SHA256, CKF_DIGEST},      {CKM_SHA384, CKF_DIGEST},
    {CKM_SHA512, CKF_DIGEST},
};
#define N_EXPECTED (sizeof(expected) / sizeof(expected[0]))

static void test_list_two_calls(void **state)
{
    CK_MECHANISM_TYPE list[32];
    CK_ULONG count = 0;

    (void)state;
    assert_int_equal(mdc_p11_mech_list(NULL, &count), CKR_OK);
    assert_int_equal(count, N_EXPECTED);

    count = N_EXPECTED - 1;
    assert_int_equal(mdc_p11_mech_list(list, &count), CKR_BUFFER_TOO_SMALL);
    assert_int_equal(count, N_EXPECTED);
    count = 0;
    assert_int_equal(mdc_p11_mech_list(list, &count), CKR_BUFFER_TOO_SMALL);
    assert_int_equal(count, N_EXPECTED);

    count = 32;
    assert_int_equal(mdc_p11_mech_list(list, &count), CKR_OK);
    assert_int_equal(count, N_EXPECTED);
    for (size_t i = 0; i < N_EXPECTED; i++) {
        size_t found = 0;
        for (size_t j = 0; j < count; j++)
            found += list[j] == expected[i].type;
        assert_int_equal(found, 1);
    }
    assert_int_equal(mdc_p11_mech_list(list, NULL), CKR_ARGUMENTS_BAD);
}

static void test_info(void **state)
{
    CK_MECHANISM_INFO info;

    (void)state;
    for (size_t i = 0; i < N_EXPECTED; i++) {
        memset(&info, 0xAA, sizeof(info));
        assert_int_equal(mdc_p11_mech_info(expected[i].type, 1024, 4096, &info), CKR_OK);
        assert_int_equal(info.flags, expected[i].flags);
        if (expected[i].flags & CKF_HW) {
            assert_int_equal(info.ulMinKeySize, 1024);
            assert_int_equal(info.ulMaxKeySize, 4096);
        } else {
            assert_int_equal(info.ulMinKeySize, 0);
            assert_int_equal(info.ulMaxKeySize, 0);
        }
    }
    /* sizes come from the caller */
    assert_int_equal(mdc_p11_mech_info(CKM_RSA_PKCS, 512, 2048, &info), CKR_OK);
    assert_int_equal(info.ulMinKeySize, 512);
    assert_int_equal(info.ulMaxKeySize, 2048);

    assert_int_equal(mdc_p11_mech_info(CKM_MD5, 1024, 4096, &info), CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_info(CKM_ECDSA, 1024, 4096, &info), CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_info(CKM_RSA_X9_31_KEY_PAIR_GEN, 1024, 4096, &info),
                     CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_info(CKM_RSA_PKCS, 1024, 4096, NULL), CKR_ARGUMENTS_BAD);
}

static void test_find_rows(void **state)
{
    const mdc_p11_mech *m;

    (void)state;
    m = mdc_p11_mech_find(CKM_SHA384_RSA_PKCS_PSS);
    assert_non_null(m);
    assert_int_equal(m->kind, MDC_P11_MECH_RSA_PSS);
    assert_int_equal(m->hash, CKM_SHA384);
    m = mdc_p11_mech_find(CKM_SHA224_RSA_PKCS);
    assert_non_null(m);
    assert_int_equal(m->kind, MDC_P11_MECH_RSA_PKCS);
    assert_int_equal(m->hash, CKM_SHA224);
    m = mdc_p11_mech_find(CKM_RSA_PKCS);
    assert_non_null(m);
    assert_int_equal(m->hash, 0);
    m = mdc_p11_mech_find(CKM_RSA_X_509);
    assert_non_null(m);
    assert_int_equal(m->kind, MDC_P11_MECH_RSA_X509);
    m = mdc_p11_mech_find(CKM_RSA_PKCS_OAEP);
    assert_non_null(m);
    assert_int_equal(m->kind, MDC_P11_MECH_RSA_OAEP);
    m = mdc_p11_mech_find(CKM_SHA512);
    assert_non_null(m);
    assert_int_equal(m->kind, MDC_P11_MECH_DIGEST);
    assert_int_equal(m->hash, CKM_SHA512);
    assert_false(m->card_key);
    assert_null(mdc_p11_mech_find(CKM_MD5_RSA_PKCS));
}

static void test_for_op(void **state)
{
    const mdc_p11_mech *m = NULL;

    (void)state;
    assert_int_equal(mdc_p11_mech_for_op(CKM_SHA256_RSA_PKCS, CKF_SIGN, &m), CKR_OK);
    assert_non_null(m);
    assert_int_equal(m->type, CKM_SHA256_RSA_PKCS);
    assert_int_equal(mdc_p11_mech_for_op(CKM_SHA256_RSA_PKCS, CKF_VERIFY, &m), CKR_OK);
    assert_int_equal(mdc_p11_mech_for_op(CKM_SHA256_RSA_PKCS, CKF_DECRYPT, &m),
                     CKR_MECHANISM_INVALID);
    assert_null(m);
    assert_int_equal(mdc_p11_mech_for_op(CKM_SHA256_RSA_PKCS, CKF_ENCRYPT, &m),
                     CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_for_op(CKM_RSA_PKCS_OAEP, CKF_SIGN, &m), CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_for_op(CKM_RSA_PKCS_OAEP, CKF_DECRYPT, &m), CKR_OK);
    assert_int_equal(mdc_p11_mech_for_op(CKM_RSA_PKCS, CKF_ENCRYPT, &m), CKR_OK);
    assert_int_equal(mdc_p11_mech_for_op(CKM_RSA_X_509, CKF_DECRYPT, &m), CKR_OK);
    assert_int_equal(mdc_p11_mech_for_op(CKM_SHA256, CKF_DIGEST, &m), CKR_OK);
    assert_int_equal(mdc_p11_mech_for_op(CKM_SHA256, CKF_SIGN, &m), CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_for_op(CKM_RSA_PKCS, CKF_DIGEST, &m), CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_for_op(CKM_RSA_PKCS, CKF_GENERATE_KEY_PAIR, &m),
                     CKR_MECHANISM_INVALID);
    /* not an operation, or two at once */
    assert_int_equal(mdc_p11_mech_for_op(CKM_RSA_PKCS, CKF_HW, &m), CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_for_op(CKM_RSA_PKCS, CKF_SIGN | CKF_DECRYPT, &m),
                     CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_for_op(CKM_RSA_PKCS, 0, &m), CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_for_op(CKM_MD5, CKF_DIGEST, &m), CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_for_op(CKM_RSA_PKCS, CKF_SIGN, NULL), CKR_OK);
}

static void test_mgf_hash(void **state)
{
    (void)state;
    assert_int_equal(mdc_p11_mgf_hash(CKG_MGF1_SHA1), CKM_SHA_1);
    assert_int_equal(mdc_p11_mgf_hash(CKG_MGF1_SHA224), CKM_SHA224);
    assert_int_equal(mdc_p11_mgf_hash(CKG_MGF1_SHA256), CKM_SHA256);
    assert_int_equal(mdc_p11_mgf_hash(CKG_MGF1_SHA384), CKM_SHA384);
    assert_int_equal(mdc_p11_mgf_hash(CKG_MGF1_SHA512), CKM_SHA512);
    assert_int_equal(mdc_p11_mgf_hash(0), 0);
    assert_int_equal(mdc_p11_mgf_hash(6), 0);
}

/* ---- parameters ---- */

static CK_RV parse(CK_MECHANISM_TYPE type, void *p, CK_ULONG len, CK_ULONG bits,
                   mdc_p11_mech_params *out)
{
    CK_MECHANISM m = {type, p, len};
    return mdc_p11_mech_params_parse(&m, bits, out);
}

static void test_no_param_mechanisms(void **state)
{
    mdc_p11_mech_params out;
    CK_BYTE junk[8] = {0};
    CK_RSA_PKCS_PSS_PARAMS pss = {CKM_SHA256, CKG_MGF1_SHA256, 32};

    (void)state;
    assert_int_equal(parse(CKM_RSA_PKCS, NULL, 0, 2048, &out), CKR_OK);
    assert_int_equal(out.hash, 0);
    assert_int_equal(parse(CKM_SHA384_RSA_PKCS, NULL, 0, 2048, &out), CKR_OK);
    assert_int_equal(out.hash, CKM_SHA384);
    assert_int_equal(out.mgf_hash, 0);
    assert_int_equal(parse(CKM_SHA_1, NULL, 0, 0, &out), CKR_OK);
    assert_int_equal(out.hash, CKM_SHA_1);
    assert_int_equal(parse(CKM_RSA_X_509, NULL, 0, 2048, &out), CKR_OK);

    assert_int_equal(parse(CKM_RSA_PKCS, junk, sizeof(junk), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_RSA_PKCS, NULL, 8, 2048, &out), CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_RSA_PKCS, junk, 0, 2048, &out), CKR_MECHANISM_PARAM_INVALID);
    /* a PSS parameter on a non-PSS mechanism */
    assert_int_equal(parse(CKM_SHA256_RSA_PKCS, &pss, sizeof(pss), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_SHA256, &pss, sizeof(pss), 0, &out), CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(out.hash, 0); /* cleared on error */

    assert_int_equal(parse(CKM_MD5, NULL, 0, 0, &out), CKR_MECHANISM_INVALID);
    assert_int_equal(mdc_p11_mech_params_parse(NULL, 0, &out), CKR_ARGUMENTS_BAD);
}

static void test_pss_params(void **state)
{
    mdc_p11_mech_params out;
    CK_RSA_PKCS_PSS_PARAMS p = {CKM_SHA256, CKG_MGF1_SHA1, 32};

    (void)state;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 2048, &out), CKR_OK);
    assert_int_equal(out.hash, CKM_SHA256);
    assert_int_equal(out.mgf_hash, CKM_SHA_1);
    assert_int_equal(out.salt_len, 32);
    assert_null(out.label);
    assert_int_equal(parse(CKM_SHA256_RSA_PKCS_PSS, &p, sizeof(p), 2048, &out), CKR_OK);
    assert_int_equal(out.hash, CKM_SHA256);

    /* hashAlg must be the mechanism's for CKM_SHAxxx_RSA_PKCS_PSS */
    assert_int_equal(parse(CKM_SHA384_RSA_PKCS_PSS, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_SHA1_RSA_PKCS_PSS, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);

    /* each field */
    p.hashAlg = CKM_MD5;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    p.hashAlg = CKM_SHA256_RSA_PKCS; /* a mechanism, not a hash */
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    p.hashAlg = CKM_SHA256;
    p.mgf = 0;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    p.mgf = 6;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    p.mgf = CKG_MGF1_SHA512;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 2048, &out), CKR_OK);
    assert_int_equal(out.mgf_hash, CKM_SHA512);

    /* sLen <= emLen - hLen - 2: 2048 bits → 256 - 32 - 2 = 222 */
    p.sLen = 222;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 2048, &out), CKR_OK);
    p.sLen = 223;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    /* 2049 bits: emLen is still 256 */
    p.sLen = 222;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 2049, &out), CKR_OK);
    /* 1025 bits: emBits 1024, emLen 128; SHA-512 → 62 */
    p.hashAlg = CKM_SHA512;
    p.sLen = 62;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 1025, &out), CKR_OK);
    p.sLen = 63;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 1025, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    /* 1024 bits: emBits 1023, emLen 128 too */
    p.sLen = 62;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 1024, &out), CKR_OK);
    /* no key size: only a sanity bound */
    p.sLen = 1000;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 0, &out), CKR_OK);
    p.sLen = (CK_ULONG)-1;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 0, &out), CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p), 4096, &out),
                     CKR_MECHANISM_PARAM_INVALID);

    /* length and pointer */
    p.sLen = 20;
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p) - 1, 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, sizeof(p) + 1, 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, &p, 0, 2048, &out), CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_RSA_PKCS_PSS, NULL, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_SHA512_RSA_PKCS_PSS, NULL, 0, 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
}

static void test_pss_params_unaligned(void **state)
{
    CK_BYTE raw[sizeof(CK_RSA_PKCS_PSS_PARAMS) + 1];
    CK_RSA_PKCS_PSS_PARAMS p = {CKM_SHA224, CKG_MGF1_SHA224, 28};
    mdc_p11_mech_params out;

    (void)state;
    memcpy(raw + 1, &p, sizeof(p));
    assert_int_equal(parse(CKM_SHA224_RSA_PKCS_PSS, raw + 1, sizeof(p), 2048, &out), CKR_OK);
    assert_int_equal(out.salt_len, 28);
}

static void test_oaep_params(void **state)
{
    mdc_p11_mech_params out;
    CK_BYTE label[] = "label";
    CK_RSA_PKCS_OAEP_PARAMS p = {CKM_SHA_1, CKG_MGF1_SHA1, CKZ_DATA_SPECIFIED, NULL, 0};

    (void)state;
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p), 2048, &out), CKR_OK);
    assert_int_equal(out.hash, CKM_SHA_1);
    assert_int_equal(out.mgf_hash, CKM_SHA_1);
    assert_null(out.label);
    assert_int_equal(out.label_len, 0);
    p.source = 0; /* no source at all is accepted too */
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p), 2048, &out), CKR_OK);

    p.source = CKZ_DATA_SPECIFIED;
    p.hashAlg = CKM_SHA384;
    p.mgf = CKG_MGF1_SHA224;
    p.pSourceData = label;
    p.ulSourceDataLen = 5;
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p), 2048, &out), CKR_OK);
    assert_int_equal(out.hash, CKM_SHA384);
    assert_int_equal(out.mgf_hash, CKM_SHA224);
    assert_ptr_equal(out.label, label);
    assert_int_equal(out.label_len, 5);

    /* each field */
    p.hashAlg = CKM_MD5;
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    p.hashAlg = CKM_SHA256;
    p.mgf = 0;
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    p.mgf = CKG_MGF1_SHA256;
    p.source = 2;
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    p.source = 0; /* a label without CKZ_DATA_SPECIFIED */
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    p.source = CKZ_DATA_SPECIFIED;
    p.pSourceData = NULL; /* length without data */
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    p.pSourceData = label;
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p), 2048, &out), CKR_OK);

    /* the key must fit 2*hLen + 2: SHA-512 needs 130 bytes */
    p.hashAlg = CKM_SHA512;
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p), 1024, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p), 1040, &out), CKR_OK);

    /* length and pointer */
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(p) - 1, 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, &p, sizeof(CK_RSA_PKCS_PSS_PARAMS), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, NULL, sizeof(p), 2048, &out),
                     CKR_MECHANISM_PARAM_INVALID);
    assert_int_equal(parse(CKM_RSA_PKCS_OAEP, NULL, 0, 2048, &out), CKR_MECHANISM_PARAM_INVALID);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_list_two_calls), cmocka_unit_test(test_info),
        cmocka_unit_test(test_find_rows),      cmocka_unit_test(test_for_op),
        cmocka_unit_test(test_mgf_hash),       cmocka_unit_test(test_no_param_mechanisms),
        cmocka_unit_test(test_pss_params),     cmocka_unit_test(test_pss_params_unaligned),
        cmocka_unit_test(test_oaep_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
