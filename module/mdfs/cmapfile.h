/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mscp/cmapfile (A010/DF23): the array of 86-byte CONTAINER_MAP_RECORDs.
 * Record index = container index = key reference - 0x81. Parse and build
 * keep every byte (names after their NUL, the reserved byte), so
 * build(parse(x)) == x.
 */
#ifndef MDC_MDFS_CMAPFILE_H
#define MDC_MDFS_CMAPFILE_H

#include <stdbool.h>

#include "mdfs/mdfs.h"

#define MDC_CMAP_RECORD_SIZE 86
#define MDC_CMAP_NAME_BYTES 80 /* wszGuid: 40 UTF-16LE code units */
#define MDC_CMAP_NAME_MAX 39   /* code units before the terminating NUL */
/* Key references 0x81..0xFF: containers 0..126. More records cannot be GIDS. */
#define MDC_CMAP_MAX_RECORDS 127

#define MDC_CMAP_FLAG_VALID 0x01u
#define MDC_CMAP_FLAG_DEFAULT 0x02u

/*
 * Longest UTF-8 form of a stored name: 40 code units (a foreign card may omit
 * the NUL), at most 3 bytes each (a surrogate pair: 4 bytes for 2), plus NUL.
 */
#define MDC_CMAP_NAME_UTF8_MAX (MDC_CMAP_NAME_BYTES / 2 * 3 + 1)

typedef struct {
    uint8_t name[MDC_CMAP_NAME_BYTES]; /* UTF-16LE, raw */
    uint8_t flags;
    uint8_t reserved;
    uint16_t sig_key_bits; /* wSigKeySizeBits */
    uint16_t kx_key_bits;  /* wKeyExchangeKeySizeBits */
} mdc_cmap_record;

typedef struct {
    mdc_cmap_record *records; /* heap, count entries; release with mdc_mdfs_cmap_clear */
    size_t count;
} mdc_cmapfile;

typedef enum {
    MDC_CMAP_KEY_NONE = 0, /* free record, reservation, or both sizes set */
    MDC_CMAP_KEY_EXCHANGE, /* AT_KEYEXCHANGE: signs and decrypts, kxcXX */
    MDC_CMAP_KEY_SIGNATURE /* AT_SIGNATURE: signs, kscXX */
} mdc_cmap_key_spec;

/*
 * Empty input (NULL, 0) = no records. Shorter than one record = ERR_TRUNCATED;
 * any other length that is not a multiple of 86 = ERR_RAGGED.
 */
mdc_mdfs_rv mdc_mdfs_cmap_parse(const uint8_t *buf, size_t len, mdc_cmapfile *out);
/* out = NULL, out_len = 0 for an empty file; free with mdc_mdfs_free. */
mdc_mdfs_rv mdc_mdfs_cmap_build(const mdc_cmapfile *cm, uint8_t **out, size_t *out_len);
void mdc_mdfs_cmap_clear(mdc_cmapfile *cm);

bool mdc_mdfs_cmap_is_valid(const mdc_cmap_record *r);
bool mdc_mdfs_cmap_is_default(const mdc_cmap_record *r);
/* Valid and exactly one size non-zero: a key that may be exposed. */
bool mdc_mdfs_cmap_is_key(const mdc_cmap_record *r);
/* Valid with both sizes zero: a key creation in progress or interrupted. */
bool mdc_mdfs_cmap_is_reservation(const mdc_cmap_record *r);
mdc_cmap_key_spec mdc_mdfs_cmap_key_spec_of(const mdc_cmap_record *r);

/* First free (not valid) record, else count when another record fits; else ERR_FULL. */
mdc_mdfs_rv mdc_mdfs_cmap_find_free(const mdc_cmapfile *cm, size_t *index);
/* Stores rec at index; index == count appends one record. */
mdc_mdfs_rv mdc_mdfs_cmap_set_record(mdc_cmapfile *cm, size_t index, const mdc_cmap_record *rec);
/* Zeroes all 86 bytes of a record; the file never shrinks. */
mdc_mdfs_rv mdc_mdfs_cmap_free_record(mdc_cmapfile *cm, size_t index);
/* Makes the valid container at index the only default one. */
mdc_mdfs_rv mdc_mdfs_cmap_set_default(mdc_cmapfile *cm, size_t index);
/* First valid record with the default flag, else ERR_NOT_FOUND. */
mdc_mdfs_rv mdc_mdfs_cmap_find_default(const mdc_cmapfile *cm, size_t *index);
/* Valid record whose name equals `name` (UTF-8; ASCII letters compared case-insensitively). */
mdc_mdfs_rv mdc_mdfs_cmap_find_name(const mdc_cmapfile *cm, const char *name, size_t *index);

/*
 * Name as UTF-8, NUL-terminated (out_size >= MDC_CMAP_NAME_UTF8_MAX always
 * suffices). Stops at the first NUL code unit or after 40; unpaired surrogates
 * become U+FFFD.
 */
mdc_mdfs_rv mdc_mdfs_cmap_name_get(const mdc_cmap_record *r, char *out, size_t out_size);
/*
 * Sets the name from UTF-8 (1..39 UTF-16 code units), zero-filling the rest of
 * the 80 bytes. Invalid UTF-8, an embedded control character or an over-long
 * name gives ERR_ARGS.
 */
mdc_mdfs_rv mdc_mdfs_cmap_name_set(mdc_cmap_record *r, const char *name);

#endif
