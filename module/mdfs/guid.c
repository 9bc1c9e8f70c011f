/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* GUID-style container names from RAND_bytes, checked for uniqueness. */
#include "mdfs/guid.h"

#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

/* Collisions of 122 random bits do not happen; the bound only guards a broken RNG. */
#define MAX_ATTEMPTS 8

void mdc_mdfs_guid_format(const uint8_t rnd[16], char out[MDC_GUID_STR_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    uint8_t b[16];
    size_t i, o = 0;

    memcpy(b, rnd, sizeof(b));
    b[6] = (uint8_t)((b[6] & 0x0fu) | 0x40u); /* version 4: random */
    b[8] = (uint8_t)((b[8] & 0x3fu) | 0x80u); /* RFC 4122 variant */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 0x0fu];
    }
    out[o] = '\0';
}

static bool name_used(const mdc_cmapfile *cm, const char *name)
{
    char cur[MDC_CMAP_NAME_UTF8_MAX];
    size_t i;

    for (i = 0; i < cm->count; i++) {
        if (mdc_mdfs_cmap_name_get(&cm->records[i], cur, sizeof(cur)) == MDC_MDFS_OK &&
            strcasecmp(cur, name) == 0)
            return true;
    }
    return false;
}

mdc_mdfs_rv mdc_mdfs_guid_new_name(const mdc_cmapfile *cm, char out[MDC_GUID_STR_SIZE])
{
    uint8_t rnd[16];
    int attempt;

    if (cm == NULL || out == NULL || (cm->records == NULL && cm->count != 0))
        return MDC_MDFS_ERR_ARGS;
    for (attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        if (RAND_bytes(rnd, (int)sizeof(rnd)) != 1)
            return MDC_MDFS_ERR_CRYPTO;
        mdc_mdfs_guid_format(rnd, out);
        OPENSSL_cleanse(rnd, sizeof(rnd));
        if (!name_used(cm, out))
            return MDC_MDFS_OK;
    }
    out[0] = '\0';
    return MDC_MDFS_ERR_EXISTS;
}
