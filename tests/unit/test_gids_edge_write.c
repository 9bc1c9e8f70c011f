/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS card edge, write side, against the scripted fake card: exact APDUs
 * and their order for file create (DO before table), delete (table before
 * DO, two empty writes), copy-on-write; key EF FCPs with the real kid,
 * keymap created from absent and empty DOs; PIN change/unblock; admin
 * mutual authentication checked with an independent 3DES computation (and a
 * forged card answer refused); the initialization sequence of
 * GIDS-AND-MINIDRIVER.md 2.16 byte for byte; key erase; status mapping.
 * RAND_bytes is wrapped (extra.cmake) so that the host challenge is known.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>

#include "fake_card.h"
#include "gids/gids.h"

#define SELECT_GIDS "00A4040009A0000003974254465900"
#define GET_TABLE "00CBA000045C02DF1F00"

/* The initial master table exactly as GIDS-AND-MINIDRIVER.md 3.2 prints it. */
#define TABLE_INITIAL_HEX                                                                          \
    "01"                                                                                           \
    "6D7363700000000000 000000000000000000 0000 00000000 00A00000"                                 \
    "000000000000000000 636172646964000000 0000 20DF0000 12A00000"                                 \
    "000000000000000000 636172646170707300 0000 21DF0000 10A00000"                                 \
    "000000000000000000 636172646366000000 0000 22DF0000 10A00000"                                 \
    "6D7363700000000000 636D617066696C6500 0000 23DF0000 10A00000"
#define REC_MSROOTS_DF24 "6D7363700000000000 6D73726F6F74730000 0000 24DF0000 10A00000"
#define REC_MSROOTS_DF25 "6D7363700000000000 6D73726F6F74730000 0000 25DF0000 10A00000"
#define REC_KXC00_DF25 "6D7363700000000000 6B78633030000000 00 0000 25DF0000 10A00000"

static struct mdc_pcsc *pcsc;
static struct mdc_card *card;
static const struct mdc_card_edge *edge = &mdc_gids_edge;

/* ---- deterministic RAND_bytes for the admin challenge ---- */

static uint8_t rand_seed;
int __wrap_RAND_bytes(unsigned char *buf, int num);
int __wrap_RAND_bytes(unsigned char *buf, int num)
{
    for (int i = 0; i < num; i++)
        buf[i] = (unsigned char)(rand_seed++ * 7 + 3);
    return 1;
}

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

static size_t hex(const char *h, uint8_t *out, size_t size)
{
    return fake_hex(h, out, size);
}

static void expect_do_hex(uint16_t ef, uint16_t tag, const char *value_hex)
{
    uint8_t cmd[10] = {0x00, 0xCB, (uint8_t)(ef >> 8),  (uint8_t)ef,  0x04,
                       0x5C, 0x02, (uint8_t)(tag >> 8), (uint8_t)tag, 0x00};
    uint8_t value[FAKE_APDU_MAX], resp[FAKE_APDU_MAX];
    size_t len = hex(value_hex, value, sizeof(value)), n = 0;

    resp[n++] = (uint8_t)(tag >> 8);
    resp[n++] = (uint8_t)tag;
    if (len > 0x7F)
        resp[n++] = 0x81;
    resp[n++] = (uint8_t)len;
    memcpy(resp + n, value, len);
    n += len;
    resp[n++] = 0x90;
    resp[n++] = 0x00;
    fake_expect_bin(cmd, sizeof(cmd), resp, n);
}

static void expect_do_sw(uint16_t ef, uint16_t tag, const char *sw)
{
    char cmd[64];

    snprintf(cmd, sizeof(cmd), "00CB%04X045C02%04X00", ef, tag);
    fake_expect(cmd, sw);
}

/* PUT DATA of `tlv` (the whole DO) in 240-byte links, the last answered `sw`. */
static void expect_put_bin(uint8_t p1, uint8_t p2, const uint8_t *tlv, size_t len, const char *sw)
{
    uint8_t cmd[FAKE_APDU_MAX], r[2];
    size_t off = 0;

    while (len - off > 240) {
        memcpy(cmd, (const uint8_t[]){0x10, 0xDB, p1, p2, 0xF0}, 5);
        memcpy(cmd + 5, tlv + off, 240);
        fake_expect_bin(cmd, 245, (const uint8_t *)"\x90\x00", 2);
        off += 240;
    }
    memcpy(cmd, (const uint8_t[]){0x00, 0xDB, p1, p2, (uint8_t)(len - off)}, 5);
    memcpy(cmd + 5, tlv + off, len - off);
    assert_int_equal(hex(sw, r, sizeof(r)), 2);
    fake_expect_bin(cmd, 5 + len - off, r, 2);
}

static void expect_put_hex(uint8_t p1, uint8_t p2, const char *tlv_hex, const char *sw)
{
    static uint8_t tlv[4096];

    expect_put_bin(p1, p2, tlv, hex(tlv_hex, tlv, sizeof(tlv)), sw);
}

static void expect_table(const char *records_hex)
{
    char h[4096];

    snprintf(h, sizeof(h), "%s%s", TABLE_INITIAL_HEX, records_hex);
    expect_do_hex(0xA000, 0xDF1F, h);
}

/* PUT DATA A000/DF1F with the initial table + records (count given). */
static void expect_put_table(const char *records_hex, unsigned extra)
{
    char h[4096];
    unsigned len = 141 + 28 * extra;

    snprintf(h, sizeof(h), "DF1F81%02X%s%s", len, TABLE_INITIAL_HEX, records_hex);
    expect_put_hex(0xA0, 0x00, h, "9000");
}

static void pattern(uint8_t *p, size_t n, uint8_t seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(seed + i * 11);
}

/* ---- files ---- */

static void test_create_file(void **state)
{
    uint8_t data[300], full[305];
    mdc_card_rc rc;

    (void)state;
    pattern(data, sizeof(data), 5);
    /* DF24 82 01 2C <300 bytes>: two links. */
    memcpy(full, "\xDF\x24\x82\x01\x2C", 5);
    memcpy(full + 5, data, sizeof(data));
    expect_table("");
    /* Data first, then the table that references it. */
    expect_put_bin(0xA0, 0x10, full, sizeof(full), "9000");
    expect_put_table(REC_MSROOTS_DF24, 1);
    rc = edge->create_file(card, "mscp", "msroots", data, sizeof(data));
    assert_int_equal(rc.status, MDC_CARD_OK);
    /* The name is taken in any case: nothing is sent. */
    rc = edge->create_file(card, "MSCP", "MsRoots", data, 1);
    assert_int_equal(rc.status, MDC_CARD_EXISTS);
    /* The cached table followed the write: the next file gets DF25, empty. */
    expect_put_hex(0xA0, 0x10, "DF25 00", "9000");
    expect_put_table(
        REC_MSROOTS_DF24 "6D7363700000000000 6B78633030000000 00 0000 25DF0000 10A00000", 2);
    rc = edge->create_file(card, "mscp", "kxc00", NULL, 0);
    assert_int_equal(rc.status, MDC_CARD_OK);
    /* A directory that does not exist, a name too long: nothing sent. */
    assert_int_equal(edge->create_file(card, "nodir", "x", data, 1).status, MDC_CARD_ABSENT);
    assert_int_equal(edge->create_file(card, "mscp", "ninechars", data, 1).status, MDC_CARD_ARGS);
    fake_done();
}

static void test_create_file_fails(void **state)
{
    (void)state;
    /* Card full at the data write: the table is not written, and the cached
     * table is dropped (the next call reads it again). */
    expect_table("");
    expect_put_hex(0xA0, 0x10, "DF24 03 010203", "6A84");
    expect_table("");
    expect_put_hex(0xA0, 0x10, "DF24 01 07", "9000");
    expect_put_table(REC_MSROOTS_DF24, 1);
    mdc_card_rc rc = edge->create_file(card, "mscp", "msroots", (const uint8_t *)"\1\2\3", 3);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(rc.sw, 0x6A84);
    assert_int_equal(edge->rv(rc, MDC_CARD_OP_WRITE), CKR_DEVICE_MEMORY);
    rc = edge->create_file(card, "mscp", "msroots", (const uint8_t *)"\7", 1);
    assert_int_equal(rc.status, MDC_CARD_OK);
    fake_done();
}

static void test_create_on_blank_card(void **state)
{
    (void)state;
    expect_do_sw(0xA000, 0xDF1F, "6A82");
    assert_int_equal(edge->create_file(card, "mscp", "x", (const uint8_t *)"1", 1).status,
                     MDC_CARD_ABSENT);
    fake_done();
}

static void test_delete_file(void **state)
{
    mdc_card_rc rc;

    (void)state;
    expect_table(REC_MSROOTS_DF24 REC_KXC00_DF25);
    /* Table first (without msroots; kxc00 moves down), then the DO: empty
     * write, GET DATA shows "DF24 00", empty write again, GET DATA 6A88. */
    expect_put_table(REC_KXC00_DF25, 1);
    expect_put_hex(0xA0, 0x10, "DF24 00", "9000");
    expect_do_hex(0xA010, 0xDF24, "");
    expect_put_hex(0xA0, 0x10, "DF24 00", "9000");
    expect_do_sw(0xA010, 0xDF24, "6A88");
    rc = edge->delete_file(card, "MSCP", "MSROOTS");
    assert_int_equal(rc.status, MDC_CARD_OK);
    /* A card that deletes on the first empty write gets only one. */
    expect_put_table("", 0);
    expect_put_hex(0xA0, 0x10, "DF25 00", "9000");
    expect_do_sw(0xA010, 0xDF25, "6A88");
    rc = edge->delete_file(card, "mscp", "kxc00");
    assert_int_equal(rc.status, MDC_CARD_OK);
    /* Gone: absent, nothing sent. */
    assert_int_equal(edge->delete_file(card, "mscp", "kxc00").status, MDC_CARD_ABSENT);
    fake_done();
}

static void test_delete_do_stuck(void **state)
{
    mdc_card_rc rc;

    (void)state;
    /* A card that keeps content after an empty write: the file is gone from
     * the table (OK), its DO is only an orphan. */
    expect_table(REC_MSROOTS_DF24);
    expect_put_table("", 0);
    expect_put_hex(0xA0, 0x10, "DF24 00", "9000");
    expect_do_hex(0xA010, 0xDF24, "AA");
    rc = edge->delete_file(card, "mscp", "msroots");
    assert_int_equal(rc.status, MDC_CARD_OK);
    fake_done();
    /* Table write refused: the DO is not touched. */
    edge->end(card);
    fake_reset();
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_table(REC_MSROOTS_DF24);
    {
        char h[1024];
        snprintf(h, sizeof(h), "DF1F818D%s", TABLE_INITIAL_HEX);
        expect_put_hex(0xA0, 0x00, h, "6982");
    }
    rc = edge->delete_file(card, "mscp", "msroots");
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(edge->rv(rc, MDC_CARD_OP_WRITE), CKR_USER_NOT_LOGGED_IN);
    fake_done();
}

static void test_write_in_place_and_cow(void **state)
{
    mdc_card_rc rc;

    (void)state;
    expect_table(REC_MSROOTS_DF24);
    expect_put_hex(0xA0, 0x10, "DF22 06 000001000300", "9000");
    rc = edge->write_file(card, NULL, "cardcf", (const uint8_t *)"\0\0\1\0\3\0", 6, false);
    assert_int_equal(rc.status, MDC_CARD_OK);
    /* Copy-on-write: new DO at DF25, table repointed, old DF24 deleted. */
    expect_put_hex(0xA0, 0x10, "DF25 02 CAFE", "9000");
    expect_put_table(REC_MSROOTS_DF25, 1);
    expect_put_hex(0xA0, 0x10, "DF24 00", "9000");
    expect_do_hex(0xA010, 0xDF24, "");
    expect_put_hex(0xA0, 0x10, "DF24 00", "9000");
    expect_do_sw(0xA010, 0xDF24, "6A88");
    rc = edge->write_file(card, "mscp", "MSROOTS", (const uint8_t *)"\xCA\xFE", 2, true);
    assert_int_equal(rc.status, MDC_CARD_OK);
    /* Again: DF24 is free now, so the file moves back. */
    expect_put_hex(0xA0, 0x10, "DF24 01 01", "9000");
    expect_put_table(REC_MSROOTS_DF24, 1);
    expect_put_hex(0xA0, 0x10, "DF25 00", "9000");
    expect_do_sw(0xA010, 0xDF25, "6A88");
    rc = edge->write_file(card, "mscp", "msroots", (const uint8_t *)"\1", 1, true);
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(edge->write_file(card, "mscp", "nothere", NULL, 0, false).status,
                     MDC_CARD_ABSENT);
    fake_done();
}

static void test_cow_data_write_fails(void **state)
{
    mdc_card_rc rc;

    (void)state;
    /* The new DO cannot be written: table and old DO untouched. */
    expect_table(REC_MSROOTS_DF24);
    expect_put_hex(0xA0, 0x10, "DF25 01 01", "6A84");
    rc = edge->write_file(card, "mscp", "msroots", (const uint8_t *)"\1", 1, true);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(rc.sw, 0x6A84);
    fake_done();
}

/* ---- keys ---- */

#define FCP_KX_81_1024                                                                             \
    "00E0000049 6247 820118 8302B081 8C058F10101000 A537"                                          \
    "B809800106830181950140 B809800186830181950140 B809800146830181950140"                         \
    "B609800116830181950140 B609800156830181950140"
#define FCP_SIG_83_2048                                                                            \
    "00E0000028 6226 820118 8302B083 8C058F10101000 A516"                                          \
    "B609800117830183950140 B609800157830183950140"

static void expect_pubkey_1024(const char *cmd_hex, uint8_t seed)
{
    uint8_t resp[142];

    memcpy(resp, "\x7F\x49\x81\x88\x81\x81\x80", 7);
    pattern(resp + 7, 128, seed);
    resp[7] |= 0x80;
    memcpy(resp + 135, "\x82\x03\x01\x00\x01\x90\x00", 7);
    {
        uint8_t cmd[32];
        size_t n = hex(cmd_hex, cmd, sizeof(cmd));
        fake_expect_bin(cmd, n, resp, sizeof(resp));
    }
}

static void test_generate_key_exchange(void **state)
{
    struct mdc_card_key key = {0, 1024, true};
    struct mdc_card_pubkey pk = {MDC_BUF_INIT, MDC_BUF_INIT};
    uint8_t fcp[80];
    mdc_card_rc rc;

    (void)state;
    /* Pure FCP builder: the 2.11 bytes. */
    {
        uint8_t want[80];
        size_t n = hex(FCP_KX_81_1024, want, sizeof(want));
        assert_int_equal(mdc_gids_key_fcp(0x81, 0x06, true, fcp, sizeof(fcp)), n - 5);
        assert_memory_equal(fcp, want + 5, n - 5);
        assert_int_equal(mdc_gids_key_fcp(0x81, 0x06, true, fcp, 72), 0);
    }
    fake_expect("00A4000C02B081", "6A82");
    fake_expect(FCP_KX_81_1024, "9000");
    fake_expect("00440000", "9000");
    expect_pubkey_1024("0047000008AC06800106830181 00", 9);
    /* Keymap absent: created with its version byte and record 0. */
    expect_do_sw(0xA000, 0xDF20, "6A88");
    expect_put_hex(0xA0, 0x00, "DF20 0D 01 01000000 06 9A 81B0 FFFF 0000", "9000");
    rc = edge->generate_key(card, &key, &pk);
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(pk.modulus.len, 128);
    assert_int_equal(pk.modulus.data[0], (uint8_t)(9 | 0x80));
    assert_int_equal(pk.exponent.len, 3);
    fake_done();
    mdc_buf_free(&pk.modulus);
    mdc_buf_free(&pk.exponent);
}

static void test_generate_signature_orphan_empty_keymap(void **state)
{
    struct mdc_card_key key = {2, 2048, false};
    struct mdc_card_pubkey pk = {MDC_BUF_INIT, MDC_BUF_INIT};
    uint8_t resp[258];
    mdc_card_rc rc;

    (void)state;
    /* An orphan B083 from an interrupted run is deleted first. */
    fake_expect("00A4000C02B083", "9000");
    fake_expect("00E40000", "9000");
    fake_expect(FCP_SIG_83_2048, "9000");
    fake_expect("00440000", "9000");
    /* No key in the answer: read it with 2.8 (2048 bits: 256 + 61 0E). */
    fake_expect("0047000008AC06800107830183 00", "9000");
    memcpy(resp, "\x7F\x49\x82\x01\x09\x81\x82\x01\x00", 9);
    pattern(resp + 9, 247, 1);
    resp[9] = 0xC1;
    resp[256] = 0x61;
    resp[257] = 0x0E;
    fake_expect_bin((const uint8_t *)"\x00\xCB\x3F\xFF\x0A\x70\x08\x84\x01\x83\xA5\x03\x7F\x49\x80"
                                     "\x00",
                    16, resp, sizeof(resp));
    fake_expect("00C000000E", "010203040506070809 82030100019000");
    /* Keymap present but empty (DF20 00): two released records, then ours. */
    expect_do_hex(0xA000, 0xDF20, "");
    expect_put_hex(0xA0, 0x00,
                   "DF20 25 01 000000000000FFFFFFFF0000 000000000000FFFFFFFF0000"
                   " 01000000 07 9C 83B0 FFFF 0000",
                   "9000");
    rc = edge->generate_key(card, &key, &pk);
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(pk.modulus.len, 256);
    fake_done();
    mdc_buf_free(&pk.modulus);
    mdc_buf_free(&pk.exponent);
}

static void test_generate_rewrites_record(void **state)
{
    struct mdc_card_key key = {1, 1024, true};
    struct mdc_card_pubkey pk = {MDC_BUF_INIT, MDC_BUF_INIT};
    mdc_card_rc rc;

    (void)state;
    fake_expect("00A4000C02B082", "6A82");
    fake_expect("00E0000049 6247 820118 8302B082 8C058F10101000 A537"
                "B809800106830182950140 B809800186830182950140 B809800146830182950140"
                "B609800116830182950140 B609800156830182950140",
                "9000");
    fake_expect("00440000", "9000");
    expect_pubkey_1024("0047000008AC06800106830182 00", 3);
    /* Record 1 rewritten; record 0's unknown values and record 2 kept. */
    expect_do_hex(0xA000, 0xDF20,
                  "01 02000000 07 9A 81B0 1234 5678 000000000000FFFFFFFF0000"
                  " 01000000 07 9A 83B0 FFFF 0000");
    expect_put_hex(0xA0, 0x00,
                   "DF20 25 01 02000000 07 9A 81B0 1234 5678 01000000 06 9A 82B0 FFFF 0000"
                   " 01000000 07 9A 83B0 FFFF 0000",
                   "9000");
    rc = edge->generate_key(card, &key, &pk);
    assert_int_equal(rc.status, MDC_CARD_OK);
    fake_done();

    /* GENERATE refused (no PIN): the keymap is not touched. */
    fake_reset();
    fake_expect("00A4000C02B082", "6A82");
    fake_expect("00E0000049 6247 820118 8302B082 8C058F10101000 A537"
                "B809800106830182950140 B809800186830182950140 B809800146830182950140"
                "B609800116830182950140 B609800156830182950140",
                "9000");
    fake_expect("00440000", "9000");
    fake_expect("0047000008AC06800106830182 00", "6982");
    rc = edge->generate_key(card, &key, &pk);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(edge->rv(rc, MDC_CARD_OP_WRITE), CKR_USER_NOT_LOGGED_IN);
    /* Unsupported size, bad index: nothing sent. */
    key.bits = 1000;
    assert_int_equal(edge->generate_key(card, &key, &pk).status, MDC_CARD_UNSUPPORTED);
    key.bits = 1024;
    key.index = 127;
    assert_int_equal(edge->generate_key(card, &key, &pk).status, MDC_CARD_ARGS);
    fake_done();
    mdc_buf_free(&pk.modulus);
    mdc_buf_free(&pk.exponent);
}

static void test_import_key(void **state)
{
    struct mdc_card_key key = {0, 2048, true};
    uint8_t der[600], tlv[700];
    size_t n;
    mdc_card_rc rc;

    (void)state;
    pattern(der, sizeof(der), 0x21);
    der[0] = 0x30;
    /* 70 82 LL LL 84 01 81 A5 82 MM MM 83 01 02 84 01 00 87 82 02 58 DER */
    n = hex("70820269 840181 A5820262 830102 840100 87820258", tlv, sizeof(tlv));
    assert_int_equal(n, 21);
    memcpy(tlv + n, der, sizeof(der));
    fake_expect("00A4000C02B081", "6A82");
    fake_expect("00E0000049 6247 820118 8302B081 8C058F10101000 A537"
                "B809800107830181950140 B809800187830181950140 B809800147830181950140"
                "B609800117830181950140 B609800157830181950140",
                "9000");
    fake_expect("00440000", "9000");
    expect_put_bin(0x3F, 0xFF, tlv, n + sizeof(der), "9000");
    expect_do_sw(0xA000, 0xDF20, "6A88");
    expect_put_hex(0xA0, 0x00, "DF20 0D 01 01000000 07 9A 81B0 FFFF 0000", "9000");
    rc = edge->import_key(card, &key, der, sizeof(der));
    assert_int_equal(rc.status, MDC_CARD_OK);
    /* Not a DER SEQUENCE: refused before anything is sent. */
    der[0] = 0x02;
    assert_int_equal(edge->import_key(card, &key, der, sizeof(der)).status, MDC_CARD_ARGS);
    fake_done();
}

static void test_delete_key(void **state)
{
    struct mdc_card_key key = {1, 2048, true};

    (void)state;
    fake_expect("00A4000C02B082", "9000");
    fake_expect("00E40000", "9000");
    expect_do_hex(0xA000, 0xDF20, "01 01000000 07 9A 81B0 FFFF 0000 01000000 07 9A 82B0 FFFF 0000");
    expect_put_hex(0xA0, 0x00, "DF20 19 01 01000000 07 9A 81B0 FFFF 0000 000000000000FFFFFFFF0000",
                   "9000");
    assert_int_equal(edge->delete_key(card, &key).status, MDC_CARD_OK);
    /* Key file already gone and no keymap record for it: nothing to write. */
    key.index = 5;
    fake_expect("00A4000C02B086", "6A82");
    expect_do_hex(0xA000, 0xDF20, "01 01000000 07 9A 81B0 FFFF 0000");
    assert_int_equal(edge->delete_key(card, &key).status, MDC_CARD_OK);
    fake_done();
}

static void test_erase_keys(void **state)
{
    char cmd[32];

    (void)state;
    expect_do_hex(0xA000, 0xDF20,
                  "01 01000000 07 9A 81B0 FFFF 0000 000000000000FFFFFFFF0000"
                  " 01000000 07 9A 83B0 FFFF 0000");
    fake_expect("00A4000C02B081", "9000");
    fake_expect("00E40000", "9000");
    fake_expect("00A4000C02B082", "6A82");
    fake_expect("00A4000C02B083", "9000");
    fake_expect("00E40000", "9000");
    /* An orphan right after the keymap's last record is found too. */
    fake_expect("00A4000C02B084", "9000");
    fake_expect("00E40000", "9000");
    for (unsigned kid = 0x85; kid < 0x85 + 8; kid++) {
        snprintf(cmd, sizeof(cmd), "00A4000C02B0%02X", kid);
        fake_expect(cmd, "6A82");
    }
    expect_put_hex(0xA0, 0x00, "DF20 01 01", "9000");
    assert_int_equal(edge->erase_keys(card).status, MDC_CARD_OK);
    fake_done();
}

static void test_erase_keys_without_keymap(void **state)
{
    char cmd[32];

    (void)state;
    /* No keymap (a tool that never wrote one): a probe finds B081 and stops
     * after 8 absent key files; the keymap is written as version byte only. */
    expect_do_sw(0xA000, 0xDF20, "6A88");
    fake_expect("00A4000C02B081", "9000");
    fake_expect("00E40000", "9000");
    for (unsigned kid = 0x82; kid < 0x82 + 8; kid++) {
        snprintf(cmd, sizeof(cmd), "00A4000C02B0%02X", kid);
        fake_expect(cmd, "6A82");
    }
    expect_put_hex(0xA0, 0x00, "DF20 01 01", "9000");
    assert_int_equal(edge->erase_keys(card).status, MDC_CARD_OK);
    fake_done();
    /* DELETE FILE refused: erase stops there and says so. */
    fake_reset();
    expect_do_sw(0xA000, 0xDF20, "6A88");
    fake_expect("00A4000C02B081", "9000");
    fake_expect("00E40000", "6982");
    mdc_card_rc rc = edge->erase_keys(card);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(rc.sw, 0x6982);
    fake_done();
}

static void test_ber_len(void **state)
{
    uint8_t b[3];

    (void)state;
    assert_int_equal(mdc_gids_ber_len(0, b), 1);
    assert_int_equal(b[0], 0x00);
    assert_int_equal(mdc_gids_ber_len(127, b), 1);
    assert_int_equal(b[0], 0x7F);
    assert_int_equal(mdc_gids_ber_len(128, b), 2);
    assert_memory_equal(b, "\x81\x80", 2);
    assert_int_equal(mdc_gids_ber_len(255, b), 2);
    assert_memory_equal(b, "\x81\xFF", 2);
    assert_int_equal(mdc_gids_ber_len(256, b), 3);
    assert_memory_equal(b, "\x82\x01\x00", 3);
    assert_int_equal(mdc_gids_ber_len(32767, b), 3);
    assert_memory_equal(b, "\x82\x7F\xFF", 3);
}

/* ---- PIN and admin ---- */

static void test_change_and_unblock_pin(void **state)
{
    unsigned tries = 0;
    mdc_card_rc rc;

    (void)state;
    fake_expect("002400800C 313233343536 393837363534", "9000");
    fake_expect("002400800C 313233343536 393837363534", "63C1");
    fake_expect("002400800C 313233343536 393837363534", "6983");
    fake_expect("00240080 07 313233343536 39", "6700");
    rc = edge->change_pin(card, MDC_PIN_USER, (const uint8_t *)"123456", 6,
                          (const uint8_t *)"987654", 6, &tries);
    assert_int_equal(rc.status, MDC_CARD_OK);
    rc = edge->change_pin(card, MDC_PIN_USER, (const uint8_t *)"123456", 6,
                          (const uint8_t *)"987654", 6, &tries);
    assert_int_equal(rc.sw, 0x63C1);
    assert_int_equal(tries, 1);
    assert_int_equal(edge->rv(rc, MDC_CARD_OP_PIN), CKR_PIN_INCORRECT);
    rc = edge->change_pin(card, MDC_PIN_USER, (const uint8_t *)"123456", 6,
                          (const uint8_t *)"987654", 6, &tries);
    assert_int_equal(tries, 0);
    assert_int_equal(edge->rv(rc, MDC_CARD_OP_PIN), CKR_PIN_LOCKED);
    rc = edge->change_pin(card, MDC_PIN_USER, (const uint8_t *)"123456", 6, (const uint8_t *)"9", 1,
                          &tries);
    assert_int_equal(edge->rv(rc, MDC_CARD_OP_PIN), CKR_PIN_LEN_RANGE);
    fake_expect("002C028006 313132323333", "9000");
    fake_expect("002C028006 313132323333", "6986");
    assert_int_equal(edge->unblock_pin(card, (const uint8_t *)"112233", 6).status, MDC_CARD_OK);
    rc = edge->unblock_pin(card, (const uint8_t *)"112233", 6);
    assert_int_equal(edge->rv(rc, MDC_CARD_OP_ADMIN), CKR_USER_PIN_NOT_INITIALIZED);
    fake_done();
}

static const uint8_t admin_key[24] = {1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12,
                                      13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24};

/* Independent 3DES-EDE CBC with a zero IV (no code shared with admin.c). */
static void ref_3des(int enc, const uint8_t *in, uint8_t *out)
{
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    uint8_t iv[8] = {0};
    int n = 0, m = 0;

    assert_non_null(c);
    assert_int_equal(EVP_CipherInit_ex(c, EVP_des_ede3_cbc(), NULL, admin_key, iv, enc), 1);
    EVP_CIPHER_CTX_set_padding(c, 0);
    assert_int_equal(EVP_CipherUpdate(c, out, &n, in, 40), 1);
    assert_int_equal(EVP_CipherFinal_ex(c, out + n, &m), 1);
    assert_int_equal(n + m, 40);
    EVP_CIPHER_CTX_free(c);
}

/* Script one mutual authentication; `forge` spoils the card's proof. */
static void script_admin(int forge)
{
    uint8_t r1[16], z1[7], r2[16], p1[40], c1[40], p2[40], c2[40];
    uint8_t cmd[64], resp[64];

    /* The wrapped RAND_bytes gives R1, then Z1. */
    for (int i = 0; i < 16; i++)
        r1[i] = (uint8_t)(i * 7 + 3);
    for (int i = 0; i < 7; i++)
        z1[i] = (uint8_t)((16 + i) * 7 + 3);
    rand_seed = 0;
    pattern(r2, 16, 0x55);
    memcpy(p1, r2, 16);
    memcpy(p1 + 16, r1, 16);
    memcpy(p1 + 32, z1, 7);
    p1[39] = 0x80;
    ref_3des(1, p1, c1);
    memcpy(p2, r1, 16);
    memcpy(p2 + 16, r2, 16);
    memset(p2 + 32, 0x77, 7);
    p2[39] = forge == 1 ? 0x00 : 0x80; /* forge 3: the card rejects C1 */
    if (forge == 2)
        p2[3] ^= 1; /* R1 not echoed */
    ref_3des(1, p2, c2);

    fake_expect("00 22 C1 A4 03 83 01 80", "9000");
    memcpy(cmd, "\x00\x87\x00\x00\x14\x7C\x12\x81\x10", 9);
    memcpy(cmd + 9, r1, 16);
    cmd[25] = 0x00;
    memcpy(resp, "\x7C\x12\x81\x10", 4);
    memcpy(resp + 4, r2, 16);
    memcpy(resp + 20, "\x90\x00", 2);
    fake_expect_bin(cmd, 26, resp, 22);
    memcpy(cmd, "\x00\x87\x00\x00\x2C\x7C\x2A\x82\x28", 9);
    memcpy(cmd + 9, c1, 40);
    cmd[49] = 0x00;
    memcpy(resp, "\x7C\x2A\x82\x28", 4);
    memcpy(resp + 4, c2, 40);
    memcpy(resp + 44, "\x90\x00", 2);
    if (forge == 3)
        fake_expect_bin(cmd, 50, (const uint8_t *)"\x69\x82", 2);
    else
        fake_expect_bin(cmd, 50, resp, 46);
}

static void test_admin_auth(void **state)
{
    mdc_card_rc rc;

    (void)state;
    script_admin(0);
    rc = edge->admin_auth(card, admin_key);
    assert_int_equal(rc.status, MDC_CARD_OK);
    fake_done();
    /* A card whose answer lacks the 80 marker, or does not echo R1, is
     * refused, and the (possible) admin login ended. */
    for (int forge = 1; forge <= 2; forge++) {
        fake_reset();
        script_admin(forge);
        fake_expect("00200082", "9000");
        rc = edge->admin_auth(card, admin_key);
        assert_int_equal(rc.status, MDC_CARD_BAD_RESPONSE);
        fake_done();
    }
    /* Wrong admin key: the card says 6982 at step 2 → CKR_PIN_INCORRECT. */
    fake_reset();
    script_admin(3);
    rc = edge->admin_auth(card, admin_key);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(rc.sw, 0x6982);
    assert_int_equal(edge->rv(rc, MDC_CARD_OP_ADMIN), CKR_PIN_INCORRECT);
    fake_done();
    assert_int_equal(edge->rv((mdc_card_rc){MDC_CARD_SW, 0x6982}, MDC_CARD_OP_ADMIN),
                     CKR_PIN_INCORRECT);
    assert_int_equal(edge->rv((mdc_card_rc){MDC_CARD_SW, 0x6986}, MDC_CARD_OP_ADMIN),
                     CKR_USER_PIN_NOT_INITIALIZED);
    assert_int_equal(edge->rv((mdc_card_rc){MDC_CARD_SW, 0x6985}, MDC_CARD_OP_ADMIN),
                     CKR_DEVICE_ERROR);
}

/* ---- initialization ---- */

static void test_initialize(void **state)
{
    static const uint8_t cardid[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                       0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};
    char h[1024];
    mdc_card_rc rc;

    (void)state;
    expect_do_sw(0xA000, 0xDF1F, "6A82"); /* blank */
    /* 2.16, steps 1-16. */
    fake_expect("0024018006 313233343536", "9000");
    fake_expect("00E000000E 620C 820139 8302A000 8C03033000", "9000");
    fake_expect("00440000", "9000");
    fake_expect("00E000000E 620C 820139 8302A010 8C03033000", "9000");
    fake_expect("00440000", "9000");
    fake_expect("00E000000E 620C 820139 8302A011 8C030330FF", "9000");
    fake_expect("00440000", "9000");
    fake_expect("00E000000E 620C 820139 8302A012 8C03032000", "9000");
    fake_expect("00440000", "9000");
    fake_expect("00E000000E 620C 820139 8302A013 8C03033030", "9000");
    fake_expect("00440000", "9000");
    fake_expect("00E000000E 620C 820139 8302A014 8C03032020", "9000");
    fake_expect("00440000", "9000");
    fake_expect("00E000001C 621A 820118 8302B080 8C04870020FF A50B A409 800102 830180 9501C0",
                "9000");
    fake_expect("00440000", "9000");
    fake_expect("00DB3FFF26 7024 840180 A51F 8718 0102030405060708090A0B0C0D0E0F10111213141516"
                "1718 8803B073DC",
                "9000");
    snprintf(h, sizeof(h), "00DBA00091 DF1F818D %s", TABLE_INITIAL_HEX);
    fake_expect(h, "9000");
    fake_expect("00DBA0100B DF2108 6D73637000000000", "9000");
    fake_expect("00DBA01009 DF2206 000000000000", "9000");
    fake_expect("00DBA01003 DF2300", "9000");
    fake_expect("00DBA01213 DF2010 00112233445566778899AABBCCDDEEFF", "9000");
    fake_expect("00A4000C023FFF", "9000");
    fake_expect("00440000", "9000");
    rc = edge->initialize(card, admin_key, (const uint8_t *)"123456", 6, cardid);
    assert_int_equal(rc.status, MDC_CARD_OK);
    fake_done();
    /* The card is asked again afterwards (not "absent" from the cache):
     * card_info finds the new cardid at its standard place. */
    fake_reset();
    expect_do_hex(0xA012, 0xDF20, "00112233445566778899AABBCCDDEEFF");
    {
        struct mdc_card_info ci;
        assert_int_equal(edge->card_info(card, &ci).status, MDC_CARD_OK);
        assert_true(ci.fs_present);
    }
    /* An initialized card is refused after one look at its master table. */
    expect_table("");
    rc = edge->initialize(card, admin_key, (const uint8_t *)"123456", 6, cardid);
    assert_int_equal(rc.status, MDC_CARD_EXISTS);
    fake_done();
}

static void test_initialize_stops_at_failure(void **state)
{
    static const uint8_t cardid[16] = {0};
    mdc_card_rc rc;

    (void)state;
    expect_do_sw(0xA000, 0xDF1F, "6A88");
    fake_expect("0024018006 313233343536", "9000");
    fake_expect("00E000000E 620C 820139 8302A000 8C03033000", "6A84");
    rc = edge->initialize(card, admin_key, (const uint8_t *)"123456", 6, cardid);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(edge->rv(rc, MDC_CARD_OP_WRITE), CKR_DEVICE_MEMORY);
    fake_done();
}

static void test_write_sw_mapping(void **state)
{
    (void)state;
    assert_int_equal(edge->rv((mdc_card_rc){MDC_CARD_SW, 0x6A84}, MDC_CARD_OP_WRITE),
                     CKR_DEVICE_MEMORY);
    assert_int_equal(edge->rv((mdc_card_rc){MDC_CARD_SW, 0x6982}, MDC_CARD_OP_WRITE),
                     CKR_USER_NOT_LOGGED_IN);
    assert_int_equal(edge->rv((mdc_card_rc){MDC_CARD_SW, 0x6985}, MDC_CARD_OP_WRITE),
                     CKR_DEVICE_ERROR);
    assert_int_equal(edge->rv((mdc_card_rc){MDC_CARD_SW, 0x6986}, MDC_CARD_OP_WRITE),
                     CKR_DEVICE_ERROR);
    /* Outside writes the read-side meaning stays. */
    assert_int_equal(edge->rv((mdc_card_rc){MDC_CARD_SW, 0x6985}, MDC_CARD_OP_CRYPTO),
                     CKR_FUNCTION_REJECTED);
    assert_int_equal(edge->rv((mdc_card_rc){MDC_CARD_SW, 0x6982}, MDC_CARD_OP_CRYPTO),
                     CKR_USER_NOT_LOGGED_IN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create_file, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_create_file_fails, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_create_on_blank_card, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_delete_file, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_delete_do_stuck, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_write_in_place_and_cow, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_cow_data_write_fails, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_generate_key_exchange, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_generate_signature_orphan_empty_keymap, open_card,
                                        close_card),
        cmocka_unit_test_setup_teardown(test_generate_rewrites_record, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_import_key, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_delete_key, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_erase_keys, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_erase_keys_without_keymap, open_card, close_card),
        cmocka_unit_test(test_ber_len),
        cmocka_unit_test_setup_teardown(test_change_and_unblock_pin, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_admin_auth, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_initialize, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_initialize_stops_at_failure, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_write_sw_mapping, NULL, NULL),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
