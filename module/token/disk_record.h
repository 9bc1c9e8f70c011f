/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The file format of the on-disk cache (DESIGN.md section 6), pure: one
 * record per card holds the public data read from it (cmapfile, certificate
 * files, msroots, public keys, whether GET CHALLENGE works), tagged with the
 * cardid and the containers/files counters of cardcf it was read under.
 * Bytes in, struct out and back; no I/O (disk_cache.c does that).
 *
 * Layout (little-endian):
 *   0  "MDCC"  magic            4  version (1)     5  rng (0 unknown, 1 yes, 2 no)
 *   6  cardid length (1..64)    7  0
 *   8  containers counter LE16  10 files counter LE16
 *   12 blob count LE16          14 0 0
 *   16 total length LE32 (the whole file, digest included)
 *   20 cardid, then per blob: kind, index, name length (0..15), 0,
 *      data length LE32, name, data
 *   end: SHA-256 of every byte before it
 */
#ifndef MDC_TOK_DISK_RECORD_H
#define MDC_TOK_DISK_RECORD_H

#include "mdfs/mdfs.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MDC_DISK_RECORD_VERSION 1
#define MDC_DISK_MAX_CARDID 64
#define MDC_DISK_MAX_NAME 15
#define MDC_DISK_MAX_BLOBS 1024
#define MDC_DISK_MAX_BLOB ((size_t)1 << 20)
#define MDC_DISK_MAX_FILE ((size_t)16 << 20)

enum mdc_disk_kind {
    MDC_DISK_CMAPFILE = 1, /* mscp/cmapfile as read */
    MDC_DISK_CERTFILE = 2, /* certificate file of container `index`, as stored; name = file */
    MDC_DISK_MSROOTS = 3,  /* mscp/msroots as stored */
    MDC_DISK_MODULUS = 4,  /* public key of container `index`, big-endian */
    MDC_DISK_EXPONENT = 5,
};

enum mdc_disk_rng {
    MDC_DISK_RNG_UNKNOWN = 0,
    MDC_DISK_RNG_YES = 1,
    MDC_DISK_RNG_NO = 2,
};

struct mdc_disk_blob {
    uint8_t kind;
    uint8_t index;
    char name[MDC_DISK_MAX_NAME + 1];
    uint8_t *data;
    size_t len;
};

struct mdc_disk_record {
    uint8_t cardid[MDC_DISK_MAX_CARDID];
    size_t cardid_len;
    uint16_t containers, files; /* cardcf counters the data was read under */
    uint8_t rng;                /* enum mdc_disk_rng */
    struct mdc_disk_blob *blobs;
    size_t count;
};

/* Frees the blobs and zeroes the record. */
void mdc_tok_disk_record_clear(struct mdc_disk_record *r);
/* Appends a copy of data (len may be 0). ERR_ARGS for an unknown kind or a
 * name longer than MDC_DISK_MAX_NAME, ERR_TOO_LARGE above the caps. */
mdc_mdfs_rv mdc_tok_disk_record_add(struct mdc_disk_record *r, enum mdc_disk_kind kind,
                                    unsigned index, const char *name, const uint8_t *data,
                                    size_t len);
/* First blob of that kind and index, or NULL. */
const struct mdc_disk_blob *mdc_tok_disk_record_find(const struct mdc_disk_record *r,
                                                     enum mdc_disk_kind kind, unsigned index);
/* Serialize; free *out with mdc_mdfs_free. */
mdc_mdfs_rv mdc_tok_disk_record_build(const struct mdc_disk_record *r, uint8_t **out,
                                      size_t *out_len);
/* Parse and check a whole file: ERR_TRUNCATED (short, or shorter than its
 * length field), ERR_VERSION (magic, version), ERR_LENGTH_MISMATCH (length
 * field vs file), ERR_CORRUPT (digest, blob layout, unknown kind, bad field),
 * ERR_TOO_LARGE (caps). On success *out owns copies of the data. */
mdc_mdfs_rv mdc_tok_disk_record_parse(const uint8_t *buf, size_t len, struct mdc_disk_record *out);

#endif
