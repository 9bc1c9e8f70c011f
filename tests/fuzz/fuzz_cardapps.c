/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes the cardapps parser: round trip and lookups. */
#include <string.h>

#include "fuzz.h"
#include "mdfs/cardapps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mdc_cardapps ca;
    uint8_t *out = NULL;
    size_t out_len, idx;

    if (mdc_mdfs_cardapps_parse(data, size, &ca) != MDC_MDFS_OK)
        return 0;
    FUZZ_CHECK(mdc_mdfs_cardapps_build(&ca, &out, &out_len) == MDC_MDFS_OK);
    FUZZ_CHECK(out_len == size && (size == 0 || memcmp(out, data, size) == 0));
    mdc_mdfs_free(out);
    if (mdc_mdfs_cardapps_find(&ca, "mscp", &idx) == MDC_MDFS_OK)
        FUZZ_CHECK(idx < ca.count && mdc_mdfs_cardapps_add(&ca, "MSCP") == MDC_MDFS_ERR_EXISTS);
    else if (ca.count < MDC_CARDAPPS_MAX)
        FUZZ_CHECK(mdc_mdfs_cardapps_add(&ca, "mscp") == MDC_MDFS_OK);
    mdc_mdfs_cardapps_clear(&ca);
    return 0;
}
