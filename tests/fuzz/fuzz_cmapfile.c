/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes the cmapfile parser: round trip, names, free record, default, classification. */
#include <string.h>

#include "fuzz.h"
#include "mdfs/cmapfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mdc_cmapfile cm;
    uint8_t *out = NULL;
    size_t out_len, i, idx;
    char name[MDC_CMAP_NAME_UTF8_MAX];

    if (mdc_mdfs_cmap_parse(data, size, &cm) != MDC_MDFS_OK)
        return 0;
    FUZZ_CHECK(mdc_mdfs_cmap_build(&cm, &out, &out_len) == MDC_MDFS_OK);
    FUZZ_CHECK(out_len == size && (size == 0 || memcmp(out, data, size) == 0));
    mdc_mdfs_free(out);
    for (i = 0; i < cm.count; i++) {
        const mdc_cmap_record *r = &cm.records[i];
        FUZZ_CHECK(mdc_mdfs_cmap_name_get(r, name, sizeof(name)) == MDC_MDFS_OK);
        FUZZ_CHECK(!(mdc_mdfs_cmap_is_key(r) && mdc_mdfs_cmap_is_reservation(r)));
        FUZZ_CHECK((mdc_mdfs_cmap_key_spec_of(r) != MDC_CMAP_KEY_NONE) == mdc_mdfs_cmap_is_key(r));
        /* Lookups by a name read back stay in range (names writers refuse are rejected). */
        if (mdc_mdfs_cmap_is_valid(r) && mdc_mdfs_cmap_find_name(&cm, name, &idx) == MDC_MDFS_OK)
            FUZZ_CHECK(idx < cm.count && mdc_mdfs_cmap_is_valid(&cm.records[idx]));
    }
    if (mdc_mdfs_cmap_find_free(&cm, &idx) == MDC_MDFS_OK) {
        mdc_cmap_record r;
        FUZZ_CHECK(idx <= cm.count);
        memset(&r, 0, sizeof(r));
        r.flags = MDC_CMAP_FLAG_VALID;
        r.kx_key_bits = 2048;
        FUZZ_CHECK(mdc_mdfs_cmap_set_record(&cm, idx, &r) == MDC_MDFS_OK);
        FUZZ_CHECK(mdc_mdfs_cmap_set_default(&cm, idx) == MDC_MDFS_OK);
        FUZZ_CHECK(mdc_mdfs_cmap_find_default(&cm, &i) == MDC_MDFS_OK && i == idx);
    } else {
        FUZZ_CHECK(cm.count == MDC_CMAP_MAX_RECORDS);
    }
    mdc_mdfs_cmap_clear(&cm);
    return 0;
}
