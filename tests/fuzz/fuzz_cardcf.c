/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes cardcf parse, bump and diff: a bump changes exactly the selected counters. */
#include <string.h>

#include "fuzz.h"
#include "mdfs/cardcf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mdc_cardcf a, b;
    uint8_t *out;
    unsigned which;

    if (mdc_mdfs_cardcf_parse(data, size, &a) != MDC_MDFS_OK)
        return 0;
    out = malloc(size);
    FUZZ_CHECK(out != NULL);
    which = data[size - 1] & MDC_CARDCF_ALL;
    FUZZ_CHECK(mdc_mdfs_cardcf_bump(data, size, which, out) == MDC_MDFS_OK);
    FUZZ_CHECK(mdc_mdfs_cardcf_parse(out, size, &b) == MDC_MDFS_OK);
    FUZZ_CHECK(out[0] == data[0]);
    FUZZ_CHECK(memcmp(out + 6, data + 6, size - 6) == 0);
    FUZZ_CHECK(mdc_mdfs_cardcf_diff(&a, &b) == which);
    FUZZ_CHECK(mdc_mdfs_cardcf_diff_raw(data, size, out, size) == which);
    free(out);
    return 0;
}
