/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cardapps (A010/DF21): array of 8-byte application directory names, zero
 * padded, no terminator guaranteed. Standard content: "mscp" (index 0).
 */
#ifndef MDC_MDFS_CARDAPPS_H
#define MDC_MDFS_CARDAPPS_H

#include "mdfs/mdfs.h"

#define MDC_CARDAPPS_NAME_LEN 8
#define MDC_CARDAPPS_MAX 64 /* hard cap on the number of applications */

typedef struct {
    uint8_t name[MDC_CARDAPPS_NAME_LEN]; /* raw, zero padded */
} mdc_cardapp;

typedef struct {
    mdc_cardapp *apps; /* heap; release with mdc_mdfs_cardapps_clear */
    size_t count;
} mdc_cardapps;

/* Empty input = no applications; under 8 bytes = ERR_TRUNCATED; not a multiple of 8 = ERR_RAGGED.
 */
mdc_mdfs_rv mdc_mdfs_cardapps_parse(const uint8_t *buf, size_t len, mdc_cardapps *out);
/* out = NULL, out_len = 0 when there is no application; free with mdc_mdfs_free. */
mdc_mdfs_rv mdc_mdfs_cardapps_build(const mdc_cardapps *ca, uint8_t **out, size_t *out_len);
void mdc_mdfs_cardapps_clear(mdc_cardapps *ca);
/* Index of an application (1..8 characters, compared case-insensitively). */
mdc_mdfs_rv mdc_mdfs_cardapps_find(const mdc_cardapps *ca, const char *name, size_t *index);
/* Appends an application; ERR_EXISTS when present, ERR_ARGS for a bad name. */
mdc_mdfs_rv mdc_mdfs_cardapps_add(mdc_cardapps *ca, const char *name);
/* The standard file content: the single record "mscp". */
mdc_mdfs_rv mdc_mdfs_cardapps_standard(uint8_t **out, size_t *out_len);

#endif
