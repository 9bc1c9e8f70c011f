/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/token/disk_record.c: the on-disk cache record format
 * (round trip, exact header bytes, and refusal of every truncation, every
 * flipped byte and every malformed field). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "token/disk_record.h"

#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>

static const uint8_t cardid[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                                   0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};

static void sample(struct mdc_disk_record *r)
{
    static const uint8_t cmap[86] = {0x41, 0x00};
    static const uint8_t cert[5] = {0x01, 0x00, 0x10, 0x00, 0x78};
    static const uint8_t mod[4] = {0xc0, 0xff, 0xee, 0x01};
    static const uint8_t exp[3] = {0x01, 0x00, 0x01};

    memset(r, 0, sizeof(*r));
    memcpy(r->cardid, cardid, sizeof(cardid));
    r->cardid_len = sizeof(cardid);
    r->containers = 0x0102;
    r->files = 0x0304;
    r->rng = MDC_DISK_RNG_NO;
    assert_int_equal(mdc_tok_disk_record_add(r, MDC_DISK_CMAPFILE, 0, NULL, cmap, sizeof(cmap)),
                     MDC_MDFS_OK);
    assert_int_equal(mdc_tok_disk_record_add(r, MDC_DISK_CERTFILE, 2, "kxc02", cert, sizeof(cert)),
                     MDC_MDFS_OK);
    assert_int_equal(mdc_tok_disk_record_add(r, MDC_DISK_MODULUS, 2, NULL, mod, sizeof(mod)),
                     MDC_MDFS_OK);
    assert_int_equal(mdc_tok_disk_record_add(r, MDC_DISK_EXPONENT, 2, NULL, exp, sizeof(exp)),
                     MDC_MDFS_OK);
    assert_int_equal(mdc_tok_disk_record_add(r, MDC_DISK_MSROOTS, 0, NULL, NULL, 0), MDC_MDFS_OK);
}

/* Recompute the trailing SHA-256 after a deliberate edit. */
static void reseal(uint8_t *buf, size_t len)
{
    unsigned int n;

    assert_int_equal(EVP_Digest(buf, len - 32, buf + len - 32, &n, EVP_sha256(), NULL), 1);
}

static void test_round_trip(void **state)
{
    struct mdc_disk_record r, back;
    const struct mdc_disk_blob *b;
    uint8_t *buf;
    size_t len;

    (void)state;
    sample(&r);
    assert_int_equal(mdc_tok_disk_record_build(&r, &buf, &len), MDC_MDFS_OK);
    /* header 20 + cardid 16 + blobs (8+86) (8+5+5) (8+4) (8+3) (8+0) + digest 32 */
    assert_int_equal(len, 20 + 16 + 94 + 18 + 12 + 11 + 8 + 32);
    assert_memory_equal(buf, "MDCC\x01\x02\x10\x00\x02\x01\x04\x03\x05\x00\x00\x00", 16);
    assert_int_equal(buf[16], len & 0xff);
    assert_int_equal(buf[17], len >> 8);
    assert_memory_equal(buf + 20, cardid, 16);
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_OK);
    assert_int_equal(back.cardid_len, 16);
    assert_memory_equal(back.cardid, cardid, 16);
    assert_int_equal(back.containers, 0x0102);
    assert_int_equal(back.files, 0x0304);
    assert_int_equal(back.rng, MDC_DISK_RNG_NO);
    assert_int_equal(back.count, 5);
    b = mdc_tok_disk_record_find(&back, MDC_DISK_CERTFILE, 2);
    assert_non_null(b);
    assert_string_equal(b->name, "kxc02");
    assert_int_equal(b->len, 5);
    assert_memory_equal(b->data, "\x01\x00\x10\x00\x78", 5);
    b = mdc_tok_disk_record_find(&back, MDC_DISK_MSROOTS, 0);
    assert_non_null(b);
    assert_int_equal(b->len, 0);
    assert_null(mdc_tok_disk_record_find(&back, MDC_DISK_CERTFILE, 0));
    assert_null(mdc_tok_disk_record_find(&back, MDC_DISK_MODULUS, 3));
    mdc_tok_disk_record_clear(&back);
    mdc_tok_disk_record_clear(&r);
    mdc_mdfs_free(buf);
}

static void test_every_truncation_refused(void **state)
{
    struct mdc_disk_record r, back;
    uint8_t *buf;
    size_t len;

    (void)state;
    sample(&r);
    assert_int_equal(mdc_tok_disk_record_build(&r, &buf, &len), MDC_MDFS_OK);
    for (size_t n = 0; n < len; n++) {
        mdc_mdfs_rv rv = mdc_tok_disk_record_parse(buf, n, &back);

        assert_int_not_equal(rv, MDC_MDFS_OK);
        assert_int_equal(back.count, 0);
        assert_null(back.blobs);
    }
    mdc_tok_disk_record_clear(&r);
    mdc_mdfs_free(buf);
}

static void test_every_flipped_byte_refused(void **state)
{
    struct mdc_disk_record r, back;
    uint8_t *buf;
    size_t len;

    (void)state;
    sample(&r);
    assert_int_equal(mdc_tok_disk_record_build(&r, &buf, &len), MDC_MDFS_OK);
    for (size_t i = 0; i < len; i++) {
        buf[i] ^= 0x40;
        assert_int_not_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_OK);
        buf[i] ^= 0x40;
    }
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_OK);
    mdc_tok_disk_record_clear(&back);
    mdc_tok_disk_record_clear(&r);
    mdc_mdfs_free(buf);
}

static void test_specific_errors(void **state)
{
    struct mdc_disk_record r, back;
    uint8_t *buf, *longer;
    size_t len;

    (void)state;
    sample(&r);
    assert_int_equal(mdc_tok_disk_record_build(&r, &buf, &len), MDC_MDFS_OK);
    /* another version */
    buf[4] = 2;
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_ERR_VERSION);
    buf[4] = 1;
    /* garbage after a whole record */
    longer = malloc(len + 1);
    assert_non_null(longer);
    memcpy(longer, buf, len);
    longer[len] = 0;
    assert_int_equal(mdc_tok_disk_record_parse(longer, len + 1, &back),
                     MDC_MDFS_ERR_LENGTH_MISMATCH);
    free(longer);
    /* a truncated copy whose length field still says the whole size */
    assert_int_equal(mdc_tok_disk_record_parse(buf, len - 1, &back), MDC_MDFS_ERR_TRUNCATED);
    /* digest mismatch */
    buf[30] ^= 1;
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_ERR_CORRUPT);
    buf[30] ^= 1;
    /* valid digest but: an unknown blob kind */
    buf[36] = 9;
    reseal(buf, len);
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_ERR_CORRUPT);
    buf[36] = MDC_DISK_CMAPFILE;
    /* a blob count that does not match the blobs */
    buf[12] = 4;
    reseal(buf, len);
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_ERR_CORRUPT);
    buf[12] = 6;
    reseal(buf, len);
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_ERR_CORRUPT);
    buf[12] = 5;
    /* a blob length running past the end */
    buf[36 + 4] = 0xff;
    reseal(buf, len);
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_ERR_CORRUPT);
    buf[36 + 4] = 86;
    /* a blob length above the cap */
    buf[36 + 7] = 0x10;
    reseal(buf, len);
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_ERR_TOO_LARGE);
    buf[36 + 7] = 0;
    /* empty cardid, bad rng value */
    buf[6] = 0;
    reseal(buf, len);
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_ERR_CORRUPT);
    buf[6] = 16;
    buf[5] = 3;
    reseal(buf, len);
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_ERR_CORRUPT);
    buf[5] = 2;
    reseal(buf, len);
    assert_int_equal(mdc_tok_disk_record_parse(buf, len, &back), MDC_MDFS_OK);
    mdc_tok_disk_record_clear(&back);
    mdc_tok_disk_record_clear(&r);
    mdc_mdfs_free(buf);
}

static void test_add_and_build_arguments(void **state)
{
    struct mdc_disk_record r;
    uint8_t *buf = NULL;
    size_t len = 0;
    uint8_t one = 1;

    (void)state;
    memset(&r, 0, sizeof(r));
    assert_int_equal(mdc_tok_disk_record_add(&r, (enum mdc_disk_kind)7, 0, NULL, &one, 1),
                     MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_tok_disk_record_add(&r, MDC_DISK_CERTFILE, 256, NULL, &one, 1),
                     MDC_MDFS_ERR_ARGS);
    assert_int_equal(mdc_tok_disk_record_add(&r, MDC_DISK_CERTFILE, 0, "0123456789abcdef", &one, 1),
                     MDC_MDFS_ERR_ARGS);
    assert_int_equal(
        mdc_tok_disk_record_add(&r, MDC_DISK_CERTFILE, 0, NULL, &one, MDC_DISK_MAX_BLOB + 1),
        MDC_MDFS_ERR_TOO_LARGE);
    assert_int_equal(r.count, 0);
    /* no cardid: nothing to key the record by */
    assert_int_equal(mdc_tok_disk_record_build(&r, &buf, &len), MDC_MDFS_ERR_ARGS);
    assert_null(buf);
    mdc_tok_disk_record_clear(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_truncation_refused),
        cmocka_unit_test(test_every_flipped_byte_refused),
        cmocka_unit_test(test_specific_errors),
        cmocka_unit_test(test_add_and_build_arguments),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
