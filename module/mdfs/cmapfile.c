/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cmapfile: records, flags, key sizes, free record, default container, names. */
#include "mdfs/cmapfile.h"

#include <stdlib.h>
#include <string.h>

#define NAME_UNITS (MDC_CMAP_NAME_BYTES / 2)

mdc_mdfs_rv mdc_mdfs_cmap_parse(const uint8_t *buf, size_t len, mdc_cmapfile *out)
{
    size_t n, i;
    mdc_cmap_record *recs;

    if (out == NULL || (buf == NULL && len != 0))
        return MDC_MDFS_ERR_ARGS;
    out->records = NULL;
    out->count = 0;
    if (len % MDC_CMAP_RECORD_SIZE != 0)
        return len < MDC_CMAP_RECORD_SIZE ? MDC_MDFS_ERR_TRUNCATED : MDC_MDFS_ERR_RAGGED;
    n = len / MDC_CMAP_RECORD_SIZE;
    if (n > MDC_CMAP_MAX_RECORDS)
        return MDC_MDFS_ERR_TOO_LARGE;
    if (n == 0)
        return MDC_MDFS_OK;
    recs = calloc(n, sizeof(*recs));
    if (recs == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    for (i = 0; i < n; i++) {
        const uint8_t *p = buf + i * MDC_CMAP_RECORD_SIZE;
        memcpy(recs[i].name, p, MDC_CMAP_NAME_BYTES);
        recs[i].flags = p[80];
        recs[i].reserved = p[81];
        recs[i].sig_key_bits = mdc_mdfs_get_le16(p + 82);
        recs[i].kx_key_bits = mdc_mdfs_get_le16(p + 84);
    }
    out->records = recs;
    out->count = n;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_cmap_build(const mdc_cmapfile *cm, uint8_t **out, size_t *out_len)
{
    uint8_t *buf;
    size_t i;

    if (cm == NULL || out == NULL || out_len == NULL || (cm->records == NULL && cm->count != 0))
        return MDC_MDFS_ERR_ARGS;
    *out = NULL;
    *out_len = 0;
    if (cm->count > MDC_CMAP_MAX_RECORDS)
        return MDC_MDFS_ERR_TOO_LARGE;
    if (cm->count == 0)
        return MDC_MDFS_OK;
    buf = malloc(cm->count * MDC_CMAP_RECORD_SIZE);
    if (buf == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    for (i = 0; i < cm->count; i++) {
        const mdc_cmap_record *r = &cm->records[i];
        uint8_t *p = buf + i * MDC_CMAP_RECORD_SIZE;
        memcpy(p, r->name, MDC_CMAP_NAME_BYTES);
        p[80] = r->flags;
        p[81] = r->reserved;
        mdc_mdfs_put_le16(p + 82, r->sig_key_bits);
        mdc_mdfs_put_le16(p + 84, r->kx_key_bits);
    }
    *out = buf;
    *out_len = cm->count * MDC_CMAP_RECORD_SIZE;
    return MDC_MDFS_OK;
}

void mdc_mdfs_cmap_clear(mdc_cmapfile *cm)
{
    if (cm == NULL)
        return;
    free(cm->records);
    cm->records = NULL;
    cm->count = 0;
}

bool mdc_mdfs_cmap_is_valid(const mdc_cmap_record *r)
{
    return r != NULL && (r->flags & MDC_CMAP_FLAG_VALID) != 0;
}

bool mdc_mdfs_cmap_is_default(const mdc_cmap_record *r)
{
    return mdc_mdfs_cmap_is_valid(r) && (r->flags & MDC_CMAP_FLAG_DEFAULT) != 0;
}

bool mdc_mdfs_cmap_is_key(const mdc_cmap_record *r)
{
    return mdc_mdfs_cmap_is_valid(r) && ((r->sig_key_bits != 0) != (r->kx_key_bits != 0));
}

bool mdc_mdfs_cmap_is_reservation(const mdc_cmap_record *r)
{
    return mdc_mdfs_cmap_is_valid(r) && r->sig_key_bits == 0 && r->kx_key_bits == 0;
}

mdc_cmap_key_spec mdc_mdfs_cmap_key_spec_of(const mdc_cmap_record *r)
{
    if (!mdc_mdfs_cmap_is_key(r))
        return MDC_CMAP_KEY_NONE;
    return r->kx_key_bits != 0 ? MDC_CMAP_KEY_EXCHANGE : MDC_CMAP_KEY_SIGNATURE;
}

mdc_mdfs_rv mdc_mdfs_cmap_find_free(const mdc_cmapfile *cm, size_t *index)
{
    size_t i;

    if (cm == NULL || index == NULL || (cm->records == NULL && cm->count != 0))
        return MDC_MDFS_ERR_ARGS;
    for (i = 0; i < cm->count && i < MDC_CMAP_MAX_RECORDS; i++) {
        if (!mdc_mdfs_cmap_is_valid(&cm->records[i])) {
            *index = i;
            return MDC_MDFS_OK;
        }
    }
    if (cm->count >= MDC_CMAP_MAX_RECORDS)
        return MDC_MDFS_ERR_FULL;
    *index = cm->count;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_cmap_set_record(mdc_cmapfile *cm, size_t index, const mdc_cmap_record *rec)
{
    if (cm == NULL || rec == NULL || index > cm->count)
        return MDC_MDFS_ERR_ARGS;
    if (index == cm->count) {
        mdc_cmap_record *grown;
        if (cm->count >= MDC_CMAP_MAX_RECORDS)
            return MDC_MDFS_ERR_FULL;
        grown = realloc(cm->records, (cm->count + 1) * sizeof(*grown));
        if (grown == NULL)
            return MDC_MDFS_ERR_NO_MEMORY;
        cm->records = grown;
        cm->count++;
    }
    cm->records[index] = *rec;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_cmap_free_record(mdc_cmapfile *cm, size_t index)
{
    if (cm == NULL || index >= cm->count)
        return MDC_MDFS_ERR_ARGS;
    memset(&cm->records[index], 0, sizeof(cm->records[index]));
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_cmap_set_default(mdc_cmapfile *cm, size_t index)
{
    size_t i;

    if (cm == NULL || index >= cm->count)
        return MDC_MDFS_ERR_ARGS;
    if (!mdc_mdfs_cmap_is_valid(&cm->records[index]))
        return MDC_MDFS_ERR_NOT_FOUND;
    for (i = 0; i < cm->count; i++)
        cm->records[i].flags &= (uint8_t)~MDC_CMAP_FLAG_DEFAULT;
    cm->records[index].flags |= MDC_CMAP_FLAG_DEFAULT;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_cmap_find_default(const mdc_cmapfile *cm, size_t *index)
{
    size_t i;

    if (cm == NULL || index == NULL || (cm->records == NULL && cm->count != 0))
        return MDC_MDFS_ERR_ARGS;
    for (i = 0; i < cm->count; i++) {
        if (mdc_mdfs_cmap_is_default(&cm->records[i])) {
            *index = i;
            return MDC_MDFS_OK;
        }
    }
    return MDC_MDFS_ERR_NOT_FOUND;
}

/* Decodes one UTF-8 sequence at s (NUL-terminated); 0 on error. */
static size_t utf8_decode(const unsigned char *s, uint32_t *cp)
{
    uint32_t c = s[0], min;
    size_t n, i;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if ((c & 0xe0u) == 0xc0u) {
        n = 2;
        c &= 0x1fu;
        min = 0x80;
    } else if ((c & 0xf0u) == 0xe0u) {
        n = 3;
        c &= 0x0fu;
        min = 0x800;
    } else if ((c & 0xf8u) == 0xf0u) {
        n = 4;
        c &= 0x07u;
        min = 0x10000;
    } else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0u) != 0x80u) /* also stops at the NUL */
            return 0;
        c = (c << 6) | (s[i] & 0x3fu);
    }
    if (c < min || c > 0x10ffffu || (c >= 0xd800u && c <= 0xdfffu))
        return 0;
    *cp = c;
    return n;
}

mdc_mdfs_rv mdc_mdfs_cmap_name_set(mdc_cmap_record *r, const char *name)
{
    uint16_t units[NAME_UNITS];
    const unsigned char *s = (const unsigned char *)name;
    size_t n = 0, i;

    if (r == NULL || name == NULL || name[0] == '\0')
        return MDC_MDFS_ERR_ARGS;
    while (*s != 0) {
        uint32_t cp;
        size_t used = utf8_decode(s, &cp);
        if (used == 0 || cp < 0x20 || cp == 0x7f)
            return MDC_MDFS_ERR_ARGS;
        s += used;
        if (cp >= 0x10000) {
            if (n + 2 > MDC_CMAP_NAME_MAX)
                return MDC_MDFS_ERR_ARGS;
            cp -= 0x10000;
            units[n++] = (uint16_t)(0xd800u | (cp >> 10));
            units[n++] = (uint16_t)(0xdc00u | (cp & 0x3ffu));
        } else {
            if (n + 1 > MDC_CMAP_NAME_MAX)
                return MDC_MDFS_ERR_ARGS;
            units[n++] = (uint16_t)cp;
        }
    }
    memset(r->name, 0, sizeof(r->name));
    for (i = 0; i < n; i++)
        mdc_mdfs_put_le16(r->name + 2 * i, units[i]);
    return MDC_MDFS_OK;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0u | (cp >> 6));
        out[1] = (char)(0x80u | (cp & 0x3fu));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0u | (cp >> 12));
        out[1] = (char)(0x80u | ((cp >> 6) & 0x3fu));
        out[2] = (char)(0x80u | (cp & 0x3fu));
        return 3;
    }
    out[0] = (char)(0xf0u | (cp >> 18));
    out[1] = (char)(0x80u | ((cp >> 12) & 0x3fu));
    out[2] = (char)(0x80u | ((cp >> 6) & 0x3fu));
    out[3] = (char)(0x80u | (cp & 0x3fu));
    return 4;
}

mdc_mdfs_rv mdc_mdfs_cmap_name_get(const mdc_cmap_record *r, char *out, size_t out_size)
{
    size_t i = 0, o = 0;

    if (r == NULL || out == NULL || out_size == 0)
        return MDC_MDFS_ERR_ARGS;
    while (i < NAME_UNITS) {
        uint32_t cp = mdc_mdfs_get_le16(r->name + 2 * i);
        char enc[4];
        size_t n;

        if (cp == 0)
            break;
        i++;
        if (cp >= 0xd800u && cp <= 0xdbffu && i < NAME_UNITS) {
            uint32_t lo = mdc_mdfs_get_le16(r->name + 2 * i);
            if (lo >= 0xdc00u && lo <= 0xdfffu) {
                cp = 0x10000u + ((cp - 0xd800u) << 10) + (lo - 0xdc00u);
                i++;
            }
        }
        if (cp >= 0xd800u && cp <= 0xdfffu)
            cp = 0xfffdu;
        n = utf8_encode(cp, enc);
        if (out_size - o <= n) {
            out[o] = '\0';
            return MDC_MDFS_ERR_TOO_LARGE;
        }
        memcpy(out + o, enc, n);
        o += n;
    }
    out[o] = '\0';
    return MDC_MDFS_OK;
}

/* Compares a record's name with UTF-16 units; ASCII letters case-insensitively. */
static bool name_equals(const mdc_cmap_record *r, const uint8_t *units)
{
    size_t i;

    for (i = 0; i < NAME_UNITS; i++) {
        uint16_t a = mdc_mdfs_get_le16(r->name + 2 * i), b = mdc_mdfs_get_le16(units + 2 * i);
        if (a >= 'A' && a <= 'Z')
            a = (uint16_t)(a + ('a' - 'A'));
        if (b >= 'A' && b <= 'Z')
            b = (uint16_t)(b + ('a' - 'A'));
        if (a != b)
            return false;
        if (a == 0)
            return true;
    }
    return true;
}

mdc_mdfs_rv mdc_mdfs_cmap_find_name(const mdc_cmapfile *cm, const char *name, size_t *index)
{
    mdc_cmap_record probe;
    mdc_mdfs_rv rv;
    size_t i;

    if (cm == NULL || index == NULL || (cm->records == NULL && cm->count != 0))
        return MDC_MDFS_ERR_ARGS;
    rv = mdc_mdfs_cmap_name_set(&probe, name);
    if (rv != MDC_MDFS_OK)
        return rv;
    for (i = 0; i < cm->count; i++) {
        if (mdc_mdfs_cmap_is_valid(&cm->records[i]) && name_equals(&cm->records[i], probe.name)) {
            *index = i;
            return MDC_MDFS_OK;
        }
    }
    return MDC_MDFS_ERR_NOT_FOUND;
}
