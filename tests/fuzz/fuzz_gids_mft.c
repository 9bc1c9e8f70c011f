/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes the GIDS master file table: round trip, lookups, add/repoint/remove, tag allocation. */
#include <string.h>

#include "fuzz.h"
#include "gids/mft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mdc_gids_mft t;
    uint8_t *out = NULL;
    size_t out_len, i, idx, before;
    uint32_t tag, tag2;
    char dir[MDC_GIDS_MFT_NAME_FIELD + 1], file[MDC_GIDS_MFT_NAME_FIELD + 1];

    if (mdc_gids_mft_parse(data, size, &t) != MDC_MDFS_OK)
        return 0;
    FUZZ_CHECK(mdc_gids_mft_build(&t, &out, &out_len) == MDC_MDFS_OK);
    FUZZ_CHECK(out_len == size && memcmp(out, data, size) == 0);
    mdc_mdfs_free(out);
    for (i = 0; i < t.count; i++) {
        mdc_gids_mft_names(&t.records[i], dir, file);
        FUZZ_CHECK(strlen(dir) <= MDC_GIDS_MFT_NAME_FIELD &&
                   strlen(file) <= MDC_GIDS_MFT_NAME_FIELD);
        /* Every record is found by its own names (maybe as an earlier duplicate). */
        FUZZ_CHECK(mdc_gids_mft_find(&t, dir, file, &idx) == MDC_MDFS_OK && idx <= i);
    }
    before = t.count;
    if (mdc_gids_mft_free_tag(&t, MDC_GIDS_EF_USER, &tag) == MDC_MDFS_OK &&
        mdc_gids_mft_find(&t, "mscp", "fz00", &idx) == MDC_MDFS_ERR_NOT_FOUND &&
        t.count < MDC_GIDS_MFT_MAX_RECORDS) {
        FUZZ_CHECK(tag >= MDC_GIDS_TAG_FIRST_FREE && tag <= MDC_GIDS_TAG_LAST);
        FUZZ_CHECK(mdc_gids_mft_add(&t, "mscp", "fz00", MDC_GIDS_EF_USER, tag) == MDC_MDFS_OK);
        if (mdc_gids_mft_free_tag(&t, MDC_GIDS_EF_USER, &tag2) == MDC_MDFS_OK) {
            FUZZ_CHECK(tag2 != tag);
            FUZZ_CHECK(mdc_gids_mft_repoint(&t, "MSCP", "FZ00", MDC_GIDS_EF_USER, tag2) ==
                       MDC_MDFS_OK);
        }
        FUZZ_CHECK(mdc_gids_mft_remove(&t, "mscp", "fz00") == MDC_MDFS_OK);
        FUZZ_CHECK(t.count == before);
    }
    mdc_gids_mft_clear(&t);
    return 0;
}
