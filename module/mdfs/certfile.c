/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Certificate file content: the compressed form (01 00 + LE16 length + zlib)
 * and raw DER. Inflation writes into a buffer sized by the declared length,
 * so a hostile stream can neither over-read its input nor grow the output.
 */
#include "mdfs/certfile.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* next_in becomes const: inflate never writes its input. */
#define ZLIB_CONST
#include <zlib.h>

#define HEADER_LEN 4

bool mdc_mdfs_is_compressed(const uint8_t *file, size_t len)
{
    return file != NULL && len >= 2 && file[0] == 0x01 && file[1] == 0x00;
}

mdc_mdfs_rv mdc_mdfs_der_tlv_len(const uint8_t *buf, size_t len, size_t *tlv_len)
{
    size_t hdr, content = 0, i, n;

    if ((buf == NULL && len != 0) || tlv_len == NULL)
        return MDC_MDFS_ERR_ARGS;
    if (len < 2)
        return MDC_MDFS_ERR_TRUNCATED;
    if ((buf[0] & 0x1fu) == 0x1fu) /* multi-byte tags never start a certificate or PKCS#7 */
        return MDC_MDFS_ERR_CORRUPT;
    if (buf[1] < 0x80) {
        hdr = 2;
        content = buf[1];
    } else {
        n = buf[1] & 0x7fu;
        if (n == 0 || n > 4) /* indefinite length is not DER; > 4 GiB is not a file */
            return MDC_MDFS_ERR_CORRUPT;
        if (len < 2 + n)
            return MDC_MDFS_ERR_TRUNCATED;
        for (i = 0; i < n; i++)
            content = (content << 8) | buf[2 + i];
        hdr = 2 + n;
    }
    if (content > len - hdr)
        return MDC_MDFS_ERR_TRUNCATED;
    *tlv_len = hdr + content;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_inflate_compressed(const uint8_t *file, size_t len, uint8_t **out,
                                        size_t *out_len)
{
    z_stream zs;
    uint8_t *buf;
    size_t declared, produced;
    int zr;
    mdc_mdfs_rv rv;

    if (file == NULL || out == NULL || out_len == NULL)
        return MDC_MDFS_ERR_ARGS;
    *out = NULL;
    *out_len = 0;
    if (len < 2)
        return MDC_MDFS_ERR_TRUNCATED;
    if (!mdc_mdfs_is_compressed(file, len))
        return MDC_MDFS_ERR_VERSION;
    if (len < HEADER_LEN)
        return MDC_MDFS_ERR_TRUNCATED;
    if (len > MDC_CERT_MAX_FILE || len - HEADER_LEN > UINT_MAX)
        return MDC_MDFS_ERR_TOO_LARGE;
    declared = (size_t)file[2] | ((size_t)file[3] << 8);
    if (declared == 0)
        return MDC_MDFS_ERR_CORRUPT;
    /* One spare byte: output reaching it proves the stream is longer than declared. */
    buf = malloc(declared + 1);
    if (buf == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    memset(&zs, 0, sizeof(zs));
    if (inflateInit(&zs) != Z_OK) {
        free(buf);
        return MDC_MDFS_ERR_NO_MEMORY;
    }
    zs.next_in = file + HEADER_LEN;
    zs.avail_in = (uInt)(len - HEADER_LEN);
    zs.next_out = buf;
    zs.avail_out = (uInt)(declared + 1);
    do {
        zr = inflate(&zs, Z_NO_FLUSH);
    } while (zr == Z_OK && zs.avail_out > 0);
    produced = declared + 1 - zs.avail_out;
    if (produced > declared)
        rv = MDC_MDFS_ERR_LENGTH_MISMATCH;
    else if (zr == Z_STREAM_END)
        rv = produced == declared ? MDC_MDFS_OK : MDC_MDFS_ERR_LENGTH_MISMATCH;
    else if (zr == Z_MEM_ERROR)
        rv = MDC_MDFS_ERR_NO_MEMORY;
    else if (zr == Z_BUF_ERROR && zs.avail_in == 0)
        rv = MDC_MDFS_ERR_TRUNCATED; /* the stream stops before its end marker */
    else
        rv = MDC_MDFS_ERR_CORRUPT;
    inflateEnd(&zs);
    if (rv != MDC_MDFS_OK) {
        free(buf);
        return rv;
    }
    *out = buf;
    *out_len = declared;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_cert_encode(const uint8_t *der, size_t der_len, uint8_t **out, size_t *out_len)
{
    uLongf dest_len;
    uint8_t *buf;
    int zr;

    if (der == NULL || der_len == 0 || out == NULL || out_len == NULL)
        return MDC_MDFS_ERR_ARGS;
    *out = NULL;
    *out_len = 0;
    if (der_len > MDC_CERT_MAX_DER)
        return MDC_MDFS_ERR_TOO_LARGE;
    dest_len = compressBound((uLong)der_len);
    buf = malloc(HEADER_LEN + (size_t)dest_len);
    if (buf == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    buf[0] = 0x01;
    buf[1] = 0x00;
    buf[2] = (uint8_t)(der_len & 0xffu);
    buf[3] = (uint8_t)(der_len >> 8);
    zr = compress2(buf + HEADER_LEN, &dest_len, der, (uLong)der_len, Z_BEST_COMPRESSION);
    if (zr != Z_OK) {
        free(buf);
        return zr == Z_MEM_ERROR ? MDC_MDFS_ERR_NO_MEMORY : MDC_MDFS_ERR_CORRUPT;
    }
    *out = buf;
    *out_len = HEADER_LEN + (size_t)dest_len;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_cert_decode(const uint8_t *file, size_t len, uint8_t **der, size_t *der_len)
{
    uint8_t *buf;
    size_t n, tlv;
    mdc_mdfs_rv rv;

    if ((file == NULL && len != 0) || der == NULL || der_len == NULL)
        return MDC_MDFS_ERR_ARGS;
    *der = NULL;
    *der_len = 0;
    if (len == 0)
        return MDC_MDFS_ERR_TRUNCATED;
    if (len > MDC_CERT_MAX_FILE)
        return MDC_MDFS_ERR_TOO_LARGE;
    if (file[0] == 0x30) {
        rv = mdc_mdfs_der_tlv_len(file, len, &tlv);
        if (rv != MDC_MDFS_OK)
            return rv;
        buf = malloc(tlv);
        if (buf == NULL)
            return MDC_MDFS_ERR_NO_MEMORY;
        memcpy(buf, file, tlv);
        *der = buf;
        *der_len = tlv;
        return MDC_MDFS_OK;
    }
    rv = mdc_mdfs_inflate_compressed(file, len, &buf, &n);
    if (rv != MDC_MDFS_OK)
        return rv;
    /* What inflates must itself be one DER certificate of exactly that size. */
    if (buf[0] != 0x30 || mdc_mdfs_der_tlv_len(buf, n, &tlv) != MDC_MDFS_OK || tlv != n) {
        free(buf);
        return MDC_MDFS_ERR_CORRUPT;
    }
    *der = buf;
    *der_len = n;
    return MDC_MDFS_OK;
}
