/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Certificate files mscp/kscXX and mscp/kxcXX: their names (written as two
 * upper-case hex digits, read case-insensitively, hex first and decimal as
 * fallback: DESIGN.md section 5) and their content (the compressed form
 * 01 00 + LE16 length + zlib stream, or raw DER when reading).
 */
#ifndef MDC_MDFS_CERTFILE_H
#define MDC_MDFS_CERTFILE_H

#include <stdbool.h>

#include "mdfs/mdfs.h"

/* Largest DER certificate the compressed format can describe (LE16 length). */
#define MDC_CERT_MAX_DER 65535u
/*
 * Hard cap on a certificate (or msroots) file: the header plus zlib's
 * compressBound(65535), the largest file mdc_mdfs_cert_encode can produce.
 */
#define MDC_CERT_MAX_FILE 65570u
#define MDC_CERTNAME_SIZE 6 /* "kxc0A" + NUL */

typedef enum {
    MDC_CERT_KX = 0, /* kxc: key-exchange container */
    MDC_CERT_SIG     /* ksc: signature-only container */
} mdc_cert_kind;

/* Both readings of a name's suffix; -1 where a reading is impossible. */
typedef struct {
    mdc_cert_kind kind;
    int hex_index; /* "kxc0A" -> 10, "kxc10" -> 16 */
    int dec_index; /* "kxc10" -> 10, "kxc0A" -> -1 */
} mdc_certname;

/* "kxc0A": container index 0..126 as two upper-case hex digits. */
mdc_mdfs_rv mdc_mdfs_certname_format(mdc_cert_kind kind, unsigned index,
                                     char out[MDC_CERTNAME_SIZE]);

/*
 * Reads a file name of len bytes (no NUL needed): prefix kxc/ksc in any case,
 * then 1 to 3 digits. A reading is kept only when it is a container index
 * (0..126). ERR_NOT_FOUND when the name is not a certificate file name.
 */
mdc_mdfs_rv mdc_mdfs_certname_parse(const char *name, size_t len, mdc_certname *out);

/*
 * Container the name belongs to, given which container indexes are valid
 * (valid[i] for i < count): the hex reading when it names a valid container,
 * else the decimal reading when that does, else ERR_NOT_FOUND.
 */
mdc_mdfs_rv mdc_mdfs_certname_resolve(const mdc_certname *name, const bool *valid, size_t count,
                                      unsigned *index);

/*
 * Compressed certificate file: 01 00, LE16 DER length, zlib stream at the
 * best compression. DER longer than MDC_CERT_MAX_DER gives ERR_TOO_LARGE.
 * Free *out with mdc_mdfs_free.
 */
mdc_mdfs_rv mdc_mdfs_cert_encode(const uint8_t *der, size_t der_len, uint8_t **out,
                                 size_t *out_len);

/*
 * DER certificate from a file: compressed (01 00 ...) or raw DER (first byte
 * 30, returned up to the end of its outer TLV). The inflated size must equal
 * the declared one exactly; inflation never writes past it. Bytes after the
 * zlib stream's end are ignored, as zlib's uncompress() does.
 */
mdc_mdfs_rv mdc_mdfs_cert_decode(const uint8_t *file, size_t len, uint8_t **der, size_t *der_len);

/*
 * Length of the DER TLV at buf (header + content), definite lengths up to
 * four length bytes; ERR_TRUNCATED when it runs past len, ERR_CORRUPT when
 * the header is malformed. Shared by the certificate and msroots readers.
 */
mdc_mdfs_rv mdc_mdfs_der_tlv_len(const uint8_t *buf, size_t len, size_t *tlv_len);

/*
 * Inflates a 01 00 + LE16 + zlib container (certificates, msroots) into a
 * heap buffer of exactly the declared length. Shared with msroots.
 */
mdc_mdfs_rv mdc_mdfs_inflate_compressed(const uint8_t *file, size_t len, uint8_t **out,
                                        size_t *out_len);

/* True when file starts with the compressed-format marker 01 00. */
bool mdc_mdfs_is_compressed(const uint8_t *file, size_t len);

#endif
