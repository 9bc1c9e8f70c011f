/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests of module/mdfs/certfile.c: compressed certificate files and raw DER. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <zlib.h>

#include "mdfs/certfile.h"
#include "vectors/vectors.h"

/* A DER SEQUENCE of exactly total bytes (total >= 4 + 0x80), filled with a pattern. */
static uint8_t *fake_der(size_t total)
{
    uint8_t *d = malloc(total);
    size_t content = total - 4, i;

    assert_non_null(d);
    d[0] = 0x30;
    d[1] = 0x82;
    d[2] = (uint8_t)(content >> 8);
    d[3] = (uint8_t)content;
    for (i = 4; i < total; i++)
        d[i] = (uint8_t)(i * 7 + (i >> 9));
    return d;
}

/* Independent encoder: header with a chosen declared length + zlib stream of data. */
static uint8_t *make_file(const uint8_t *data, size_t len, unsigned declared, size_t *out_len)
{
    uLongf zlen = compressBound((uLong)len);
    uint8_t *f = malloc(4 + zlen);

    assert_non_null(f);
    f[0] = 1;
    f[1] = 0;
    f[2] = (uint8_t)declared;
    f[3] = (uint8_t)(declared >> 8);
    assert_int_equal(compress2(f + 4, &zlen, data, (uLong)len, 6), Z_OK);
    *out_len = 4 + zlen;
    return f;
}

static void test_golden_encode_decode(void **state)
{
    size_t der_len, kxc_len, out_len;
    uint8_t *der = vec_load("ee_rsa2048.der", &der_len);
    uint8_t *kxc = vec_load("ee_rsa2048.kxc", &kxc_len);
    uint8_t *out;

    (void)state;
    assert_non_null(der);
    assert_non_null(kxc);
    assert_int_equal(mdc_mdfs_cert_encode(der, der_len, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, kxc_len);
    assert_memory_equal(out, kxc, kxc_len);
    assert_int_equal(out[0], 0x01);
    assert_int_equal(out[1], 0x00);
    assert_int_equal(out[2] | (out[3] << 8), der_len);
    assert_int_equal(out[4], 0x78);
    assert_int_equal(out[5], 0xda); /* best compression */
    mdc_mdfs_free(out);
    assert_int_equal(mdc_mdfs_cert_decode(kxc, kxc_len, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, der_len);
    assert_memory_equal(out, der, der_len);
    mdc_mdfs_free(out);
    /* Raw DER is accepted as is. */
    assert_int_equal(mdc_mdfs_cert_decode(der, der_len, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, der_len);
    assert_memory_equal(out, der, der_len);
    mdc_mdfs_free(out);
    /* Truncated compressed file: the stream stops early. */
    assert_int_equal(mdc_mdfs_cert_decode(kxc, kxc_len - 10, &out, &out_len),
                     MDC_MDFS_ERR_TRUNCATED);
    assert_null(out);
    /* Bytes after the zlib stream are ignored, as uncompress() does. */
    {
        uint8_t *longer = malloc(der_len + kxc_len + 8);
        assert_non_null(longer);
        memcpy(longer, kxc, kxc_len);
        memset(longer + kxc_len, 0, 8);
        assert_int_equal(mdc_mdfs_cert_decode(longer, kxc_len + 8, &out, &out_len), MDC_MDFS_OK);
        assert_int_equal(out_len, der_len);
        mdc_mdfs_free(out);
        /* Raw DER with padding after it: only the certificate comes back. */
        memcpy(longer, der, der_len);
        memset(longer + der_len, 0, 8);
        assert_int_equal(mdc_mdfs_cert_decode(longer, der_len + 8, &out, &out_len), MDC_MDFS_OK);
        assert_int_equal(out_len, der_len);
        mdc_mdfs_free(out);
        free(longer);
    }
    free(der);
    free(kxc);
}

/* The trace's header (682-byte certificate, zlib 78 DA) with nothing after it. */
static void test_header_vector(void **state)
{
    size_t len, out_len;
    uint8_t *v = vec_load("certfile_header.hex", &len);
    uint8_t *out;

    (void)state;
    assert_non_null(v);
    assert_int_equal(len, 6);
    assert_true(mdc_mdfs_is_compressed(v, len));
    assert_int_equal(v[2] | (v[3] << 8), 682);
    assert_int_equal(mdc_mdfs_cert_decode(v, len, &out, &out_len), MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_cert_decode(v, 4, &out, &out_len), MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_cert_decode(v, 3, &out, &out_len), MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_cert_decode(v, 1, &out, &out_len), MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_cert_decode(v, 0, &out, &out_len), MDC_MDFS_ERR_TRUNCATED);
    free(v);
}

static void test_size_limits(void **state)
{
    uint8_t *der = fake_der(65536), *out, *back;
    size_t out_len, back_len;

    (void)state;
    /* 65535 bytes: the largest certificate the LE16 length can carry. */
    der[2] = 0xff;
    der[3] = 0xfb;
    assert_int_equal(mdc_mdfs_cert_encode(der, 65535, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out[2], 0xff);
    assert_int_equal(out[3], 0xff);
    assert_true(out_len <= MDC_CERT_MAX_FILE);
    assert_int_equal(mdc_mdfs_cert_decode(out, out_len, &back, &back_len), MDC_MDFS_OK);
    assert_int_equal(back_len, 65535);
    assert_memory_equal(back, der, 65535);
    mdc_mdfs_free(back);
    mdc_mdfs_free(out);
    /* 65536 bytes: refused. */
    assert_int_equal(mdc_mdfs_cert_encode(der, 65536, &out, &out_len), MDC_MDFS_ERR_TOO_LARGE);
    assert_null(out);
    assert_int_equal(mdc_mdfs_cert_encode(der, 0, &out, &out_len), MDC_MDFS_ERR_ARGS);
    /* Incompressible 65535 bytes: the encoder's worst case still decodes. */
    {
        size_t i;
        uint32_t x = 12345;
        for (i = 4; i < 65535; i++) {
            x = x * 1103515245u + 12345u;
            der[i] = (uint8_t)(x >> 24);
        }
        assert_int_equal(mdc_mdfs_cert_encode(der, 65535, &out, &out_len), MDC_MDFS_OK);
        assert_true(out_len > 65535);
        assert_true(out_len <= MDC_CERT_MAX_FILE);
        assert_int_equal(mdc_mdfs_cert_decode(out, out_len, &back, &back_len), MDC_MDFS_OK);
        assert_int_equal(back_len, 65535);
        mdc_mdfs_free(back);
        mdc_mdfs_free(out);
    }
    free(der);
    /* A file above the cap is refused before any work. */
    out = calloc(1, MDC_CERT_MAX_FILE + 1);
    assert_non_null(out);
    out[0] = 1;
    assert_int_equal(mdc_mdfs_cert_decode(out, MDC_CERT_MAX_FILE + 1, &back, &back_len),
                     MDC_MDFS_ERR_TOO_LARGE);
    free(out);
}

static void test_length_mismatch(void **state)
{
    uint8_t *der = fake_der(300), *f, *out;
    size_t f_len, out_len;

    (void)state;
    f = make_file(der, 300, 300, &f_len);
    assert_int_equal(mdc_mdfs_cert_decode(f, f_len, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, 300);
    mdc_mdfs_free(out);
    free(f);
    /* Declared one byte short: more output than declared. */
    f = make_file(der, 300, 299, &f_len);
    assert_int_equal(mdc_mdfs_cert_decode(f, f_len, &out, &out_len), MDC_MDFS_ERR_LENGTH_MISMATCH);
    assert_null(out);
    free(f);
    /* Declared one byte long: the stream ends early. */
    f = make_file(der, 300, 301, &f_len);
    assert_int_equal(mdc_mdfs_cert_decode(f, f_len, &out, &out_len), MDC_MDFS_ERR_LENGTH_MISMATCH);
    free(f);
    /* Declared zero. */
    f = make_file(der, 300, 0, &f_len);
    assert_int_equal(mdc_mdfs_cert_decode(f, f_len, &out, &out_len), MDC_MDFS_ERR_CORRUPT);
    free(f);
    free(der);
}

/* 16 MiB of zeros compress to ~16 KiB; the decoder must stop at the declared size. */
static void test_zip_bomb(void **state)
{
    size_t big = 16u << 20, f_len, out_len;
    uint8_t *zeros = calloc(1, big), *f, *out;

    (void)state;
    assert_non_null(zeros);
    f = make_file(zeros, big, 65535, &f_len);
    free(zeros);
    assert_true(f_len <= MDC_CERT_MAX_FILE);
    assert_int_equal(mdc_mdfs_cert_decode(f, f_len, &out, &out_len), MDC_MDFS_ERR_LENGTH_MISMATCH);
    free(f);
}

static void test_corrupt(void **state)
{
    size_t kxc_len, out_len;
    uint8_t *kxc = vec_load("ee_rsa2048.kxc", &kxc_len), *out;
    const uint8_t not_der[10] = {'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A', 'A'};
    uint8_t *f;
    size_t f_len;

    (void)state;
    assert_non_null(kxc);
    kxc[4] ^= 0x01; /* zlib header check fails */
    assert_int_equal(mdc_mdfs_cert_decode(kxc, kxc_len, &out, &out_len), MDC_MDFS_ERR_CORRUPT);
    kxc[4] ^= 0x01;
    kxc[kxc_len - 1] ^= 0x55; /* Adler-32 mismatch */
    assert_int_equal(mdc_mdfs_cert_decode(kxc, kxc_len, &out, &out_len), MDC_MDFS_ERR_CORRUPT);
    kxc[kxc_len - 1] ^= 0x55;
    kxc[1] = 0x01; /* 01 01: not the compressed format, not DER */
    assert_int_equal(mdc_mdfs_cert_decode(kxc, kxc_len, &out, &out_len), MDC_MDFS_ERR_VERSION);
    kxc[0] = 0x02;
    kxc[1] = 0x00;
    assert_int_equal(mdc_mdfs_cert_decode(kxc, kxc_len, &out, &out_len), MDC_MDFS_ERR_VERSION);
    free(kxc);
    /* Inflates fine but is not a certificate. */
    f = make_file(not_der, sizeof(not_der), sizeof(not_der), &f_len);
    assert_int_equal(mdc_mdfs_cert_decode(f, f_len, &out, &out_len), MDC_MDFS_ERR_CORRUPT);
    free(f);
    assert_int_equal(mdc_mdfs_cert_decode(NULL, 4, &out, &out_len), MDC_MDFS_ERR_ARGS);
}

static void test_raw_der(void **state)
{
    const uint8_t trunc[] = {0x30, 0x82, 0x01, 0x00, 1, 2, 3};
    const uint8_t indef[] = {0x30, 0x80, 0x00, 0x00};
    const uint8_t toolong[] = {0x30, 0x85, 1, 1, 1, 1, 1, 0};
    const uint8_t hdr_short[] = {0x30, 0x82, 0x01};
    const uint8_t tiny[] = {0x30, 0x00};
    uint8_t *out;
    size_t out_len, tlv;

    (void)state;
    assert_int_equal(mdc_mdfs_cert_decode(trunc, sizeof(trunc), &out, &out_len),
                     MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_cert_decode(indef, sizeof(indef), &out, &out_len),
                     MDC_MDFS_ERR_CORRUPT);
    assert_int_equal(mdc_mdfs_cert_decode(toolong, sizeof(toolong), &out, &out_len),
                     MDC_MDFS_ERR_CORRUPT);
    assert_int_equal(mdc_mdfs_cert_decode(hdr_short, sizeof(hdr_short), &out, &out_len),
                     MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_cert_decode(tiny, 1, &out, &out_len), MDC_MDFS_ERR_TRUNCATED);
    assert_int_equal(mdc_mdfs_der_tlv_len(tiny, sizeof(tiny), &tlv), MDC_MDFS_OK);
    assert_int_equal(tlv, 2);
    assert_int_equal(mdc_mdfs_der_tlv_len(trunc, 4, &tlv), MDC_MDFS_ERR_TRUNCATED);
    {
        const uint8_t hightag[] = {0x1f, 0x81, 0x00};
        const uint8_t four[] = {0x30, 0x84, 0x00, 0x00, 0x00, 0x01, 0xAA};
        assert_int_equal(mdc_mdfs_der_tlv_len(hightag, 3, &tlv), MDC_MDFS_ERR_CORRUPT);
        assert_int_equal(mdc_mdfs_der_tlv_len(four, sizeof(four), &tlv), MDC_MDFS_OK);
        assert_int_equal(tlv, 7);
    }
}

static void test_inflate_shared(void **state)
{
    const uint8_t data[5] = {1, 2, 3, 4, 5};
    uint8_t *f, *out;
    size_t f_len, out_len;

    (void)state;
    /* The shared inflater does not require DER (msroots checks its own content). */
    f = make_file(data, sizeof(data), sizeof(data), &f_len);
    assert_int_equal(mdc_mdfs_inflate_compressed(f, f_len, &out, &out_len), MDC_MDFS_OK);
    assert_int_equal(out_len, 5);
    assert_memory_equal(out, data, 5);
    mdc_mdfs_free(out);
    f[0] = 0x30;
    assert_int_equal(mdc_mdfs_inflate_compressed(f, f_len, &out, &out_len), MDC_MDFS_ERR_VERSION);
    free(f);
    assert_false(mdc_mdfs_is_compressed(NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_encode_decode),
        cmocka_unit_test(test_header_vector),
        cmocka_unit_test(test_size_limits),
        cmocka_unit_test(test_length_mismatch),
        cmocka_unit_test(test_zip_bomb),
        cmocka_unit_test(test_corrupt),
        cmocka_unit_test(test_raw_der),
        cmocka_unit_test(test_inflate_shared),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
