/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of module/mdfs/ids.c. Expected CKA_IDs were computed with the
 * openssl CLI (vectors/gen-crypto.sh), not with this code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mdfs/ids.h"
#include "vectors/vectors.h"

static void load_hex_file(const char *name, uint8_t *out, size_t size, size_t *n)
{
    size_t len;
    uint8_t *v = vec_load(name, &len);

    assert_non_null(v);
    assert_true(len <= size);
    memcpy(out, v, len);
    *n = len;
    free(v);
}

/* True when an INTEGER header announcing len bytes of content ends at spki[pos - 1]. */
static int int_header_before(const uint8_t *spki, size_t pos, size_t len)
{
    if (len < 0x80)
        return pos >= 2 && spki[pos - 2] == 0x02 && spki[pos - 1] == len;
    if (len < 0x100)
        return pos >= 3 && spki[pos - 3] == 0x02 && spki[pos - 2] == 0x81 && spki[pos - 1] == len;
    return pos >= 4 && spki[pos - 4] == 0x02 && spki[pos - 3] == 0x82 &&
           spki[pos - 2] == (len >> 8) && spki[pos - 1] == (len & 0xff);
}

static void check_key(const char *base, size_t mod_len, int der_leading_zero)
{
    char name[64];
    uint8_t mod[600], want[MDC_ID_LEN], id[MDC_ID_LEN], *padded;
    size_t n, spki_len;
    uint8_t *spki;

    snprintf(name, sizeof(name), "%s.modulus.hex", base);
    load_hex_file(name, mod, sizeof(mod), &n);
    assert_int_equal(n, mod_len);
    snprintf(name, sizeof(name), "%s.id.hex", base);
    load_hex_file(name, want, sizeof(want), &n);
    assert_int_equal(n, MDC_ID_LEN);

    assert_int_equal(mdc_mdfs_id_from_modulus(mod, mod_len, id), MDC_MDFS_OK);
    assert_memory_equal(id, want, MDC_ID_LEN);
    /* The same modulus with leading zero bytes (as a DER INTEGER or a card may give it). */
    padded = calloc(1, mod_len + 2);
    assert_non_null(padded);
    memcpy(padded + 2, mod, mod_len);
    assert_int_equal(mdc_mdfs_id_from_modulus(padded, mod_len + 2, id), MDC_MDFS_OK);
    assert_memory_equal(id, want, MDC_ID_LEN);
    free(padded);

    snprintf(name, sizeof(name), "%s.spki.der", base);
    spki = vec_load(name, &spki_len);
    assert_non_null(spki);
    /* Confirm the vector's premise: does the DER INTEGER carry a leading zero byte? */
    {
        size_t i;
        int found = -1;
        for (i = 3; i + mod_len <= spki_len; i++) {
            if (memcmp(spki + i, mod, mod_len) != 0)
                continue;
            /* INTEGER header right before the content, or before a 00 byte. */
            if (spki[i - 1] == 0x00 && int_header_before(spki, i - 1, mod_len + 1))
                found = 1;
            else if (int_header_before(spki, i, mod_len))
                found = 0;
        }
        assert_int_equal(found, der_leading_zero);
    }
    assert_int_equal(mdc_mdfs_id_from_spki(spki, spki_len, id), MDC_MDFS_OK);
    assert_memory_equal(id, want, MDC_ID_LEN);
    assert_int_equal(mdc_mdfs_id_from_spki(spki, spki_len - 1, id), MDC_MDFS_ERR_CORRUPT);
    free(spki);
}

static void test_rsa2048(void **state)
{
    (void)state;
    check_key("rsa2048", 256, 1);
}

static void test_rsa1024(void **state)
{
    (void)state;
    check_key("rsa1024", 128, 1);
}

static void test_rsa2047(void **state)
{
    (void)state;
    check_key("rsa2047", 256, 0);
}

static void test_modulus_errors(void **state)
{
    const uint8_t zeros[4] = {0};
    const uint8_t one[1] = {0x01};
    /* SHA-1("\x01") */
    const uint8_t want_one[MDC_ID_LEN] = {0xbf, 0x8b, 0x45, 0x30, 0xd8, 0xd2, 0x46,
                                          0xdd, 0x74, 0xac, 0x53, 0xa1, 0x34, 0x71,
                                          0xbb, 0xa1, 0x79, 0x41, 0xdf, 0xf7};
    uint8_t id[MDC_ID_LEN];

    (void)state;
    assert_int_equal(mdc_mdfs_id_from_modulus(zeros, sizeof(zeros), id), MDC_MDFS_ERR_CORRUPT);
    assert_int_equal(mdc_mdfs_id_from_modulus(zeros, 0, id), MDC_MDFS_ERR_CORRUPT);
    assert_int_equal(mdc_mdfs_id_from_modulus(NULL, 4, id), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_id_from_modulus(one, 1, id), MDC_MDFS_OK);
    assert_memory_equal(id, want_one, MDC_ID_LEN);
}

/* The certificate of the 2048-bit key carries the key's ID. */
static void test_cert_matches_key(void **state)
{
    size_t len, n;
    uint8_t *der = vec_load("ee_rsa2048.der", &len);
    uint8_t want[MDC_ID_LEN], id[MDC_ID_LEN];

    (void)state;
    assert_non_null(der);
    load_hex_file("rsa2048.id.hex", want, sizeof(want), &n);
    assert_int_equal(mdc_mdfs_id_from_cert(der, len, id), MDC_MDFS_OK);
    assert_memory_equal(id, want, MDC_ID_LEN);
    assert_int_equal(mdc_mdfs_id_from_cert(der, len - 1, id), MDC_MDFS_ERR_CORRUPT);
    assert_int_equal(mdc_mdfs_id_from_cert(der + 1, len - 1, id), MDC_MDFS_ERR_CORRUPT);
    free(der);
}

static void test_ca_certs(void **state)
{
    size_t len, n;
    uint8_t *der;
    uint8_t want[MDC_ID_LEN], id[MDC_ID_LEN];

    (void)state;
    der = vec_load("ca_rsa.der", &len);
    assert_non_null(der);
    load_hex_file("ca_rsa.id.hex", want, sizeof(want), &n);
    assert_int_equal(mdc_mdfs_id_from_cert(der, len, id), MDC_MDFS_OK);
    assert_memory_equal(id, want, MDC_ID_LEN);
    free(der);
    /* EC: SHA-1 of the point 04||X||Y. */
    der = vec_load("ca_ec.der", &len);
    assert_non_null(der);
    load_hex_file("ca_ec.id.hex", want, sizeof(want), &n);
    assert_int_equal(mdc_mdfs_id_from_cert(der, len, id), MDC_MDFS_OK);
    assert_memory_equal(id, want, MDC_ID_LEN);
    free(der);
}

static void test_serial(void **state)
{
    const uint8_t cardid[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
    char s[MDC_SERIAL_SIZE];
    size_t len;
    uint8_t *trace = vec_load("cardid_trace.hex", &len);

    (void)state;
    assert_int_equal(mdc_mdfs_cardid_serial(cardid, 16, s), MDC_MDFS_OK);
    assert_string_equal(s, "8899aabbccddeeff");
    assert_non_null(trace);
    assert_int_equal(len, 16);
    assert_int_equal(mdc_mdfs_cardid_serial(trace, len, s), MDC_MDFS_OK);
    assert_string_equal(s, "330b585f6638edeb");
    free(trace);
    assert_int_equal(mdc_mdfs_cardid_serial(cardid, 15, s), MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_cardid_serial(cardid, 17, s), MDC_MDFS_ERR_LENGTH_MISMATCH);
    assert_int_equal(mdc_mdfs_cardid_serial(NULL, 16, s), MDC_MDFS_ERR_ARGS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rsa2048),          cmocka_unit_test(test_rsa1024),
        cmocka_unit_test(test_rsa2047),          cmocka_unit_test(test_modulus_errors),
        cmocka_unit_test(test_cert_matches_key), cmocka_unit_test(test_ca_certs),
        cmocka_unit_test(test_serial),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
