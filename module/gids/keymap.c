/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GIDS keymap: parse/build, set and release records, key reference allocation. */
#include "gids/keymap.h"

#include <stdlib.h>
#include <string.h>

mdc_mdfs_rv mdc_gids_keymap_parse(const uint8_t *buf, size_t len, mdc_gids_keymap *out)
{
    mdc_mdfs_rv rv;
    size_t n, i;

    if (out == NULL || (buf == NULL && len != 0))
        return MDC_MDFS_ERR_ARGS;
    out->records = NULL;
    out->count = 0;
    if (len == 0)
        return MDC_MDFS_OK;
    rv = mdc_mdfs_versioned_records(buf, len, MDC_GIDS_KEYMAP_VERSION, MDC_GIDS_KEYMAP_RECORD_SIZE,
                                    MDC_GIDS_KEYMAP_MAX_RECORDS, &n);
    if (rv != MDC_MDFS_OK)
        return rv;
    if (n == 0)
        return MDC_MDFS_OK;
    out->records = calloc(n, sizeof(*out->records));
    if (out->records == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    for (i = 0; i < n; i++) {
        const uint8_t *p = buf + 1 + i * MDC_GIDS_KEYMAP_RECORD_SIZE;
        mdc_gids_keymap_record *r = &out->records[i];
        r->state = mdc_mdfs_get_le32(p);
        r->alg = p[4];
        r->key_type = p[5];
        r->key_fid = mdc_mdfs_get_le16(p + 6);
        r->unknown = mdc_mdfs_get_le16(p + 8);
        r->pad = mdc_mdfs_get_le16(p + 10);
    }
    out->count = n;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_gids_keymap_build(const mdc_gids_keymap *km, uint8_t **out, size_t *out_len)
{
    uint8_t *buf;
    size_t len, i;

    if (km == NULL || out == NULL || out_len == NULL || (km->records == NULL && km->count != 0))
        return MDC_MDFS_ERR_ARGS;
    *out = NULL;
    *out_len = 0;
    if (km->count > MDC_GIDS_KEYMAP_MAX_RECORDS)
        return MDC_MDFS_ERR_TOO_LARGE;
    len = 1 + km->count * MDC_GIDS_KEYMAP_RECORD_SIZE;
    buf = malloc(len);
    if (buf == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    buf[0] = MDC_GIDS_KEYMAP_VERSION;
    for (i = 0; i < km->count; i++) {
        const mdc_gids_keymap_record *r = &km->records[i];
        uint8_t *p = buf + 1 + i * MDC_GIDS_KEYMAP_RECORD_SIZE;
        mdc_mdfs_put_le32(p, r->state);
        p[4] = r->alg;
        p[5] = r->key_type;
        mdc_mdfs_put_le16(p + 6, r->key_fid);
        mdc_mdfs_put_le16(p + 8, r->unknown);
        mdc_mdfs_put_le16(p + 10, r->pad);
    }
    *out = buf;
    *out_len = len;
    return MDC_MDFS_OK;
}

void mdc_gids_keymap_clear(mdc_gids_keymap *km)
{
    if (km == NULL)
        return;
    free(km->records);
    km->records = NULL;
    km->count = 0;
}

bool mdc_gids_keymap_in_use(const mdc_gids_keymap_record *r)
{
    return r != NULL && r->state != 0;
}

static void set_released(mdc_gids_keymap_record *r)
{
    r->state = 0;
    r->alg = 0;
    r->key_type = 0;
    r->key_fid = 0xffffu;
    r->unknown = 0xffffu;
    r->pad = 0;
}

mdc_mdfs_rv mdc_gids_keymap_resize(mdc_gids_keymap *km, size_t count)
{
    mdc_gids_keymap_record *grown;
    size_t i;

    if (km == NULL || (km->records == NULL && km->count != 0))
        return MDC_MDFS_ERR_ARGS;
    if (count > MDC_GIDS_KEYMAP_MAX_RECORDS)
        return MDC_MDFS_ERR_FULL;
    if (count == 0) {
        mdc_gids_keymap_clear(km);
        return MDC_MDFS_OK;
    }
    if (count <= km->count) {
        km->count = count;
        return MDC_MDFS_OK;
    }
    grown = realloc(km->records, count * sizeof(*grown));
    if (grown == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    for (i = km->count; i < count; i++)
        set_released(&grown[i]);
    km->records = grown;
    km->count = count;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_gids_keymap_set_key(mdc_gids_keymap *km, size_t index, uint8_t alg,
                                    uint8_t key_type)
{
    mdc_gids_keymap_record *r;
    mdc_mdfs_rv rv;

    if (km == NULL ||
        (key_type != MDC_GIDS_KEY_TYPE_EXCHANGE && key_type != MDC_GIDS_KEY_TYPE_SIGNATURE))
        return MDC_MDFS_ERR_ARGS;
    if (index >= MDC_GIDS_KEYMAP_MAX_RECORDS)
        return MDC_MDFS_ERR_FULL;
    if (index >= km->count) {
        rv = mdc_gids_keymap_resize(km, index + 1);
        if (rv != MDC_MDFS_OK)
            return rv;
    }
    r = &km->records[index];
    r->state = 1;
    r->alg = alg;
    r->key_type = key_type;
    r->key_fid = (uint16_t)(0xB000u | (MDC_GIDS_KID_FIRST + index));
    r->unknown = 0xffffu;
    r->pad = 0;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_gids_keymap_release(mdc_gids_keymap *km, size_t index)
{
    if (km == NULL || index >= km->count)
        return MDC_MDFS_ERR_ARGS;
    set_released(&km->records[index]);
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_gids_keymap_find_kid(const mdc_gids_keymap *km, uint8_t kid, size_t *index)
{
    size_t i;

    if (km == NULL || index == NULL || (km->records == NULL && km->count != 0))
        return MDC_MDFS_ERR_ARGS;
    for (i = 0; i < km->count; i++) {
        if (mdc_gids_keymap_in_use(&km->records[i]) &&
            km->records[i].key_fid == (uint16_t)(0xB000u | kid)) {
            *index = i;
            return MDC_MDFS_OK;
        }
    }
    return MDC_MDFS_ERR_NOT_FOUND;
}

mdc_mdfs_rv mdc_gids_keymap_free_kid(const mdc_gids_keymap *km, uint8_t *kid)
{
    size_t i, other;

    if (km == NULL || kid == NULL || (km->records == NULL && km->count != 0))
        return MDC_MDFS_ERR_ARGS;
    for (i = 0; i < MDC_GIDS_KEYMAP_MAX_RECORDS; i++) {
        uint8_t cand = (uint8_t)(MDC_GIDS_KID_FIRST + i);
        if (i < km->count && mdc_gids_keymap_in_use(&km->records[i]))
            continue;
        if (mdc_gids_keymap_find_kid(km, cand, &other) == MDC_MDFS_OK)
            continue;
        *kid = cand;
        return MDC_MDFS_OK;
    }
    return MDC_MDFS_ERR_FULL;
}
