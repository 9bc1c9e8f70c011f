/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mscp/msroots: CA certificates as a DER PKCS#7 SignedData without signers
 * ("certs-only"). Read compressed (01 00 + LE16 + zlib) or raw; written raw.
 * A missing or empty file is an empty list.
 */
#ifndef MDC_MDFS_MSROOTS_H
#define MDC_MDFS_MSROOTS_H

#include "mdfs/mdfs.h"

#define MDC_MSROOTS_MAX_FILE 65570u /* same cap as a certificate file */
#define MDC_MSROOTS_MAX_CERTS 256

typedef struct {
    uint8_t *der; /* one DER X.509 certificate (heap) */
    size_t len;
} mdc_msroots_cert;

typedef struct {
    mdc_msroots_cert *certs; /* heap; release with mdc_mdfs_msroots_clear */
    size_t count;
} mdc_msroots;

/* (NULL, 0) or an empty file = no certificates. */
mdc_mdfs_rv mdc_mdfs_msroots_parse(const uint8_t *file, size_t len, mdc_msroots *out);
/* Raw DER certs-only SignedData (also for an empty list); free with mdc_mdfs_free. */
mdc_mdfs_rv mdc_mdfs_msroots_build(const mdc_msroots *m, uint8_t **out, size_t *out_len);
void mdc_mdfs_msroots_clear(mdc_msroots *m);
/* Index of a certificate with exactly these DER bytes. */
mdc_mdfs_rv mdc_mdfs_msroots_find(const mdc_msroots *m, const uint8_t *der, size_t len,
                                  size_t *index);
/* Appends one DER certificate (checked to parse as exactly one X.509); ERR_EXISTS if present. */
mdc_mdfs_rv mdc_mdfs_msroots_add(mdc_msroots *m, const uint8_t *der, size_t len);
/* Removes the certificate at index, keeping the order of the others. */
mdc_mdfs_rv mdc_mdfs_msroots_remove(mdc_msroots *m, size_t index);

#endif
