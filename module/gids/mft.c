/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * GIDS master file table: parse/build, case-insensitive lookup, add, remove,
 * repoint (copy-on-write replacement) and free DO tag allocation.
 */
#include "gids/mft.h"

#include <stdlib.h>
#include <string.h>

mdc_mdfs_rv mdc_gids_mft_parse(const uint8_t *buf, size_t len, mdc_gids_mft *out)
{
    mdc_mdfs_rv rv;
    size_t n, i;

    if (out == NULL || (buf == NULL && len != 0))
        return MDC_MDFS_ERR_ARGS;
    out->records = NULL;
    out->count = 0;
    if (len == 0)
        return MDC_MDFS_ERR_TRUNCATED;
    rv = mdc_mdfs_versioned_records(buf, len, MDC_GIDS_MFT_VERSION, MDC_GIDS_MFT_RECORD_SIZE,
                                    MDC_GIDS_MFT_MAX_RECORDS, &n);
    if (rv != MDC_MDFS_OK)
        return rv;
    if (n == 0)
        return MDC_MDFS_OK;
    out->records = calloc(n, sizeof(*out->records));
    if (out->records == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    for (i = 0; i < n; i++) {
        const uint8_t *p = buf + 1 + i * MDC_GIDS_MFT_RECORD_SIZE;
        mdc_gids_mft_record *r = &out->records[i];
        memcpy(r->dir, p, MDC_GIDS_MFT_NAME_FIELD);
        memcpy(r->file, p + 9, MDC_GIDS_MFT_NAME_FIELD);
        memcpy(r->pad, p + 18, sizeof(r->pad));
        r->tag = mdc_mdfs_get_le32(p + 20);
        r->ef = mdc_mdfs_get_le32(p + 24);
    }
    out->count = n;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_gids_mft_build(const mdc_gids_mft *t, uint8_t **out, size_t *out_len)
{
    uint8_t *buf;
    size_t len, i;

    if (t == NULL || out == NULL || out_len == NULL || (t->records == NULL && t->count != 0))
        return MDC_MDFS_ERR_ARGS;
    *out = NULL;
    *out_len = 0;
    if (t->count > MDC_GIDS_MFT_MAX_RECORDS)
        return MDC_MDFS_ERR_TOO_LARGE;
    len = 1 + t->count * MDC_GIDS_MFT_RECORD_SIZE;
    buf = malloc(len);
    if (buf == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    buf[0] = MDC_GIDS_MFT_VERSION;
    for (i = 0; i < t->count; i++) {
        const mdc_gids_mft_record *r = &t->records[i];
        uint8_t *p = buf + 1 + i * MDC_GIDS_MFT_RECORD_SIZE;
        memcpy(p, r->dir, MDC_GIDS_MFT_NAME_FIELD);
        memcpy(p + 9, r->file, MDC_GIDS_MFT_NAME_FIELD);
        memcpy(p + 18, r->pad, sizeof(r->pad));
        mdc_mdfs_put_le32(p + 20, r->tag);
        mdc_mdfs_put_le32(p + 24, r->ef);
    }
    *out = buf;
    *out_len = len;
    return MDC_MDFS_OK;
}

void mdc_gids_mft_clear(mdc_gids_mft *t)
{
    if (t == NULL)
        return;
    free(t->records);
    t->records = NULL;
    t->count = 0;
}

void mdc_gids_mft_names(const mdc_gids_mft_record *r, char dir[MDC_GIDS_MFT_NAME_FIELD + 1],
                        char file[MDC_GIDS_MFT_NAME_FIELD + 1])
{
    size_t i;

    for (i = 0; i < MDC_GIDS_MFT_NAME_FIELD && r->dir[i] != 0; i++)
        dir[i] = (char)r->dir[i];
    dir[i] = '\0';
    for (i = 0; i < MDC_GIDS_MFT_NAME_FIELD && r->file[i] != 0; i++)
        file[i] = (char)r->file[i];
    file[i] = '\0';
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Field (up to 9 bytes, NUL optional) equals name (NUL-terminated), ignoring ASCII case. */
static int field_equals(const uint8_t field[MDC_GIDS_MFT_NAME_FIELD], const char *name)
{
    size_t i;

    for (i = 0; i < MDC_GIDS_MFT_NAME_FIELD; i++) {
        int a = lower(field[i]);
        int b = lower((unsigned char)name[i]);
        if (a != b)
            return 0;
        if (a == 0)
            return 1;
    }
    return name[MDC_GIDS_MFT_NAME_FIELD] == '\0';
}

/* Length of a name a writer may store (0..8 printable ASCII, no '/'), or -1. */
static int name_len(const char *name)
{
    int n = 0;

    if (name == NULL)
        return 0;
    while (name[n] != '\0') {
        unsigned char c = (unsigned char)name[n];
        if (c <= 0x20 || c >= 0x7f || c == '/' || n == MDC_GIDS_MFT_NAME_MAX)
            return -1;
        n++;
    }
    return n;
}

mdc_mdfs_rv mdc_gids_mft_find(const mdc_gids_mft *t, const char *dir, const char *file,
                              size_t *index)
{
    size_t i;

    if (t == NULL || index == NULL || (t->records == NULL && t->count != 0))
        return MDC_MDFS_ERR_ARGS;
    if (dir == NULL)
        dir = "";
    if (file == NULL)
        file = "";
    /* field_equals may look at name[9]: only when the first 9 matched, i.e. name is that long. */
    for (i = 0; i < t->count; i++) {
        if (field_equals(t->records[i].dir, dir) && field_equals(t->records[i].file, file)) {
            *index = i;
            return MDC_MDFS_OK;
        }
    }
    return MDC_MDFS_ERR_NOT_FOUND;
}

mdc_mdfs_rv mdc_gids_mft_find_location(const mdc_gids_mft *t, uint32_t ef, uint32_t tag,
                                       size_t *index)
{
    size_t i;

    if (t == NULL || index == NULL || (t->records == NULL && t->count != 0))
        return MDC_MDFS_ERR_ARGS;
    for (i = 0; i < t->count; i++) {
        const mdc_gids_mft_record *r = &t->records[i];
        if (r->file[0] != 0 && r->ef == ef && r->tag == tag) {
            *index = i;
            return MDC_MDFS_OK;
        }
    }
    return MDC_MDFS_ERR_NOT_FOUND;
}

bool mdc_gids_mft_location_usable(uint32_t ef, uint32_t tag)
{
    return ef != 0 && ef <= 0xffffu && tag != 0 && tag <= 0xffffu;
}

static mdc_mdfs_rv append(mdc_gids_mft *t, const char *dir, const char *file, uint32_t ef,
                          uint32_t tag)
{
    mdc_gids_mft_record *grown, *r;

    if (t->count >= MDC_GIDS_MFT_MAX_RECORDS)
        return MDC_MDFS_ERR_FULL;
    grown = realloc(t->records, (t->count + 1) * sizeof(*grown));
    if (grown == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    t->records = grown;
    r = &grown[t->count];
    memset(r, 0, sizeof(*r));
    memcpy(r->dir, dir, strlen(dir));
    memcpy(r->file, file, strlen(file));
    r->tag = tag;
    r->ef = ef;
    t->count++;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_gids_mft_add(mdc_gids_mft *t, const char *dir, const char *file, uint32_t ef,
                             uint32_t tag)
{
    size_t idx;

    if (t == NULL || (t->records == NULL && t->count != 0) || name_len(dir) < 0 ||
        name_len(file) <= 0 || !mdc_gids_mft_location_usable(ef, tag))
        return MDC_MDFS_ERR_ARGS;
    if (dir == NULL)
        dir = "";
    if (mdc_gids_mft_find(t, dir, file, &idx) == MDC_MDFS_OK ||
        mdc_gids_mft_find_location(t, ef, tag, &idx) == MDC_MDFS_OK)
        return MDC_MDFS_ERR_EXISTS;
    return append(t, dir, file, ef, tag);
}

mdc_mdfs_rv mdc_gids_mft_remove(mdc_gids_mft *t, const char *dir, const char *file)
{
    size_t idx;
    mdc_mdfs_rv rv;

    if (file == NULL || file[0] == '\0') /* directories are never removed */
        return MDC_MDFS_ERR_ARGS;
    rv = mdc_gids_mft_find(t, dir, file, &idx);
    if (rv != MDC_MDFS_OK)
        return rv;
    memmove(&t->records[idx], &t->records[idx + 1], (t->count - idx - 1) * sizeof(t->records[0]));
    t->count--;
    if (t->count == 0) {
        free(t->records);
        t->records = NULL;
    }
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_gids_mft_repoint(mdc_gids_mft *t, const char *dir, const char *file, uint32_t ef,
                                 uint32_t tag)
{
    size_t idx, other;
    mdc_mdfs_rv rv;

    if (file == NULL || file[0] == '\0' || !mdc_gids_mft_location_usable(ef, tag))
        return MDC_MDFS_ERR_ARGS;
    rv = mdc_gids_mft_find(t, dir, file, &idx);
    if (rv != MDC_MDFS_OK)
        return rv;
    if (mdc_gids_mft_find_location(t, ef, tag, &other) == MDC_MDFS_OK && other != idx)
        return MDC_MDFS_ERR_EXISTS;
    t->records[idx].ef = ef;
    t->records[idx].tag = tag;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_gids_mft_free_tag(const mdc_gids_mft *t, uint32_t ef, uint32_t *tag)
{
    uint32_t cand;
    size_t i;

    if (t == NULL || tag == NULL || (t->records == NULL && t->count != 0))
        return MDC_MDFS_ERR_ARGS;
    for (cand = MDC_GIDS_TAG_FIRST_FREE; cand <= MDC_GIDS_TAG_LAST; cand++) {
        int used = 0;
        for (i = 0; i < t->count && !used; i++)
            used = t->records[i].ef == ef && t->records[i].tag == cand;
        if (!used) {
            *tag = cand;
            return MDC_MDFS_OK;
        }
    }
    return MDC_MDFS_ERR_FULL;
}

mdc_mdfs_rv mdc_gids_mft_initial(mdc_gids_mft *out)
{
    static const struct {
        const char *dir, *file;
        uint32_t tag, ef;
    } init[] = {
        {"mscp", "", 0x0000, 0xA000},         {"", "cardid", 0xDF20, 0xA012},
        {"", "cardapps", 0xDF21, 0xA010},     {"", "cardcf", 0xDF22, 0xA010},
        {"mscp", "cmapfile", 0xDF23, 0xA010},
    };
    size_t i;
    mdc_mdfs_rv rv;

    if (out == NULL)
        return MDC_MDFS_ERR_ARGS;
    out->records = NULL;
    out->count = 0;
    for (i = 0; i < sizeof(init) / sizeof(init[0]); i++) {
        rv = append(out, init[i].dir, init[i].file, init[i].ef, init[i].tag);
        if (rv != MDC_MDFS_OK) {
            mdc_gids_mft_clear(out);
            return rv;
        }
    }
    return MDC_MDFS_OK;
}
