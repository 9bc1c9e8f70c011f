/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cardapps: parse, build, lookup and append of application names. */
#include "mdfs/cardapps.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(mdc_cardapp) == MDC_CARDAPPS_NAME_LEN, "records are copied as one block");

mdc_mdfs_rv mdc_mdfs_cardapps_parse(const uint8_t *buf, size_t len, mdc_cardapps *out)
{
    size_t n;

    if (out == NULL || (buf == NULL && len != 0))
        return MDC_MDFS_ERR_ARGS;
    out->apps = NULL;
    out->count = 0;
    if (len % MDC_CARDAPPS_NAME_LEN != 0)
        return len < MDC_CARDAPPS_NAME_LEN ? MDC_MDFS_ERR_TRUNCATED : MDC_MDFS_ERR_RAGGED;
    n = len / MDC_CARDAPPS_NAME_LEN;
    if (n > MDC_CARDAPPS_MAX)
        return MDC_MDFS_ERR_TOO_LARGE;
    if (n == 0)
        return MDC_MDFS_OK;
    out->apps = malloc(n * sizeof(*out->apps));
    if (out->apps == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    memcpy(out->apps, buf, len); /* mdc_cardapp is exactly 8 bytes of uint8_t */
    out->count = n;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_cardapps_build(const mdc_cardapps *ca, uint8_t **out, size_t *out_len)
{
    uint8_t *buf;
    size_t i;

    if (ca == NULL || out == NULL || out_len == NULL || (ca->apps == NULL && ca->count != 0))
        return MDC_MDFS_ERR_ARGS;
    *out = NULL;
    *out_len = 0;
    if (ca->count > MDC_CARDAPPS_MAX)
        return MDC_MDFS_ERR_TOO_LARGE;
    if (ca->count == 0)
        return MDC_MDFS_OK;
    buf = malloc(ca->count * MDC_CARDAPPS_NAME_LEN);
    if (buf == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    for (i = 0; i < ca->count; i++)
        memcpy(buf + i * MDC_CARDAPPS_NAME_LEN, ca->apps[i].name, MDC_CARDAPPS_NAME_LEN);
    *out = buf;
    *out_len = ca->count * MDC_CARDAPPS_NAME_LEN;
    return MDC_MDFS_OK;
}

void mdc_mdfs_cardapps_clear(mdc_cardapps *ca)
{
    if (ca == NULL)
        return;
    free(ca->apps);
    ca->apps = NULL;
    ca->count = 0;
}

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* Validates a name and returns its length, 0 when unusable. */
static size_t name_len(const char *name)
{
    size_t n = 0;

    if (name == NULL)
        return 0;
    while (name[n] != '\0') {
        unsigned char c = (unsigned char)name[n];
        if (c <= 0x20 || c >= 0x7f || n == MDC_CARDAPPS_NAME_LEN)
            return 0;
        n++;
    }
    return n;
}

static int name_equals(const mdc_cardapp *app, const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < MDC_CARDAPPS_NAME_LEN; i++) {
        int want = i < n ? lower((unsigned char)name[i]) : 0;
        if (lower(app->name[i]) != want)
            return 0;
        if (want == 0)
            return 1;
    }
    return 1;
}

mdc_mdfs_rv mdc_mdfs_cardapps_find(const mdc_cardapps *ca, const char *name, size_t *index)
{
    size_t n = name_len(name), i;

    if (ca == NULL || index == NULL || n == 0 || (ca->apps == NULL && ca->count != 0))
        return MDC_MDFS_ERR_ARGS;
    for (i = 0; i < ca->count; i++) {
        if (name_equals(&ca->apps[i], name, n)) {
            *index = i;
            return MDC_MDFS_OK;
        }
    }
    return MDC_MDFS_ERR_NOT_FOUND;
}

mdc_mdfs_rv mdc_mdfs_cardapps_add(mdc_cardapps *ca, const char *name)
{
    size_t n = name_len(name), idx;
    mdc_cardapp *grown;

    if (ca == NULL || n == 0)
        return MDC_MDFS_ERR_ARGS;
    if (mdc_mdfs_cardapps_find(ca, name, &idx) == MDC_MDFS_OK)
        return MDC_MDFS_ERR_EXISTS;
    if (ca->count >= MDC_CARDAPPS_MAX)
        return MDC_MDFS_ERR_FULL;
    grown = realloc(ca->apps, (ca->count + 1) * sizeof(*grown));
    if (grown == NULL)
        return MDC_MDFS_ERR_NO_MEMORY;
    ca->apps = grown;
    memset(grown[ca->count].name, 0, MDC_CARDAPPS_NAME_LEN);
    memcpy(grown[ca->count].name, name, n);
    ca->count++;
    return MDC_MDFS_OK;
}

mdc_mdfs_rv mdc_mdfs_cardapps_standard(uint8_t **out, size_t *out_len)
{
    mdc_cardapps ca = {NULL, 0};
    mdc_mdfs_rv rv;

    rv = mdc_mdfs_cardapps_add(&ca, "mscp");
    if (rv == MDC_MDFS_OK)
        rv = mdc_mdfs_cardapps_build(&ca, out, out_len);
    mdc_mdfs_cardapps_clear(&ca);
    return rv;
}
