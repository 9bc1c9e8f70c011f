/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests of module/mdfs/msroots.c. Samples were made with
 * `openssl crl2pkcs7 -nocrl` (vectors/gen-crypto.sh).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "mdfs/certfile.h"
#include "mdfs/msroots.h"
#include "vectors/vectors.h"

typedef struct {
    uint8_t *rsa, *ec;
    size_t rsa_len, ec_len;
} certs;

static int setup(void **state)
{
    certs *c = calloc(1, sizeof(*c));

    if (c == NULL)
        return -1;
    c->rsa = vec_load("ca_rsa.der", &c->rsa_len);
    c->ec = vec_load("ca_ec.der", &c->ec_len);
    *state = c;
    return c->rsa != NULL && c->ec != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    certs *c = *state;

    free(c->rsa);
    free(c->ec);
    free(c);
    return 0;
}

static void check_round_trip(const char *vector, const uint8_t *raw_expected, size_t raw_len,
                             size_t count)
{
    size_t len, out_len;
    uint8_t *v = vec_load(vector, &len), *out;
    mdc_msroots m;

    assert_non_null(v);
    assert_int_equal(mdc_mdfs_msroots_parse(v, len, &m), MDC_MDFS_OK);
    assert_int_equal(m.count, count);
    assert_int_equal(mdc_mdfs_msroots_build(&m, &out, &out_len), MDC_MDFS_OK);
    if (raw_expected == NULL) {
        raw_expected = v;
        raw_len = len;
    }
    assert_int_equal(out_len, raw_len);
    assert_memory_equal(out, raw_expected, raw_len);
    mdc_mdfs_free(out);
    mdc_mdfs_msroots_clear(&m);
    free(v);
}

static void test_parse_two(void **state)
{
    certs *c = *state;
    size_t len;
    uint8_t *v = vec_load("msroots_two.der", &len);
    mdc_msroots m;

    assert_non_null(v);
    assert_int_equal(mdc_mdfs_msroots_parse(v, len, &m), MDC_MDFS_OK);
    assert_int_equal(m.count, 2);
    assert_int_equal(m.certs[0].len, c->rsa_len);
    assert_memory_equal(m.certs[0].der, c->rsa, c->rsa_len);
    assert_int_equal(m.certs[1].len, c->ec_len);
    assert_memory_equal(m.certs[1].der, c->ec, c->ec_len);
    mdc_mdfs_msroots_clear(&m);
    free(v);
}

static void test_round_trips(void **state)
{
    size_t raw_len;
    uint8_t *raw = vec_load("msroots_two.der", &raw_len);

    (void)state;
    check_round_trip("msroots_two.der", NULL, 0, 2);
    check_round_trip("msroots_one.der", NULL, 0, 1);
    check_round_trip("msroots_empty.der", NULL, 0, 0);
    /* Compressed on card, rewritten raw: same PKCS#7 bytes. */
    check_round_trip("msroots_two.z", raw, raw_len, 2);
    free(raw);
}

static void test_empty_and_missing(void **state)
{
    mdc_msroots m;
    uint8_t *out;
    size_t out_len, len;
    uint8_t *empty = vec_load("msroots_empty.der", &len);

    (void)state;
    assert_int_equal(mdc_mdfs_msroots_parse(NULL, 0, &m), MDC_MDFS_OK);
    assert_int_equal(m.count, 0);
    assert_null(m.certs);
    /* An empty list builds to the canonical empty bag. */
    assert_int_equal(mdc_mdfs_msroots_build(&m, &out, &out_len), MDC_MDFS_OK);
    assert_non_null(empty);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, empty, len);
    mdc_mdfs_free(out);
    free(empty);
}

static void test_add_remove(void **state)
{
    certs *c = *state;
    mdc_msroots m;
    size_t len, out_len, idx;
    uint8_t *two = vec_load("msroots_two.der", &len), *one, *out;
    size_t one_len;

    assert_non_null(two);
    assert_int_equal(mdc_mdfs_msroots_parse(NULL, 0, &m), MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_msroots_add(&m, c->rsa, c->rsa_len), MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_msroots_add(&m, c->ec, c->ec_len), MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_msroots_add(&m, c->ec, c->ec_len), MDC_MDFS_ERR_EXISTS);
    assert_int_equal(mdc_mdfs_msroots_add(&m, c->ec, c->ec_len - 1), MDC_MDFS_ERR_CORRUPT);
    assert_int_equal(mdc_mdfs_msroots_add(&m, c->ec + 1, c->ec_len - 1), MDC_MDFS_ERR_CORRUPT);
    assert_int_equal(mdc_mdfs_msroots_add(&m, c->ec, 0), MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_mdfs_msroots_build(&m, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, len);
    assert_memory_equal(out, two, len);
    mdc_mdfs_free(out);
    assert_int_equal(mdc_mdfs_msroots_find(&m, c->ec, c->ec_len, &idx), MDC_MDFS_OK);
    assert_int_equal(idx, 1);
    assert_int_equal(mdc_mdfs_msroots_remove(&m, 1), MDC_MDFS_OK);
    assert_int_equal(mdc_mdfs_msroots_find(&m, c->ec, c->ec_len, &idx), MDC_MDFS_ERR_NOT_FOUND);
    assert_int_equal(mdc_mdfs_msroots_remove(&m, 1), MDC_MDFS_ERR_ARGS);
    one = vec_load("msroots_one.der", &one_len);
    assert_non_null(one);
    assert_int_equal(mdc_mdfs_msroots_build(&m, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, one_len);
    assert_memory_equal(out, one, one_len);
    mdc_mdfs_free(out);
    assert_int_equal(mdc_mdfs_msroots_remove(&m, 0), MDC_MDFS_OK);
    assert_int_equal(m.count, 0);
    mdc_mdfs_msroots_clear(&m);
    free(one);
    free(two);
}

static void test_hostile(void **state)
{
    size_t len, z_len;
    uint8_t *v = vec_load("msroots_two.der", &len), *z = vec_load("msroots_two.z", &z_len);
    const uint8_t junk[4] = {0x02, 0x00, 0x01, 0x02};
    const uint8_t not_p7[] = {0x30, 0x03, 0x02, 0x01, 0x01};
    mdc_msroots m;
    uint8_t *big;

    (void)state;
    assert_non_null(v);
    assert_non_null(z);
    assert_int_equal(mdc_mdfs_msroots_parse(v, len - 1, &m), MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(m.count, 0);
    assert_int_equal(mdc_mdfs_msroots_parse(junk, sizeof(junk), &m), MDC_MDFS_ERR_VERSION);
    assert_int_equal(mdc_mdfs_msroots_parse(not_p7, sizeof(not_p7), &m), MDC_MDFS_ERR_CORRUPT);
    assert_int_equal(mdc_mdfs_msroots_parse(z, z_len - 3, &m), MDC_MDFS_ERR_TRUNCATED);
    z[2] ^= 1; /* declared length off by one */
    assert_int_equal(mdc_mdfs_msroots_parse(z, z_len, &m), MDC_MDFS_ERR_LENGTH_MISMATCH);
    v[20] ^= 0xff; /* break the inner structure */
    assert_true(mdc_mdfs_msroots_parse(v, len, &m) != MDC_MDFS_OK);
    assert_int_equal(m.count, 0);
    assert_int_equal(mdc_mdfs_msroots_parse(NULL, 5, &m), MDC_MDFS_ERR_ARGS);
    big = calloc(1, MDC_MSROOTS_MAX_FILE + 1);
    assert_non_null(big);
    big[0] = 0x30;
    assert_int_equal(mdc_mdfs_msroots_parse(big, MDC_MSROOTS_MAX_FILE + 1, &m),
                     MDC_MDFS_ERR_TOO_LARGE);
    free(big);
    free(v);
    free(z);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_two),         cmocka_unit_test(test_round_trips),
        cmocka_unit_test(test_empty_and_missing), cmocka_unit_test(test_add_remove),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
