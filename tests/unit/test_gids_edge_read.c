/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS card edge, read side, against the scripted fake card: files through
 * the master table (case-insensitive names, one table read per transaction,
 * absent DOs, blank and corrupt cards, the cardid fallback, card_info's
 * cardid probe handed to the next read), directory
 * listings, public keys of 1024..4096 bits (exact APDUs, GET RESPONSE,
 * malformed 7F49), reselection and begin() after a reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fake_card.h"
#include "gids/gids.h"
#include "gids/mft.h"

#define SELECT_GIDS "00A4040009A0000003974254465900"
#define FCI_V2 "6112 4F0BA0000003974254465902 01 7303 4001C0 9000"
#define GET_TABLE "00CBA000045C02DF1F00"

static struct mdc_pcsc *pcsc;
static struct mdc_card *card;
static const struct mdc_card_edge *edge = &mdc_gids_edge;

static int open_card(void **state)
{
    (void)state;
    fake_reset();
    pcsc = mdc_pcsc_new();
    assert_non_null(pcsc);
    fake_expect(SELECT_GIDS, FCI_V2);
    assert_int_equal(edge->open(pcsc, "Fake Reader 00 00", &card).status, MDC_CARD_OK);
    fake_done();
    fake_reset();
    return 0;
}

static int close_card(void **state)
{
    (void)state;
    edge->close(card);
    mdc_pcsc_free(pcsc);
    card = NULL;
    pcsc = NULL;
    return 0;
}

/* GET DATA ef/tag answered with `tag len value 90 00` (short response only). */
static void expect_do(uint16_t ef, uint16_t tag, const uint8_t *value, size_t len)
{
    uint8_t cmd[10] = {0x00, 0xCB, (uint8_t)(ef >> 8),  (uint8_t)ef,  0x04,
                       0x5C, 0x02, (uint8_t)(tag >> 8), (uint8_t)tag, 0x00};
    uint8_t resp[FAKE_APDU_MAX];
    size_t n = 0;

    assert_true(len + 7 <= sizeof(resp));
    resp[n++] = (uint8_t)(tag >> 8);
    resp[n++] = (uint8_t)tag;
    if (len > 0x7F)
        resp[n++] = 0x81;
    resp[n++] = (uint8_t)len;
    if (len != 0)
        memcpy(resp + n, value, len);
    n += len;
    resp[n++] = 0x90;
    resp[n++] = 0x00;
    fake_expect_bin(cmd, sizeof(cmd), resp, n);
}

static void expect_do_sw(uint16_t ef, uint16_t tag, uint16_t sw)
{
    uint8_t cmd[10] = {0x00, 0xCB, (uint8_t)(ef >> 8),  (uint8_t)ef,  0x04,
                       0x5C, 0x02, (uint8_t)(tag >> 8), (uint8_t)tag, 0x00};
    uint8_t resp[2] = {(uint8_t)(sw >> 8), (uint8_t)sw};

    fake_expect_bin(cmd, sizeof(cmd), resp, sizeof(resp));
}

/* The initial table plus mscp/msroots (DF24) and mscp/KXC00 (DF25, stored upper-case). */
static void expect_table(bool with_cardid)
{
    mdc_gids_mft t;
    uint8_t *raw = NULL;
    size_t len = 0;

    assert_int_equal(mdc_gids_mft_initial(&t), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "msroots", 0xA010, 0xDF24), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_add(&t, "mscp", "KXC00", 0xA010, 0xDF25), MDC_MDFS_OK);
    if (!with_cardid)
        assert_int_equal(mdc_gids_mft_remove(&t, "", "cardid"), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_build(&t, &raw, &len), MDC_MDFS_OK);
    expect_do(0xA000, 0xDF1F, raw, len);
    mdc_mdfs_free(raw);
    mdc_gids_mft_clear(&t);
}

static const uint8_t cardid[16] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
                                   0x88, 0x99, 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF};

/* ---- files ---- */

static void test_read_through_table(void **state)
{
    const uint8_t cmap[3] = {1, 2, 3};
    struct mdc_buf out = MDC_BUF_INIT;
    mdc_card_rc rc;

    (void)state;
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    /* cardid is read at its standard location while no table is at hand;
     * after that, one table read serves the whole transaction. */
    expect_do(0xA012, 0xDF20, cardid, sizeof(cardid));
    expect_table(true);
    expect_do(0xA010, 0xDF23, cmap, sizeof(cmap));
    expect_do(0xA012, 0xDF20, cardid, sizeof(cardid));
    expect_do_sw(0xA010, 0xDF25, 0x6A88);

    rc = edge->read_file(card, NULL, "cardid", &out);
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(out.len, 16);
    assert_memory_equal(out.data, cardid, 16);
    rc = edge->read_file(card, "MSCP", "CmapFile", &out);
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(out.len, 3);
    assert_memory_equal(out.data, cmap, 3);
    rc = edge->read_file(card, "", "CARDID", &out);
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(out.len, 16);
    /* A table record whose DO is missing: the file is absent. */
    rc = edge->read_file(card, "mscp", "kxc00", &out);
    assert_int_equal(rc.status, MDC_CARD_ABSENT);
    assert_int_equal(rc.sw, 0x6A88);
    assert_int_equal(out.len, 0);
    /* Not in the table at all: absent without asking the card. */
    rc = edge->read_file(card, "mscp", "kxc01", &out);
    assert_int_equal(rc.status, MDC_CARD_ABSENT);
    rc = edge->read_file(card, NULL, "cmapfile", &out); /* lives in mscp, not the root */
    assert_int_equal(rc.status, MDC_CARD_ABSENT);
    rc = edge->read_file(card, "mscp", "cmapfile0", &out);
    assert_int_equal(rc.status, MDC_CARD_ABSENT);
    assert_int_equal(edge->read_file(card, "mscp", "", &out).status, MDC_CARD_ARGS);
    assert_int_equal(edge->read_file(card, "mscp", NULL, &out).status, MDC_CARD_ARGS);
    fake_done();

    /* A new transaction reads the table again. */
    edge->end(card);
    fake_reset();
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_table(true);
    expect_do(0xA010, 0xDF23, cmap, sizeof(cmap));
    assert_int_equal(edge->read_file(card, "mscp", "cmapfile", &out).status, MDC_CARD_OK);
    fake_done();
    edge->end(card);
    mdc_buf_free(&out);
}

/* card_info tells an initialized card by its cardid at the standard place and
 * hands that value to the next read of cardid in the same transaction only. */
static void test_card_info_probe(void **state)
{
    struct mdc_buf out = MDC_BUF_INIT;
    struct mdc_card_info ci;

    (void)state;
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_do(0xA012, 0xDF20, cardid, sizeof(cardid));
    assert_int_equal(edge->card_info(card, &ci).status, MDC_CARD_OK);
    assert_true(ci.fs_present);
    assert_int_equal(ci.version_major, 2);
    assert_int_equal(fake_sent(), 1);
    assert_int_equal(edge->read_file(card, NULL, "CardId", &out).status, MDC_CARD_OK);
    assert_int_equal(out.len, 16);
    assert_memory_equal(out.data, cardid, 16);
    assert_int_equal(fake_sent(), 1); /* no second APDU */
    /* handed over once: the next read asks the card again */
    expect_do(0xA012, 0xDF20, cardid, sizeof(cardid));
    assert_int_equal(edge->read_file(card, NULL, "cardid", &out).status, MDC_CARD_OK);
    assert_memory_equal(out.data, cardid, 16);
    fake_done();
    edge->end(card);
    /* and never across transactions */
    fake_reset();
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_do(0xA012, 0xDF20, cardid, sizeof(cardid));
    assert_int_equal(edge->card_info(card, &ci).status, MDC_CARD_OK);
    edge->end(card);
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_do(0xA012, 0xDF20, cardid, sizeof(cardid));
    assert_int_equal(edge->read_file(card, NULL, "cardid", &out).status, MDC_CARD_OK);
    fake_done();
    edge->end(card);
    mdc_buf_free(&out);
}

static void test_cardid_fallback(void **state)
{
    struct mdc_buf out = MDC_BUF_INIT;
    struct mdc_card_info ci;

    (void)state;
    /* cardid absent at its place: card_info asks the table, which has no
     * cardid record; reading cardid then tries the standard place again. */
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_do_sw(0xA012, 0xDF20, 0x6A88);
    expect_table(false);
    assert_int_equal(edge->card_info(card, &ci).status, MDC_CARD_OK);
    assert_true(ci.fs_present);
    assert_int_equal(ci.version_major, 2);
    expect_do(0xA012, 0xDF20, cardid, sizeof(cardid));
    assert_int_equal(edge->read_file(card, NULL, "CardId", &out).status, MDC_CARD_OK);
    assert_memory_equal(out.data, cardid, 16);
    fake_done();
    edge->end(card);
    mdc_buf_free(&out);
}

static void check_blank(uint16_t table_sw)
{
    struct mdc_buf out = MDC_BUF_INIT;
    struct mdc_card_info ci;
    mdc_card_rc rc;

    fake_reset();
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_do_sw(0xA012, 0xDF20, table_sw);
    expect_do_sw(0xA000, 0xDF1F, table_sw);
    assert_int_equal(edge->card_info(card, &ci).status, MDC_CARD_OK);
    assert_false(ci.fs_present);
    /* No table: every file is absent, cardid included, and nothing more is sent. */
    rc = edge->read_file(card, NULL, "cardid", &out);
    assert_int_equal(rc.status, MDC_CARD_ABSENT);
    assert_int_equal(rc.sw, table_sw);
    assert_int_equal(edge->read_file(card, "mscp", "cmapfile", &out).status, MDC_CARD_ABSENT);
    assert_int_equal(edge->list_files(card, NULL, &out).status, MDC_CARD_ABSENT);
    assert_int_equal(out.len, 0);
    fake_done();
    edge->end(card);
    mdc_buf_free(&out);
}

static void test_blank_card(void **state)
{
    (void)state;
    check_blank(0x6A88);
    check_blank(0x6A82);
}

static void test_corrupt_table(void **state)
{
    const uint8_t v2[29] = {0x02};
    const uint8_t ragged[30] = {0x01};
    struct mdc_buf out = MDC_BUF_INIT;
    struct mdc_card_info ci;

    (void)state;
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_do_sw(0xA012, 0xDF20, 0x6A88);
    expect_do(0xA000, 0xDF1F, v2, sizeof(v2));
    assert_int_equal(edge->card_info(card, &ci).status, MDC_CARD_OK);
    assert_true(ci.fs_present);
    assert_int_equal(edge->read_file(card, NULL, "cardid", &out).status, MDC_CARD_BAD_RESPONSE);
    assert_int_equal(edge->list_files(card, "mscp", &out).status, MDC_CARD_BAD_RESPONSE);
    fake_done();
    edge->end(card);

    fake_reset();
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_do(0xA000, 0xDF1F, ragged, sizeof(ragged));
    assert_int_equal(edge->read_file(card, "mscp", "cmapfile", &out).status,
                     MDC_CARD_BAD_RESPONSE);
    fake_done();
    edge->end(card);

    /* A transport failure is not cached: the next call asks again. */
    fake_reset();
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    fake_expect(GET_TABLE, "90"); /* no status word */
    expect_table(true);
    expect_do(0xA010, 0xDF23, cardid, 3);
    assert_int_equal(edge->read_file(card, "mscp", "cmapfile", &out).status,
                     MDC_CARD_BAD_RESPONSE);
    assert_int_equal(edge->read_file(card, "mscp", "cmapfile", &out).status, MDC_CARD_OK);
    fake_done();
    edge->end(card);
    mdc_buf_free(&out);
}

static void test_list_files(void **state)
{
    static const char root[] = "cardid\0cardapps\0cardcf";
    static const char mscp[] = "cmapfile\0msroots\0KXC00";
    struct mdc_buf out = MDC_BUF_INIT;

    (void)state;
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_table(true);
    assert_int_equal(edge->list_files(card, NULL, &out).status, MDC_CARD_OK);
    assert_int_equal(out.len, sizeof(root));
    assert_memory_equal(out.data, root, sizeof(root));
    assert_int_equal(edge->list_files(card, "", &out).status, MDC_CARD_OK);
    assert_int_equal(out.len, sizeof(root));
    /* directory matched in any case, file names as stored */
    assert_int_equal(edge->list_files(card, "MsCp", &out).status, MDC_CARD_OK);
    assert_int_equal(out.len, sizeof(mscp));
    assert_memory_equal(out.data, mscp, sizeof(mscp));
    assert_int_equal(edge->list_files(card, "mscerts", &out).status, MDC_CARD_ABSENT);
    assert_int_equal(out.len, 0);
    fake_done(); /* one table read for all of it */
    edge->end(card);
    mdc_buf_free(&out);
}

/* A long-name record (9 characters, no NUL in the field) is listed and found. */
static void test_long_name(void **state)
{
    uint8_t raw[1 + 28] = {0x01};
    const uint8_t value[2] = {0xAB, 0xCD};
    struct mdc_buf out = MDC_BUF_INIT;

    (void)state;
    memcpy(raw + 1, "mscp", 4);
    memcpy(raw + 1 + 9, "abcdefghi", 9);
    raw[1 + 20] = 0x30;
    raw[1 + 21] = 0xDF;
    raw[1 + 24] = 0x10;
    raw[1 + 25] = 0xA0;
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_do(0xA000, 0xDF1F, raw, sizeof(raw));
    expect_do(0xA010, 0xDF30, value, sizeof(value));
    assert_int_equal(edge->list_files(card, "mscp", &out).status, MDC_CARD_OK);
    assert_int_equal(out.len, 10);
    assert_memory_equal(out.data, "abcdefghi", 10);
    assert_int_equal(edge->read_file(card, "mscp", "ABCDEFGHI", &out).status, MDC_CARD_OK);
    assert_int_equal(out.len, 2);
    assert_int_equal(edge->read_file(card, "mscp", "abcdefgh", &out).status, MDC_CARD_ABSENT);
    assert_int_equal(edge->read_file(card, "mscp", "abcdefghij", &out).status, MDC_CARD_ABSENT);
    fake_done();
    edge->end(card);
    mdc_buf_free(&out);
}

/* ---- public keys ---- */

/* 7F49 { 81 modulus(n bytes), 82 exponent } with GidsApplet's headers. */
static size_t build_pubkey(size_t n, const uint8_t *e, size_t e_len, uint8_t *out, size_t size)
{
    uint8_t inner[600];
    size_t i = 0, o = 0;

    assert_true(n + e_len + 8 <= sizeof(inner));
    inner[i++] = 0x81;
    if (n > 0xFF) {
        inner[i++] = 0x82;
        inner[i++] = (uint8_t)(n >> 8);
    } else {
        inner[i++] = 0x81;
    }
    inner[i++] = (uint8_t)n;
    for (size_t k = 0; k < n; k++)
        inner[i++] = (uint8_t)(k == 0 ? 0xC5 : k * 7);
    inner[i++] = 0x82;
    inner[i++] = (uint8_t)e_len;
    memcpy(inner + i, e, e_len);
    i += e_len;
    assert_true(i + 5 <= size);
    out[o++] = 0x7F;
    out[o++] = 0x49;
    if (i > 0xFF) {
        out[o++] = 0x82;
        out[o++] = (uint8_t)(i >> 8);
    } else {
        out[o++] = 0x81;
    }
    out[o++] = (uint8_t)i;
    memcpy(out + o, inner, i);
    return o + i;
}

/* The card's answer in 256-byte pieces with 61xx, each fetched by GET RESPONSE. */
static void expect_chunked(const uint8_t *cmd, size_t cmd_len, const uint8_t *data, size_t len)
{
    uint8_t resp[258], get_response[5] = {0x00, 0xC0, 0x00, 0x00, 0x00};
    size_t off = 0;
    bool first = true;

    do {
        size_t n = len - off > 256 ? 256 : len - off;
        size_t rest = len - off - n;

        memcpy(resp, data + off, n);
        resp[n] = rest ? 0x61 : 0x90;
        resp[n + 1] = rest ? (uint8_t)(rest > 256 ? 0 : rest) : 0x00;
        if (first)
            fake_expect_bin(cmd, cmd_len, resp, n + 2);
        else
            fake_expect_bin(get_response, sizeof(get_response), resp, n + 2);
        get_response[4] = resp[n + 1];
        first = false;
        off += n;
    } while (off < len);
}

static void check_pubkey(unsigned bits, unsigned index, const char *hdr, size_t total, size_t apdus)
{
    const uint8_t e[3] = {0x01, 0x00, 0x01};
    uint8_t cmd[16], resp[600];
    size_t cmd_len, len, hdr_len;
    struct mdc_card_key key = {index, bits, true};
    struct mdc_card_pubkey pk = {MDC_BUF_INIT, MDC_BUF_INIT};
    uint8_t hdr_bytes[16];
    mdc_card_rc rc;

    fake_reset();
    len = build_pubkey(bits / 8, e, sizeof(e), resp, sizeof(resp));
    /* GidsApplet's exact headers (GIDS-AND-MINIDRIVER.md 2.8) */
    assert_int_equal(len, total);
    hdr_len = fake_hex(hdr, hdr_bytes, sizeof(hdr_bytes));
    assert_memory_equal(resp, hdr_bytes, hdr_len);
    cmd_len = fake_hex("00CB3FFF0A 7008 840181 A5037F4980 00", cmd, sizeof(cmd));
    cmd[9] = (uint8_t)(0x81 + index);
    expect_chunked(cmd, cmd_len, resp, len);
    rc = edge->get_public_key(card, &key, &pk);
    assert_int_equal(fake_sent(), apdus);
    fake_done();
    assert_int_equal(rc.status, MDC_CARD_OK);
    assert_int_equal(pk.modulus.len, bits / 8);
    assert_int_equal(pk.modulus.data[0], 0xC5);
    assert_int_equal(pk.modulus.data[bits / 8 - 1], (uint8_t)((bits / 8 - 1) * 7));
    assert_int_equal(pk.exponent.len, 3);
    assert_memory_equal(pk.exponent.data, e, 3);
    mdc_buf_free(&pk.modulus);
    mdc_buf_free(&pk.exponent);
}

static void test_pubkey_sizes(void **state)
{
    (void)state;
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    check_pubkey(1024, 0, "7F498188 818180", 140, 1);
    check_pubkey(2048, 1, "7F4982010981820100", 270, 2);
    check_pubkey(3072, 5, "7F4982018981820180", 398, 2);
    check_pubkey(4096, 126, "7F4982020981820200", 526, 3);
    edge->end(card);
}

static void test_pubkey_absent(void **state)
{
    struct mdc_card_key key = {2, 2048, true};
    struct mdc_card_key bad = {127, 2048, true};
    struct mdc_card_pubkey pk = {MDC_BUF_INIT, MDC_BUF_INIT};
    mdc_card_rc rc;

    (void)state;
    fake_expect("00CB3FFF0A7008840183A5037F498000", "6984");
    fake_expect("00CB3FFF0A7008840183A5037F498000", "6A88");
    fake_expect("00CB3FFF0A7008840183A5037F498000", "6982");
    rc = edge->get_public_key(card, &key, &pk);
    assert_int_equal(rc.status, MDC_CARD_ABSENT);
    assert_int_equal(rc.sw, 0x6984);
    assert_int_equal(edge->get_public_key(card, &key, &pk).status, MDC_CARD_ABSENT);
    rc = edge->get_public_key(card, &key, &pk);
    assert_int_equal(rc.status, MDC_CARD_SW);
    assert_int_equal(rc.sw, 0x6982);
    /* index 127 would be key reference 0x100 */
    assert_int_equal(edge->get_public_key(card, &bad, &pk).status, MDC_CARD_ARGS);
    fake_done();
    mdc_buf_free(&pk.modulus);
    mdc_buf_free(&pk.exponent);
}

static mdc_card_rc parse_hex(const char *hex, unsigned bits, struct mdc_card_pubkey *pk)
{
    uint8_t buf[FAKE_APDU_MAX];
    size_t n = fake_hex(hex, buf, sizeof(buf));

    return mdc_gids_parse_pubkey(buf, n, bits, pk);
}

static void test_pubkey_malformed(void **state)
{
    struct mdc_card_pubkey pk = {MDC_BUF_INIT, MDC_BUF_INIT};
    uint8_t resp[600];
    const uint8_t e3[1] = {0x03};
    const uint8_t e5[5] = {0x01, 0x00, 0x00, 0x00, 0x01};
    size_t len;

    (void)state;
    /* small well-formed keys: exponent of any length, extra elements ignored */
    assert_int_equal(parse_hex("7F49 08 8102 C001 8202 0101", 0, &pk).status, MDC_CARD_OK);
    assert_int_equal(pk.modulus.len, 2);
    assert_int_equal(pk.exponent.len, 2);
    assert_int_equal(parse_hex("7F49 0B 8202 0101 8601 00 8102 C001", 0, &pk).status, MDC_CARD_OK);
    assert_int_equal(pk.modulus.data[0], 0xC0);
    len = build_pubkey(128, e3, sizeof(e3), resp, sizeof(resp));
    assert_int_equal(mdc_gids_parse_pubkey(resp, len, 1024, &pk).status, MDC_CARD_OK);
    assert_int_equal(pk.exponent.len, 1);
    len = build_pubkey(256, e5, sizeof(e5), resp, sizeof(resp));
    assert_int_equal(mdc_gids_parse_pubkey(resp, len, 2048, &pk).status, MDC_CARD_OK);
    assert_int_equal(pk.exponent.len, 5);
    /* a leading 00 the card sent is kept: 257 bytes for 2048 bits is within a byte */
    len = build_pubkey(257, e3, sizeof(e3), resp, sizeof(resp));
    assert_int_equal(mdc_gids_parse_pubkey(resp, len, 2048, &pk).status, MDC_CARD_OK);
    assert_int_equal(pk.modulus.len, 257);
    /* size disagreeing with the key by more than a byte */
    len = build_pubkey(128, e3, sizeof(e3), resp, sizeof(resp));
    assert_int_equal(mdc_gids_parse_pubkey(resp, len, 2048, &pk).status, MDC_CARD_BAD_RESPONSE);
    assert_int_equal(pk.modulus.len, 0);
    len = build_pubkey(254, e3, sizeof(e3), resp, sizeof(resp));
    assert_int_equal(mdc_gids_parse_pubkey(resp, len, 2048, &pk).status, MDC_CARD_BAD_RESPONSE);
    /* wrong template, truncation, missing or doubled or empty elements, bad inner TLV */
    assert_int_equal(parse_hex("7F48 08 8102 C001 8202 0101", 0, &pk).status,
                     MDC_CARD_BAD_RESPONSE);
    assert_int_equal(parse_hex("7F49 09 8102 C001 8202 0101", 0, &pk).status,
                     MDC_CARD_BAD_RESPONSE);
    assert_int_equal(parse_hex("7F49 04 8102 C001", 0, &pk).status, MDC_CARD_BAD_RESPONSE);
    assert_int_equal(parse_hex("7F49 04 8202 0101", 0, &pk).status, MDC_CARD_BAD_RESPONSE);
    assert_int_equal(parse_hex("7F49 0C 8102 C001 8102 C002 8202 0101", 0, &pk).status,
                     MDC_CARD_BAD_RESPONSE);
    assert_int_equal(parse_hex("7F49 06 8100 8202 0101", 0, &pk).status, MDC_CARD_BAD_RESPONSE);
    assert_int_equal(parse_hex("7F49 06 8102 C001 8200", 0, &pk).status, MDC_CARD_BAD_RESPONSE);
    assert_int_equal(parse_hex("7F49 08 8105 C001 8202 0101", 0, &pk).status,
                     MDC_CARD_BAD_RESPONSE);
    assert_int_equal(parse_hex("7F49 08 8102 C001 8202 01", 0, &pk).status, MDC_CARD_BAD_RESPONSE);
    assert_int_equal(parse_hex("7F49 80", 0, &pk).status, MDC_CARD_BAD_RESPONSE);
    assert_int_equal(mdc_gids_parse_pubkey(NULL, 0, 0, &pk).status, MDC_CARD_BAD_RESPONSE);
    assert_int_equal(pk.modulus.len, 0);
    assert_int_equal(pk.exponent.len, 0);

    /* malformed through the card: the output stays empty */
    fake_reset();
    fake_expect("00CB3FFF0A7008840181A5037F498000", "7F4904 8102C001 9000");
    {
        struct mdc_card_key key = {0, 1024, true};
        assert_int_equal(edge->get_public_key(card, &key, &pk).status, MDC_CARD_BAD_RESPONSE);
    }
    fake_done();
    assert_int_equal(pk.modulus.len, 0);
    mdc_buf_free(&pk.modulus);
    mdc_buf_free(&pk.exponent);
}

/* cardcf starts every warm transaction: one APDU at its standard place; a
 * card that keeps it elsewhere is found through the table, and the place is
 * remembered for later transactions. */
static void test_cardcf_location(void **state)
{
    const uint8_t cf[6] = {0, 1, 2, 0, 3, 0};
    mdc_gids_mft t;
    uint8_t *raw = NULL;
    size_t len = 0;
    struct mdc_buf out = MDC_BUF_INIT;

    (void)state;
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_do(0xA010, 0xDF22, cf, sizeof(cf));
    assert_int_equal(edge->read_file(card, NULL, "cardcf", &out).status, MDC_CARD_OK);
    assert_int_equal(out.len, 6);
    fake_done();
    edge->end(card);

    /* A card whose table puts cardcf at A013/DF30. */
    assert_int_equal(mdc_gids_mft_initial(&t), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_repoint(&t, "", "cardcf", 0xA013, 0xDF30), MDC_MDFS_OK);
    assert_int_equal(mdc_gids_mft_build(&t, &raw, &len), MDC_MDFS_OK);
    fake_reset();
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_do_sw(0xA010, 0xDF22, 0x6A88);
    expect_do(0xA000, 0xDF1F, raw, len);
    expect_do(0xA013, 0xDF30, cf, sizeof(cf));
    assert_int_equal(edge->read_file(card, NULL, "CardCF", &out).status, MDC_CARD_OK);
    assert_memory_equal(out.data, cf, sizeof(cf));
    fake_done();
    edge->end(card);

    fake_reset();
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_do(0xA013, 0xDF30, cf, sizeof(cf));
    assert_int_equal(edge->read_file(card, NULL, "cardcf", &out).status, MDC_CARD_OK);
    fake_done();
    edge->end(card);
    mdc_mdfs_free(raw);
    mdc_gids_mft_clear(&t);
    mdc_buf_free(&out);
}

/* ---- reselect, reset ---- */

static void test_reset_and_reselect(void **state)
{
    struct mdc_buf out = MDC_BUF_INIT;
    mdc_card_rc rc;

    (void)state;
    /* The table read in one transaction is gone after a reselect. */
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    expect_table(true);
    expect_do(0xA010, 0xDF23, cardid, 3);
    fake_expect(SELECT_GIDS, FCI_V2);
    expect_table(true);
    expect_do(0xA010, 0xDF23, cardid, 3);
    assert_int_equal(edge->read_file(card, "mscp", "cmapfile", &out).status, MDC_CARD_OK);
    assert_int_equal(edge->reselect(card).status, MDC_CARD_OK);
    assert_int_equal(edge->read_file(card, "mscp", "cmapfile", &out).status, MDC_CARD_OK);
    fake_done();
    edge->end(card);

    /* Reset by someone else: reconnect, re-select, RESELECTED, transaction open. */
    fake_reset();
    fake_begin_result(SCARD_W_RESET_CARD);
    fake_expect(SELECT_GIDS, "9000");
    expect_do(0xA012, 0xDF20, cardid, sizeof(cardid));
    rc = edge->begin(card);
    assert_int_equal(rc.status, MDC_CARD_RESELECTED);
    assert_int_equal(fake_reconnects(), 1);
    assert_int_equal(mdc_gids_rv(rc, MDC_CARD_OP_READ), CKR_OK);
    assert_int_equal(edge->read_file(card, NULL, "cardid", &out).status, MDC_CARD_OK);
    fake_done();
    edge->end(card);

    /* A plain begin() afterwards is OK again. */
    fake_reset();
    assert_int_equal(edge->begin(card).status, MDC_CARD_OK);
    edge->end(card);

    /* Reset, and the GIDS application is gone: RESET, no transaction left open. */
    fake_reset();
    fake_begin_result(SCARD_W_RESET_CARD);
    fake_expect(SELECT_GIDS, "6A82");
    assert_int_equal(edge->begin(card).status, MDC_CARD_RESET);
    fake_done();
    /* reselect of a card that lost GIDS */
    fake_reset();
    fake_expect(SELECT_GIDS, "6A82");
    rc = edge->reselect(card);
    assert_int_equal(rc.status, MDC_CARD_NOT_THIS_EDGE);
    fake_done();
    mdc_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_read_through_table, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_card_info_probe, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_cardid_fallback, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_blank_card, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_corrupt_table, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_list_files, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_long_name, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_pubkey_sizes, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_pubkey_absent, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_pubkey_malformed, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_cardcf_location, open_card, close_card),
        cmocka_unit_test_setup_teardown(test_reset_and_reselect, open_card, close_card),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
