/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * New container names: GUID-style, lower case, 36 characters
 * ("257f0362-2ee7-44f5-9885-36fa490f30c1"), as Windows writes them, from
 * OpenSSL's cryptographic random source, unique within a cmapfile.
 */
#ifndef MDC_MDFS_GUID_H
#define MDC_MDFS_GUID_H

#include "mdfs/cmapfile.h"

#define MDC_GUID_STR_LEN 36
#define MDC_GUID_STR_SIZE (MDC_GUID_STR_LEN + 1)

/*
 * Formats 16 random bytes as a version-4 (random) GUID string, lower case:
 * the version nibble and variant bits are set, the rest is taken from rnd.
 */
void mdc_mdfs_guid_format(const uint8_t rnd[16], char out[MDC_GUID_STR_SIZE]);

/* A fresh name (RAND_bytes) that no record of cm (valid or not) carries. */
mdc_mdfs_rv mdc_mdfs_guid_new_name(const mdc_cmapfile *cm, char out[MDC_GUID_STR_SIZE]);

#endif
