/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Common definitions of the pure minidriver format library (module/mdfs and
 * the GIDS tables module/gids/mft.c, module/gids/keymap.c): the result type,
 * its names for the caller's log, and how to free the buffers the library
 * returns. Nothing here does I/O or keeps state.
 */
#ifndef MDC_MDFS_H
#define MDC_MDFS_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    MDC_MDFS_OK = 0,
    MDC_MDFS_ERR_ARGS,      /* caller error: NULL pointer, index or value out of range */
    MDC_MDFS_ERR_TRUNCATED, /* input shorter than its format's minimum or its own header says */
    MDC_MDFS_ERR_RAGGED,    /* length is not a whole number of records */
    MDC_MDFS_ERR_VERSION,   /* unknown version / format byte */
    MDC_MDFS_ERR_TOO_LARGE, /* above a hard cap (record count, certificate size, ...) */
    MDC_MDFS_ERR_LENGTH_MISMATCH, /* declared length differs from the real one */
    MDC_MDFS_ERR_NOT_FOUND,       /* no such name, record or entry */
    MDC_MDFS_ERR_EXISTS,          /* name or location already in use */
    MDC_MDFS_ERR_FULL,            /* no free record, tag or key reference left */
    MDC_MDFS_ERR_CORRUPT,         /* content does not decode (bad zlib stream, bad DER, ...) */
    MDC_MDFS_ERR_NO_MEMORY,       /* allocation failed */
    MDC_MDFS_ERR_CRYPTO,          /* OpenSSL failed (random source, digest, encoder) */
} mdc_mdfs_rv;

/* Stable, constant name of a result ("MDC_MDFS_ERR_RAGGED"), for log lines. */
const char *mdc_mdfs_rv_name(mdc_mdfs_rv rv);

/* Releases a buffer returned through a uint8_t ** out-parameter of this library. */
void mdc_mdfs_free(void *buf);

/*
 * Number of records in a "version byte + fixed-size records" file (master
 * table, keymap): ERR_VERSION for another first byte, ERR_TRUNCATED when
 * less than one record follows it, ERR_RAGGED for a partial record after
 * whole ones, ERR_TOO_LARGE above max_records. len must be at least 1.
 */
mdc_mdfs_rv mdc_mdfs_versioned_records(const uint8_t *buf, size_t len, uint8_t version,
                                       size_t record_size, size_t max_records, size_t *count);

/* Little-endian fields, as every minidriver structure stores them. */
static inline uint16_t mdc_mdfs_get_le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static inline void mdc_mdfs_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xffu);
    p[1] = (uint8_t)(v >> 8);
}

static inline uint32_t mdc_mdfs_get_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline void mdc_mdfs_put_le32(uint8_t *p, uint32_t v)
{
    mdc_mdfs_put_le16(p, (uint16_t)(v & 0xffffu));
    mdc_mdfs_put_le16(p + 2, (uint16_t)(v >> 16));
}

#endif
