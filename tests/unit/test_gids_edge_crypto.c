/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS card edge, PIN and private-key side, against the scripted fake card:
 * VERIFY (63Cx, 6983, no PIN left in the trace), logout, MSE SET + PSO for
 * signatures (5x single APDU, 1x chained) and decipherment (0x/4x/8x, chained
 * without a padding indicator), GET CHALLENGE, and the status-word mapping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fake_card.h"
#include "gids/gids.h"

#define SELECT_GIDS "00A4040009A0000003974254465900"

static struct mdc_pcsc *pcsc;
static struct mdc_card *card;
static const struct mdc_card_edge *edge = &mdc_gids_edge;
static char log_path[] = "/tmp/mdc-edge-crypto-XXXXXX";

static int open_card(void **state)
{
    (void)state;
    fake_reset();
    pcsc = mdc_pcsc_new();
    assert_non_null(pcsc);
    fake_expect(SELECT_GIDS, "9000");
    assert_int_equal(edge->open(pcsc, "Fake Reader 00 00", &card).status, MDC_CARD_OK);
    fake_done();
    fake_reset();
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    return 0;
}

static int close_card(void **state)
{
    (void)state;
    edge->end(card);
    edge->close(card);
    mdc_pcsc_free(pcsc);
    card = NULL;
    pcsc = NULL;
    return 0;
}

static void pattern(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + i * 13);
}

/* Expect `hdr` (CLA INS P1 P2) with `data` sent as 240-byte links; the last
 * link carries Le 00 and is answered `resp` + 9000 (resp of <= 256 bytes). */
static void expect_chain(const uint8_t hdr[4], const uint8_t *data, size_t len, bool le,
                         const uint8_t *resp, size_t resp_len, uint16_t last_sw)
{
    uint8_t cmd[FAKE_APDU_MAX], r[260];
    size_t off = 0;

    while (len - off > 240) {
        memcpy(cmd, hdr, 4);
        cmd[0] |= 0x10;
        cmd[4] = 240;
        memcpy(cmd + 5, data + off, 240);
        fake_expect_bin(cmd, 245, (const uint8_t *)"\x90\x00", 2);
        off += 240;
    }
    memcpy(cmd, hdr, 4);
    cmd[4] = (uint8_t)(len - off);
    memcpy(cmd + 5, data + off, len - off);
    if (le)
        cmd[5 + len - off] = 0x00;
    assert_true(resp_len <= 256);
    if (resp_len != 0)
        memcpy(r, resp, resp_len);
    r[resp_len] = (uint8_t)(last_sw >> 8);
    r[resp_len + 1] = (uint8_t)last_sw;
    fake_expect_bin(cmd, 5 + len - off + (le ? 1 : 0), r, resp_len + 2);
}

static size_t file_contains(const char *path, const char *needle)
{
    static char text[1 << 16];
    FILE *f = fopen(path, "r");
    size_t n, hits = 0;

    assert_non_null(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    text[n] = '\0';
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
        hits++;
    return hits;
}

/* ---- PIN ---- */

static void test_verify(void **state)
{
    const uint8_t pin[8] = {'9', 'Q', '7', 'Z', '4', 'K', '2', 'X'};
    uint8_t copy[8];
    unsigned tries = 42;
    mdc_card_rc rc;

    (void)state;
    memcpy(copy, pin, sizeof(pin));
    fake_expect("0020008008 3951375A344B3258", "9000");
    fake_expect("0020008008 3951375A344B3258", "63C2");
    fake_expect("0020008008 3951375A344B3258", "63C0");
    fake_expect("0020008008 3951375A344B3258", "6983");
    fake_expect("0020008008 3951375A344B3258", "6A88");
    rc = edge->verify_pin(card, MDC_PIN_USER, pin, sizeof(pin), &tries);
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(tries, (unsigned)-1);
    rc = edge->verify_pin(card, MDC_PIN_USER, pin, sizeof(pin), &tries);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(rc.sw, 0x63C2);
    assert_int_equal(tries, 2);
    assert_int_equal(mdc_gids_rv(rc, MDC_CARD_OP_PIN), CKR_PIN_INCORRECT);
    rc = edge->verify_pin(card, MDC_PIN_USER, pin, sizeof(pin), &tries);
    assert_int_equal(tries, 0);
    assert_int_equal(mdc_gids_rv(rc, MDC_CARD_OP_PIN), CKR_PIN_LOCKED);
    tries = 42;
    rc = edge->verify_pin(card, MDC_PIN_USER, pin, sizeof(pin), NULL);
    assert_int_equal(rc.sw, 0x6983);
    assert_int_equal(mdc_gids_rv(rc, MDC_CARD_OP_PIN), CKR_PIN_LOCKED);
    rc = edge->verify_pin(card, MDC_PIN_USER, pin, sizeof(pin), &tries);
    assert_int_equal(rc.sw, 0x6A88);
    assert_int_equal(tries, (unsigned)-1);
    fake_done();
    assert_memory_equal(pin, copy, sizeof(pin)); /* the caller's PIN is not touched */

    /* The trace shows the VERIFY header, never the PIN. */
    assert_true(file_contains(log_path, "00 20 00 80 08") >= 5);
    assert_int_equal(file_contains(log_path, "39 51 37 5A"), 0);
    assert_int_equal(file_contains(log_path, "3951375A"), 0);
    assert_int_equal(file_contains(log_path, "9Q7Z4K2X"), 0);
    assert_true(mdc_pcsc_apdu_is_secret(fake_last_cmd(), fake_last_cmd_len()));
}

static void test_verify_lengths(void **state)
{
    static uint8_t long_pin[256];
    unsigned tries = 0;
    mdc_card_rc rc;

    (void)state;
    memset(long_pin, '1', sizeof(long_pin));
    /* Outside 4..16: the card decides (GidsApplet: 63Cx, no try used). */
    fake_expect("0020008003 313131", "63C3");
    /* An empty PIN is the status probe. */
    fake_expect("00200080", "63C3");
    /* 255 bytes still fit a short APDU. */
    {
        uint8_t cmd[FAKE_APDU_MAX];
        fake_hex("00200080FF", cmd, sizeof(cmd));
        memset(cmd + 5, '1', 255);
        fake_expect_bin(cmd, 260, (const uint8_t *)"\x63\xC3", 2);
    }
    rc = edge->verify_pin(card, MDC_PIN_USER, long_pin, 3, &tries);
    assert_int_equal(rc.sw, 0x63C3);
    assert_int_equal(tries, 3);
    rc = edge->verify_pin(card, MDC_PIN_USER, NULL, 0, &tries);
    assert_int_equal(rc.sw, 0x63C3);
    rc = edge->verify_pin(card, MDC_PIN_USER, long_pin, 255, &tries);
    assert_int_equal(rc.sw, 0x63C3);
    /* 256 bytes: never sent */
    rc = edge->verify_pin(card, MDC_PIN_USER, long_pin, 256, &tries);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(rc.sw, 0x6700);
    assert_int_equal(mdc_gids_rv(rc, MDC_CARD_OP_PIN), CKR_PIN_LEN_RANGE);
    assert_int_equal(edge->verify_pin(card, MDC_PIN_USER, NULL, 4, &tries).status, MDC_CARD_ARGS);
    fake_done();
}

static void test_logout(void **state)
{
    (void)state;
    fake_expect("00200082", "9000");
    fake_expect("00200082", "6A86");
    assert_int_equal(edge->logout(card).status, MDC_CARD_OK);
    assert_int_equal(edge->logout(card).sw, 0x6A86);
    fake_done();
}

/* ---- sign ---- */

static const uint8_t pso_cds[4] = {0x00, 0x2A, 0x9E, 0x9A};
static const uint8_t pso_dec[4] = {0x00, 0x2A, 0x80, 0x86};

static void test_sign_pkcs1(void **state)
{
    struct mdc_card_key key = {0, 2048, true};
    uint8_t di[51], sig[256];
    struct mdc_buf out = MDC_BUF_INIT;
    mdc_card_rc rc;

    (void)state;
    pattern(di, sizeof(di), 0x30);
    pattern(sig, sizeof(sig), 0x11);
    fake_expect("002241B606 800157 840181", "9000");
    expect_chain(pso_cds, di, sizeof(di), true, sig, sizeof(sig), 0x9000);
    rc = edge->sign(card, &key, MDC_SIGN_PKCS1, di, sizeof(di), &out);
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(out.len, 256);
    assert_memory_equal(out.data, sig, 256);
    fake_done();

    /* 1024-bit key in container 3: algorithm 56, kid 84; a short answer is padded to k */
    fake_reset();
    key = (struct mdc_card_key){3, 1024, true};
    fake_expect("002241B606 800156 840184", "9000");
    expect_chain(pso_cds, di, 35, true, sig, 127, 0x9000);
    rc = edge->sign(card, &key, MDC_SIGN_PKCS1, di, 35, &out);
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(out.len, 128);
    assert_int_equal(out.data[0], 0);
    assert_memory_equal(out.data + 1, sig, 127);
    fake_done();

    /* More than 247 bytes cannot go in one APDU: unsupported, the caller pads */
    {
        uint8_t big[248] = {0};
        key.bits = 2048;
        assert_int_equal(edge->sign(card, &key, MDC_SIGN_PKCS1, big, 248, &out).status,
                         MDC_CARD_UNSUPPORTED);
    }
    /* key sizes without a GIDS algorithm */
    key.bits = 1536;
    assert_int_equal(edge->sign(card, &key, MDC_SIGN_PKCS1, di, 35, &out).status,
                     MDC_CARD_UNSUPPORTED);
    key.bits = 2048;
    key.index = 127;
    assert_int_equal(edge->sign(card, &key, MDC_SIGN_PKCS1, di, 35, &out).status, MDC_CARD_ARGS);
    fake_done(); /* nothing sent for any of these */
    mdc_buf_free(&out);
}

static void test_sign_long_result(void **state)
{
    struct mdc_card_key key = {1, 3072, true};
    uint8_t di[51], sig[384], cmd[FAKE_APDU_MAX], r[260];
    struct mdc_buf out = MDC_BUF_INIT;
    size_t n;

    (void)state;
    pattern(di, sizeof(di), 0x30);
    pattern(sig, sizeof(sig), 0x5A);
    fake_expect("002241B606 800158 840182", "9000");
    n = fake_hex("002A9E9A33", cmd, sizeof(cmd));
    memcpy(cmd + n, di, sizeof(di));
    cmd[n + sizeof(di)] = 0x00;
    memcpy(r, sig, 256);
    r[256] = 0x61;
    r[257] = 0x80;
    fake_expect_bin(cmd, n + sizeof(di) + 1, r, 258);
    memcpy(r, sig + 256, 128);
    r[128] = 0x90;
    r[129] = 0x00;
    fake_expect_bin((const uint8_t *)"\x00\xC0\x00\x00\x80", 5, r, 130);
    assert_int_equal(edge->sign(card, &key, MDC_SIGN_PKCS1, di, sizeof(di), &out).status,
                     MDC_CARD_OK);
    assert_int_equal(out.len, 384);
    assert_memory_equal(out.data, sig, 384);
    fake_done();
    mdc_buf_free(&out);
}

static void test_sign_raw(void **state)
{
    struct mdc_card_key key = {0, 2048, true};
    uint8_t block[256], sig[256];
    struct mdc_buf out = MDC_BUF_INIT;

    (void)state;
    pattern(block, sizeof(block), 0x01);
    pattern(sig, sizeof(sig), 0x77);
    /* 240 + 16 with CLA 10 on the first link, Le only on the last */
    fake_expect("002241B606 800117 840181", "9000");
    expect_chain(pso_cds, block, sizeof(block), true, sig, sizeof(sig), 0x9000);
    assert_int_equal(edge->sign(card, &key, MDC_SIGN_RAW, block, sizeof(block), &out).status,
                     MDC_CARD_OK);
    assert_memory_equal(out.data, sig, 256);
    fake_done();

    /* 1024: one APDU */
    fake_reset();
    key.bits = 1024;
    fake_expect("002241B606 800116 840181", "9000");
    expect_chain(pso_cds, block, 128, true, sig, 128, 0x9000);
    assert_int_equal(edge->sign(card, &key, MDC_SIGN_RAW, block, 128, &out).status, MDC_CARD_OK);
    assert_int_equal(out.len, 128);
    fake_done();

    /* input must be exactly k bytes */
    assert_int_equal(edge->sign(card, &key, MDC_SIGN_RAW, block, 127, &out).status, MDC_CARD_ARGS);
    assert_int_equal(edge->sign(card, &key, MDC_SIGN_RAW, block, 129, &out).status, MDC_CARD_ARGS);

    /* a link refused stops the chain; an answer longer than k is bad */
    fake_reset();
    key.bits = 2048;
    fake_expect("002241B606 800117 840181", "9000");
    {
        uint8_t cmd[FAKE_APDU_MAX];
        fake_hex("102A9E9AF0", cmd, sizeof(cmd));
        memcpy(cmd + 5, block, 240);
        fake_expect_bin(cmd, 245, (const uint8_t *)"\x69\x85", 2);
    }
    assert_int_equal(edge->sign(card, &key, MDC_SIGN_RAW, block, 256, &out).sw, 0x6985);
    assert_int_equal(out.len, 0);
    fake_done();
    fake_reset();
    key.bits = 1024;
    fake_expect("002241B606 800116 840181", "9000");
    expect_chain(pso_cds, block, 128, true, sig, 129, 0x9000);
    assert_int_equal(edge->sign(card, &key, MDC_SIGN_RAW, block, 128, &out).status,
                     MDC_CARD_BAD_RESPONSE);
    assert_int_equal(out.len, 0);
    fake_done();
    mdc_buf_free(&out);
}

static void test_sign_not_logged_in(void **state)
{
    struct mdc_card_key key = {0, 2048, true};
    uint8_t di[51] = {0x30};
    struct mdc_buf out = MDC_BUF_INIT;
    mdc_card_rc rc;

    (void)state;
    /* MSE refused (key ACL needs the PIN): no PSO follows */
    fake_expect("002241B606 800157 840181", "6982");
    rc = edge->sign(card, &key, MDC_SIGN_PKCS1, di, sizeof(di), &out);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(rc.sw, 0x6982);
    assert_int_equal(mdc_gids_rv(rc, MDC_CARD_OP_CRYPTO), CKR_USER_NOT_LOGGED_IN);
    fake_done();
    mdc_buf_free(&out);
}

/* ---- decrypt ---- */

static void test_decrypt(void **state)
{
    struct mdc_card_key key = {0, 2048, true};
    uint8_t ct[256], pt[256];
    struct mdc_buf out = MDC_BUF_INIT;
    mdc_card_rc rc;

    (void)state;
    pattern(ct, sizeof(ct), 0x42);
    pattern(pt, sizeof(pt), 0x99);
    /* PKCS#1: 4x, chained 240 + 16, no padding indicator, Le 00 */
    fake_expect("002241B806 800147 840181", "9000");
    expect_chain(pso_dec, ct, sizeof(ct), true, pt, 32, 0x9000);
    rc = edge->decrypt(card, &key, MDC_DECRYPT_PKCS1, ct, sizeof(ct), &out);
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(out.len, 32);
    assert_memory_equal(out.data, pt, 32);
    fake_done();

    /* OAEP: 8x */
    fake_reset();
    fake_expect("002241B806 800187 840181", "9000");
    expect_chain(pso_dec, ct, sizeof(ct), true, pt, 20, 0x9000);
    assert_int_equal(edge->decrypt(card, &key, MDC_DECRYPT_OAEP_SHA1, ct, 256, &out).status,
                     MDC_CARD_OK);
    assert_int_equal(out.len, 20);
    fake_done();

    /* raw: 0x, the whole block (a short answer is left-padded) */
    fake_reset();
    fake_expect("002241B806 800107 840181", "9000");
    expect_chain(pso_dec, ct, sizeof(ct), true, pt, 255, 0x9000);
    assert_int_equal(edge->decrypt(card, &key, MDC_DECRYPT_RAW, ct, 256, &out).status, MDC_CARD_OK);
    assert_int_equal(out.len, 256);
    assert_int_equal(out.data[0], 0);
    assert_memory_equal(out.data + 1, pt, 255);
    fake_done();

    /* padding error on the card */
    fake_reset();
    fake_expect("002241B806 800147 840181", "9000");
    expect_chain(pso_dec, ct, sizeof(ct), true, NULL, 0, 0x6A80);
    rc = edge->decrypt(card, &key, MDC_DECRYPT_PKCS1, ct, 256, &out);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(rc.sw, 0x6A80);
    assert_int_equal(out.len, 0);
    assert_int_equal(mdc_gids_rv(rc, MDC_CARD_OP_CRYPTO), CKR_ENCRYPTED_DATA_INVALID);
    assert_int_equal(mdc_gids_rv(rc, MDC_CARD_OP_DECRYPT), CKR_ENCRYPTED_DATA_INVALID);
    fake_done();

    /* 1024-bit key in container 1: one APDU */
    fake_reset();
    key = (struct mdc_card_key){1, 1024, true};
    fake_expect("002241B806 800146 840182", "9000");
    expect_chain(pso_dec, ct, 128, true, pt, 16, 0x9000);
    assert_int_equal(edge->decrypt(card, &key, MDC_DECRYPT_PKCS1, ct, 128, &out).status,
                     MDC_CARD_OK);
    fake_done();

    /* the cryptogram must be exactly k bytes: nothing is sent otherwise */
    assert_int_equal(edge->decrypt(card, &key, MDC_DECRYPT_PKCS1, ct, 129, &out).status,
                     MDC_CARD_ARGS);
    assert_int_equal(edge->decrypt(card, &key, MDC_DECRYPT_PKCS1, ct, 127, &out).status,
                     MDC_CARD_ARGS);
    key.bits = 512;
    assert_int_equal(edge->decrypt(card, &key, MDC_DECRYPT_PKCS1, ct, 64, &out).status,
                     MDC_CARD_UNSUPPORTED);
    fake_done();
    mdc_buf_free(&out);
}

/* ---- random ---- */

static void test_random(void **state)
{
    uint8_t out[200], want[200];
    mdc_card_rc rc;

    (void)state;
    pattern(want, sizeof(want), 0x21);
    /* 200 bytes: 128 + 72; the second chunk answered short (40), then the rest */
    {
        uint8_t r[130];
        memcpy(r, want, 128);
        r[128] = 0x90;
        r[129] = 0x00;
        fake_expect_bin((const uint8_t *)"\x00\x84\x00\x00\x80", 5, r, 130);
        memcpy(r, want + 128, 40);
        r[40] = 0x90;
        r[41] = 0x00;
        fake_expect_bin((const uint8_t *)"\x00\x84\x00\x00\x48", 5, r, 42);
        memcpy(r, want + 168, 32);
        r[32] = 0x90;
        r[33] = 0x00;
        fake_expect_bin((const uint8_t *)"\x00\x84\x00\x00\x20", 5, r, 34);
    }
    rc = edge->get_random(card, out, sizeof(out));
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_memory_equal(out, want, sizeof(out));
    fake_done();

    /* no generator */
    fake_reset();
    fake_expect("0084000010", "6D00");
    fake_expect("0084000010", "6E00");
    fake_expect("0084000010", "6A81");
    fake_expect("0084000010", "6982");
    memset(out, 0xEE, sizeof(out));
    rc = edge->get_random(card, out, 16);
    assert_int_equal(rc.status, MDC_CARD_UNSUPPORTED);
    assert_int_equal(rc.sw, 0x6D00);
    assert_int_equal(mdc_gids_rv(rc, MDC_CARD_OP_READ), CKR_FUNCTION_NOT_SUPPORTED);
    assert_int_equal(out[0], 0); /* wiped, not half-filled */
    assert_int_equal(edge->get_random(card, out, 16).status, MDC_CARD_UNSUPPORTED);
    assert_int_equal(edge->get_random(card, out, 16).status, MDC_CARD_UNSUPPORTED);
    rc = edge->get_random(card, out, 16);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(rc.sw, 0x6982);
    fake_done();

    /* an empty or oversized answer is a bad response */
    fake_reset();
    fake_expect("0084000004", "9000");
    fake_expect("0084000004", "0102030405 9000");
    assert_int_equal(edge->get_random(card, out, 4).status, MDC_CARD_BAD_RESPONSE);
    assert_int_equal(edge->get_random(card, out, 4).status, MDC_CARD_BAD_RESPONSE);
    assert_int_equal(edge->get_random(card, out, 0).status, MDC_CARD_OK);
    assert_int_equal(edge->get_random(card, NULL, 4).status, MDC_CARD_ARGS);
    fake_done();
}

/* ---- status words ---- */

static CK_RV sw(uint16_t w, enum mdc_card_op op)
{
    return mdc_gids_rv((mdc_card_rc){w == 0x9000 ? MDC_CARD_OK : MDC_CARD_SW, w}, op);
}

static void test_sw_mapping(void **state)
{
    (void)state;
    assert_int_equal(sw(0x6A80, MDC_CARD_OP_DECRYPT), CKR_ENCRYPTED_DATA_INVALID);
    assert_int_equal(sw(0x6A80, MDC_CARD_OP_CRYPTO), CKR_ENCRYPTED_DATA_INVALID);
    assert_int_equal(sw(0x6A80, MDC_CARD_OP_READ), CKR_DATA_INVALID);
    assert_int_equal(sw(0x6700, MDC_CARD_OP_DECRYPT), CKR_ENCRYPTED_DATA_LEN_RANGE);
    assert_int_equal(sw(0x6700, MDC_CARD_OP_CRYPTO), CKR_DATA_LEN_RANGE);
    assert_int_equal(sw(0x6700, MDC_CARD_OP_PIN), CKR_PIN_LEN_RANGE);
    assert_int_equal(sw(0x6982, MDC_CARD_OP_CRYPTO), CKR_USER_NOT_LOGGED_IN);
    assert_int_equal(sw(0x6982, MDC_CARD_OP_DECRYPT), CKR_USER_NOT_LOGGED_IN);
    assert_int_equal(sw(0x63C1, MDC_CARD_OP_PIN), CKR_PIN_INCORRECT);
    assert_int_equal(sw(0x6983, MDC_CARD_OP_PIN), CKR_PIN_LOCKED);
    assert_int_equal(sw(0x6A84, MDC_CARD_OP_CRYPTO), CKR_DEVICE_MEMORY);
    assert_int_equal(sw(0x6F00, MDC_CARD_OP_DECRYPT), CKR_DEVICE_ERROR);
    assert_int_equal(mdc_gids_rv((mdc_card_rc){MDC_CARD_UNSUPPORTED, 0}, MDC_CARD_OP_CRYPTO),
                     CKR_FUNCTION_NOT_SUPPORTED);
    assert_int_equal(mdc_gids_rv((mdc_card_rc){MDC_CARD_ABSENT, 0x6984}, MDC_CARD_OP_READ),
                     CKR_DEVICE_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_verify, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_verify_lengths, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_logout, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_sign_pkcs1, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_sign_long_result, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_sign_raw, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_sign_not_logged_in, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_decrypt, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_random, open_card, close_card),
        cmocka_unit_test(test_sw_mapping),
    };
    int fd, failed;

    /* Trace everything to a private file, read back by test_verify. */
    fd = mkstemp(log_path);
    if (fd < 0)
        return 1;
    close(fd);
    setenv("MDCARD_DEBUG", "trace", 1);
    setenv("MDCARD_LOG", log_path, 1);
    failed = cmocka_run_group_tests(tests, NULL, NULL);
    unlink(log_path);
    return failed;
}
