/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Serializer and parser of the on-disk cache record (format in
 * disk_record.h). Pure: every length is checked against the buffer and the
 * caps before use, and the SHA-256 at the end must match, so a truncated,
 * torn or garbage file is refused as a whole.
 */
#include "token/disk_record.h"

#include <openssl/evp.h>

#include <stdlib.h>
#include <string.h>

#define HEADER_LEN 20
#define BLOB_HEADER_LEN 8
#define DIGEST_LEN 32
static const uint8_t magic[4] = {'M', 'D', 'C', 'C'};

static bool kind_known(unsigned kind)
{
    return kind >= MDC_DISK_CMAPFILE && kind <= MDC_DISK_EXPONENT;
}

void mdc_tok_disk_record_clear(struct mdc_disk_record *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->count; i++)
        free(r->blobs[i].data);
    free(r->blobs);
    memset(r, 0, sizeof(*r));
}

mdc_mdfs_rv mdc_tok_disk_record_add(struct mdc_disk_record *r, enum mdc_disk_kind kind,
                                    unsigned index, const char *name, const uint8_t *data,
                                    size_t len)
{
    struct mdc_disk_blob *blobs, *b;
    size_t name_len = name != NULL ? strlen(name) : 0;

    if (r == NULL || !kind_known((unsigned)kind) || index > 0xff || name_len > MDC_DISK_MAX_NAME ||
        (data == NULL && len != 0))
        return MDC_MDFS_ERR_ARGS;
    if (r->count >= MDC_DISK_MAX_BLOBS || len > MDC_DISK_MAX_BLOB)
        return MDC_MDFS_ERR_TOO_LARGE;
    blobs = realloc(r->blobs, (r->count + 1) * sizeof(*blobs));
    if (blobs == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    r->blobs = blobs;
    b = &blobs[r->count];
    memset(b, 0, sizeof(*b));
    b->data = malloc(len != 0 ? len : 1);
    if (b->data == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    if (len != 0)
        memcpy(b->data, data, len);
    b->len = len;
    b->kind = (uint8_t)kind;
    b->index = (uint8_t)index;
    if (name_len != 0)
        memcpy(b->name, name, name_len);
    r->count++;
    return MDC_MDFS_OK;
}

const struct mdc_disk_blob *mdc_tok_disk_record_find(const struct mdc_disk_record *r,
                                                     enum mdc_disk_kind kind, unsigned index)
{
    for (size_t i = 0; r != NULL && i < r->count; i++)
        if (r->blobs[i].kind == (uint8_t)kind && r->blobs[i].index == index)
            return &r->blobs[i];
    return NULL;
}

static bool sha256(const uint8_t *data, size_t len, uint8_t out[DIGEST_LEN])
{
    unsigned int n = 0;

    return EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) == 1 && n == DIGEST_LEN;
}

mdc_mdfs_rv mdc_tok_disk_record_build(const struct mdc_disk_record *r, uint8_t **out,
                                      size_t *out_len)
{
    size_t total, off;
    uint8_t *buf;

    if (r == NULL || out == NULL || out_len == NULL || r->cardid_len == 0 ||
        r->cardid_len > MDC_DISK_MAX_CARDID || r->rng > MDC_DISK_RNG_NO ||
        (r->count != 0 && r->blobs == NULL))
        return MDC_MDFS_ERR_ARGS;
    *out = NULL;
    *out_len = 0;
    if (r->count > MDC_DISK_MAX_BLOBS)
        return MDC_MDFS_ERR_TOO_LARGE;
    total = HEADER_LEN + r->cardid_len + DIGEST_LEN;
    for (size_t i = 0; i < r->count; i++) {
        const struct mdc_disk_blob *b = &r->blobs[i];
        size_t name_len = strnlen(b->name, sizeof(b->name));

        if (!kind_known(b->kind) || name_len > MDC_DISK_MAX_NAME || (b->data == NULL && b->len))
            return MDC_MDFS_ERR_ARGS;
        if (b->len > MDC_DISK_MAX_BLOB)
            return MDC_MDFS_ERR_TOO_LARGE;
        total += BLOB_HEADER_LEN + name_len + b->len;
        if (total > MDC_DISK_MAX_FILE)
            return MDC_MDFS_ERR_TOO_LARGE;
    }
    buf = calloc(1, total);
    if (buf == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    memcpy(buf, magic, sizeof(magic));
    buf[4] = MDC_DISK_RECORD_VERSION;
    buf[5] = r->rng;
    buf[6] = (uint8_t)r->cardid_len;
    mdc_mdfs_put_le16(buf + 8, r->containers);
    mdc_mdfs_put_le16(buf + 10, r->files);
    mdc_mdfs_put_le16(buf + 12, (uint16_t)r->count);
    mdc_mdfs_put_le32(buf + 16, (uint32_t)total);
    memcpy(buf + HEADER_LEN, r->cardid, r->cardid_len);
    off = HEADER_LEN + r->cardid_len;
    for (size_t i = 0; i < r->count; i++) {
        const struct mdc_disk_blob *b = &r->blobs[i];
        size_t name_len = strnlen(b->name, sizeof(b->name));

        buf[off] = b->kind;
        buf[off + 1] = b->index;
        buf[off + 2] = (uint8_t)name_len;
        mdc_mdfs_put_le32(buf + off + 4, (uint32_t)b->len);
        off += BLOB_HEADER_LEN;
        memcpy(buf + off, b->name, name_len);
        off += name_len;
        if (b->len != 0)
            memcpy(buf + off, b->data, b->len);
        off += b->len;
    }
    if (!sha256(buf, off, buf + off)) {
        free(buf);
        return MDC_MDFS_ERR_CRYPTO;
    }
    *out = buf;
    *out_len = total;
    return MDC_MDFS_OK;
}

static mdc_mdfs_rv parse_blobs(const uint8_t *buf, size_t end, size_t off, size_t count,
                               struct mdc_disk_record *r)
{
    for (size_t i = 0; i < count; i++) {
        char name[MDC_DISK_MAX_NAME + 1];
        size_t name_len, len;
        mdc_mdfs_rv rv;

        if (end - off < BLOB_HEADER_LEN)
            return MDC_MDFS_ERR_CORRUPT;
        name_len = buf[off + 2];
        len = mdc_mdfs_get_le32(buf + off + 4);
        if (!kind_known(buf[off]) || buf[off + 3] != 0 || name_len > MDC_DISK_MAX_NAME)
            return MDC_MDFS_ERR_CORRUPT;
        if (len > MDC_DISK_MAX_BLOB)
            return MDC_MDFS_ERR_TOO_LARGE;
        off += BLOB_HEADER_LEN;
        if (end - off < name_len || end - off - name_len < len)
            return MDC_MDFS_ERR_CORRUPT;
        memcpy(name, buf + off, name_len);
        name[name_len] = '\0';
        if (strlen(name) != name_len)
            return MDC_MDFS_ERR_CORRUPT; /* NUL inside the name */
        rv = mdc_tok_disk_record_add(r, (enum mdc_disk_kind)buf[off - BLOB_HEADER_LEN],
                                     buf[off - BLOB_HEADER_LEN + 1], name, buf + off + name_len,
                                     len);
        if (rv != MDC_MDFS_OK)
            return rv;
        off += name_len + len;
    }
    return off == end ? MDC_MDFS_OK : MDC_MDFS_ERR_CORRUPT;
}

mdc_mdfs_rv mdc_tok_disk_record_parse(const uint8_t *buf, size_t len, struct mdc_disk_record *out)
{
    uint8_t digest[DIGEST_LEN];
    struct mdc_disk_record r;
    size_t total, count, end;
    mdc_mdfs_rv rv;

    if (out == NULL || (buf == NULL && len != 0))
        return MDC_MDFS_ERR_ARGS;
    memset(out, 0, sizeof(*out));
    if (len < HEADER_LEN + 1 + DIGEST_LEN)
        return MDC_MDFS_ERR_TRUNCATED;
    if (memcmp(buf, magic, sizeof(magic)) != 0 || buf[4] != MDC_DISK_RECORD_VERSION)
        return MDC_MDFS_ERR_VERSION;
    if (len > MDC_DISK_MAX_FILE)
        return MDC_MDFS_ERR_TOO_LARGE;
    total = mdc_mdfs_get_le32(buf + 16);
    if (total > len)
        return MDC_MDFS_ERR_TRUNCATED;
    if (total != len)
        return MDC_MDFS_ERR_LENGTH_MISMATCH;
    end = len - DIGEST_LEN;
    if (!sha256(buf, end, digest))
        return MDC_MDFS_ERR_CRYPTO;
    if (memcmp(digest, buf + end, DIGEST_LEN) != 0)
        return MDC_MDFS_ERR_CORRUPT;
    memset(&r, 0, sizeof(r));
    r.rng = buf[5];
    r.cardid_len = buf[6];
    count = mdc_mdfs_get_le16(buf + 12);
    if (r.rng > MDC_DISK_RNG_NO || r.cardid_len == 0 || r.cardid_len > MDC_DISK_MAX_CARDID ||
        buf[7] != 0 || buf[14] != 0 || buf[15] != 0 || end - HEADER_LEN < r.cardid_len)
        return MDC_MDFS_ERR_CORRUPT;
    if (count > MDC_DISK_MAX_BLOBS)
        return MDC_MDFS_ERR_TOO_LARGE;
    r.containers = mdc_mdfs_get_le16(buf + 8);
    r.files = mdc_mdfs_get_le16(buf + 10);
    memcpy(r.cardid, buf + HEADER_LEN, r.cardid_len);
    rv = parse_blobs(buf, end, HEADER_LEN + r.cardid_len, count, &r);
    if (rv != MDC_MDFS_OK) {
        mdc_tok_disk_record_clear(&r);
        return rv;
    }
    *out = r;
    return MDC_MDFS_OK;
}
