/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS master file table (A000/DF1F): version 01 + 28-byte records mapping
 * each minidriver directory and file to (EF, DO tag). Pure: byte buffers in
 * and out. Parse and build keep every byte, so build(parse(x)) == x.
 */
#ifndef MDC_GIDS_MFT_H
#define MDC_GIDS_MFT_H

#include "mdfs/mdfs.h"

#include <stdbool.h>

#define MDC_GIDS_MFT_VERSION 0x01
#define MDC_GIDS_MFT_RECORD_SIZE 28
#define MDC_GIDS_MFT_NAME_FIELD 9 /* bytes per name field, NUL padded */
#define MDC_GIDS_MFT_NAME_MAX 8   /* characters a writer may use */
/* Hard cap: the table must fit a DO with a two-byte BER length. */
#define MDC_GIDS_MFT_MAX_RECORDS ((65535 - 1) / MDC_GIDS_MFT_RECORD_SIZE)

/* Where new files go (EveryoneReadUserWriteAc) and the tags they may use. */
#define MDC_GIDS_EF_USER 0xA010u
#define MDC_GIDS_EF_MSCP_DIR 0xA000u
#define MDC_GIDS_TAG_FIRST_FREE 0xDF24u
#define MDC_GIDS_TAG_LAST 0xDFFEu

typedef struct {
    uint8_t dir[MDC_GIDS_MFT_NAME_FIELD];  /* raw; all zero = root */
    uint8_t file[MDC_GIDS_MFT_NAME_FIELD]; /* raw; all zero = directory record */
    uint8_t pad[2];                        /* kept as read, zero when built here */
    uint32_t tag;                          /* DO tag, LE32 on card */
    uint32_t ef;                           /* EF file identifier, LE32 on card */
} mdc_gids_mft_record;

typedef struct {
    mdc_gids_mft_record *records; /* heap; release with mdc_gids_mft_clear */
    size_t count;
} mdc_gids_mft;

/*
 * Version must be 01 and the length 1 + 28n; anything else is a foreign or
 * corrupt card: ERR_VERSION, ERR_TRUNCATED (empty, or less than one record
 * after the version byte), ERR_RAGGED (a partial record after whole ones).
 */
mdc_mdfs_rv mdc_gids_mft_parse(const uint8_t *buf, size_t len, mdc_gids_mft *out);
/* Free *out with mdc_mdfs_free. */
mdc_mdfs_rv mdc_gids_mft_build(const mdc_gids_mft *t, uint8_t **out, size_t *out_len);
void mdc_gids_mft_clear(mdc_gids_mft *t);

/* The table written at card initialization: mscp, cardid, cardapps, cardcf, mscp/cmapfile. */
mdc_mdfs_rv mdc_gids_mft_initial(mdc_gids_mft *out);

/*
 * Copies a record's names as NUL-terminated strings (up to 9 characters each,
 * never reading past the field), for display and for callers' own matching.
 */
void mdc_gids_mft_names(const mdc_gids_mft_record *r, char dir[MDC_GIDS_MFT_NAME_FIELD + 1],
                        char file[MDC_GIDS_MFT_NAME_FIELD + 1]);

/*
 * Record of dir/file, names compared case-insensitively; dir "" (or NULL) =
 * root, file "" (or NULL) = the directory record itself.
 */
mdc_mdfs_rv mdc_gids_mft_find(const mdc_gids_mft *t, const char *dir, const char *file,
                              size_t *index);
/* Record that points at (ef, tag), file records only. */
/* An (EF, DO tag) pair a file can live at: both non-zero and 16-bit. */
bool mdc_gids_mft_location_usable(uint32_t ef, uint32_t tag);
mdc_mdfs_rv mdc_gids_mft_find_location(const mdc_gids_mft *t, uint32_t ef, uint32_t tag,
                                       size_t *index);

/*
 * Appends a file record. Names: 1..8 printable ASCII characters except '/'
 * (dir may be empty: root). ERR_EXISTS when the name (any case) or the
 * (ef, tag) pair is already used.
 */
mdc_mdfs_rv mdc_gids_mft_add(mdc_gids_mft *t, const char *dir, const char *file, uint32_t ef,
                             uint32_t tag);
/* Removes a file record; later records move down. */
mdc_mdfs_rv mdc_gids_mft_remove(mdc_gids_mft *t, const char *dir, const char *file);
/*
 * Points an existing file record at a new (ef, tag): the copy-on-write step
 * of a file replacement. ERR_EXISTS when another record uses the new pair.
 */
mdc_mdfs_rv mdc_gids_mft_repoint(mdc_gids_mft *t, const char *dir, const char *file, uint32_t ef,
                                 uint32_t tag);
/*
 * Lowest tag in DF24..DFFE that no record with this EF references; ERR_FULL
 * when none is left. Orphan DOs are not visible here and may be reused.
 */
mdc_mdfs_rv mdc_gids_mft_free_tag(const mdc_gids_mft *t, uint32_t ef, uint32_t *tag);

#endif
