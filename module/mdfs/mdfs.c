/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Result names and the release function shared by every format unit. */
#include "mdfs/mdfs.h"

#include <stdlib.h>

const char *mdc_mdfs_rv_name(mdc_mdfs_rv rv)
{
    switch (rv) {
    case MDC_MDFS_OK:
        return "MDC_MDFS_OK";
    case MDC_MDFS_ERR_ARGS:
        return "MDC_MDFS_ERR_ARGS";
    case MDC_MDFS_ERR_TRUNCATED:
        return "MDC_MDFS_ERR_TRUNCATED";
    case MDC_MDFS_ERR_RAGGED:
        return "MDC_MDFS_ERR_RAGGED";
    case MDC_MDFS_ERR_VERSION:
        return "MDC_MDFS_ERR_VERSION";
    case MDC_MDFS_ERR_TOO_LARGE:
        return "MDC_MDFS_ERR_TOO_LARGE";
    case MDC_MDFS_ERR_LENGTH_MISMATCH:
        return "MDC_MDFS_ERR_LENGTH_MISMATCH";
    case MDC_MDFS_ERR_NOT_FOUND:
        return "MDC_MDFS_ERR_NOT_FOUND";
    case MDC_MDFS_ERR_EXISTS:
        return "MDC_MDFS_ERR_EXISTS";
    case MDC_MDFS_ERR_FULL:
        return "MDC_MDFS_ERR_FULL";
    case MDC_MDFS_ERR_CORRUPT:
        return "MDC_MDFS_ERR_CORRUPT";
    case MDC_MDFS_ERR_NO_MEMORY:
        return "MDC_MDFS_ERR_NO_MEMORY";
    case MDC_MDFS_ERR_CRYPTO:
        return "MDC_MDFS_ERR_CRYPTO";
    }
    return "MDC_MDFS_ERR_UNKNOWN";
}

void mdc_mdfs_free(void *buf)
{
    free(buf);
}

mdc_mdfs_rv mdc_mdfs_versioned_records(const uint8_t *buf, size_t len, uint8_t version,
                                       size_t record_size, size_t max_records, size_t *count)
{
    if (buf == NULL || len == 0 || record_size == 0 || count == NULL)
        return MDC_MDFS_ERR_ARGS;
    *count = 0;
    if (buf[0] != version)
        return MDC_MDFS_ERR_VERSION;
    if ((len - 1) % record_size != 0)
        return len - 1 < record_size ? MDC_MDFS_ERR_TRUNCATED : MDC_MDFS_ERR_RAGGED;
    if ((len - 1) / record_size > max_records)
        return MDC_MDFS_ERR_TOO_LARGE;
    *count = (len - 1) / record_size;
    return MDC_MDFS_OK;
}
