/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes certificate file name parsing and resolution; formatted names must read back. */
#include <stdbool.h>
#include <string.h>

#include "fuzz.h"
#include "mdfs/certfile.h"
#include "mdfs/cmapfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mdc_certname n;
    bool valid[MDC_CMAP_MAX_RECORDS];
    unsigned idx, i;
    char s[MDC_CERTNAME_SIZE];
    mdc_certname back;

    if (mdc_mdfs_certname_parse((const char *)data, size, &n) != MDC_MDFS_OK)
        return 0;
    FUZZ_CHECK(n.hex_index < MDC_CMAP_MAX_RECORDS && n.dec_index < MDC_CMAP_MAX_RECORDS);
    FUZZ_CHECK(n.hex_index >= 0 || n.dec_index >= 0);
    for (i = 0; i < MDC_CMAP_MAX_RECORDS; i++)
        valid[i] = true;
    FUZZ_CHECK(mdc_mdfs_certname_resolve(&n, valid, MDC_CMAP_MAX_RECORDS, &idx) == MDC_MDFS_OK);
    FUZZ_CHECK((int)idx == (n.hex_index >= 0 ? n.hex_index : n.dec_index));
    FUZZ_CHECK(mdc_mdfs_certname_format(n.kind, idx, s) == MDC_MDFS_OK);
    FUZZ_CHECK(mdc_mdfs_certname_parse(s, strlen(s), &back) == MDC_MDFS_OK);
    FUZZ_CHECK(back.kind == n.kind && back.hex_index == (int)idx);
    return 0;
}
