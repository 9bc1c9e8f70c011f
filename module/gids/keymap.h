/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS keymap (A000/DF20): version 01 + one 12-byte record per cmapfile
 * record, telling which key EF and algorithm a container uses. An absent or
 * zero-length DO means "no records"; a built keymap always carries its
 * version byte. Unknown record values are kept as read.
 */
#ifndef MDC_GIDS_KEYMAP_H
#define MDC_GIDS_KEYMAP_H

#include <stdbool.h>

#include "mdfs/mdfs.h"

#define MDC_GIDS_KEYMAP_VERSION 0x01
#define MDC_GIDS_KEYMAP_RECORD_SIZE 12
#define MDC_GIDS_KEYMAP_MAX_RECORDS 127 /* key references 0x81..0xFF */
#define MDC_GIDS_KID_FIRST 0x81u
#define MDC_GIDS_KEY_TYPE_EXCHANGE 0x9Au  /* AT_KEYEXCHANGE */
#define MDC_GIDS_KEY_TYPE_SIGNATURE 0x9Cu /* AT_SIGNATURE */

typedef struct {
    uint32_t state;   /* 1 = in use, 0 = released; other values kept as read */
    uint8_t alg;      /* size identifier 06..09 */
    uint8_t key_type; /* 9A or 9C */
    uint16_t key_fid; /* B0kid, LE16 on card */
    uint16_t unknown; /* FF FF */
    uint16_t pad;     /* 00 00 */
} mdc_gids_keymap_record;

typedef struct {
    mdc_gids_keymap_record *records; /* heap; release with mdc_gids_keymap_clear */
    size_t count;
} mdc_gids_keymap;

/*
 * (NULL, 0) or a zero-length DO = no records; otherwise 01 + 12n bytes
 * (ERR_VERSION, ERR_TRUNCATED for a partial first record, ERR_RAGGED after whole ones).
 */
mdc_mdfs_rv mdc_gids_keymap_parse(const uint8_t *buf, size_t len, mdc_gids_keymap *out);
/* Version byte + records (just 01 with no records); free with mdc_mdfs_free. */
mdc_mdfs_rv mdc_gids_keymap_build(const mdc_gids_keymap *km, uint8_t **out, size_t *out_len);
void mdc_gids_keymap_clear(mdc_gids_keymap *km);

bool mdc_gids_keymap_in_use(const mdc_gids_keymap_record *r);

/*
 * Record i in use for key reference 0x81+i: 01 00 00 00 alg type 8i B0 FF FF
 * 00 00. index == count appends; index > count first pads with released
 * records so that indexes stay aligned with the cmapfile.
 */
mdc_mdfs_rv mdc_gids_keymap_set_key(mdc_gids_keymap *km, size_t index, uint8_t alg,
                                    uint8_t key_type);
/* Record i released as OpenSC writes it: 00 00 00 00 00 00 FF FF FF FF 00 00. */
mdc_mdfs_rv mdc_gids_keymap_release(mdc_gids_keymap *km, size_t index);
/* Grows (with released records) or truncates to count records (repair to the cmapfile count). */
mdc_mdfs_rv mdc_gids_keymap_resize(mdc_gids_keymap *km, size_t count);
/* Index of the in-use record whose key EF is B0kid. */
mdc_mdfs_rv mdc_gids_keymap_find_kid(const mdc_gids_keymap *km, uint8_t kid, size_t *index);
/*
 * Lowest key reference 0x81+i whose record i is released or absent and that
 * no in-use record points at; ERR_FULL after 0xFF.
 */
mdc_mdfs_rv mdc_gids_keymap_free_kid(const mdc_gids_keymap *km, uint8_t *kid);

#endif
