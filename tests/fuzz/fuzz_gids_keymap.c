/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes the GIDS keymap: round trip, key reference allocation, set/release. */
#include <string.h>

#include "fuzz.h"
#include "gids/keymap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mdc_gids_keymap km;
    uint8_t *out = NULL;
    size_t out_len, idx;
    uint8_t kid;

    if (mdc_gids_keymap_parse(data, size, &km) != MDC_MDFS_OK)
        return 0;
    FUZZ_CHECK(mdc_gids_keymap_build(&km, &out, &out_len) == MDC_MDFS_OK);
    if (size > 0)
        FUZZ_CHECK(out_len == size && memcmp(out, data, size) == 0);
    else
        FUZZ_CHECK(out_len == 1 && out[0] == MDC_GIDS_KEYMAP_VERSION);
    mdc_mdfs_free(out);
    if (mdc_gids_keymap_free_kid(&km, &kid) == MDC_MDFS_OK) {
        FUZZ_CHECK(kid >= MDC_GIDS_KID_FIRST);
        FUZZ_CHECK(mdc_gids_keymap_find_kid(&km, kid, &idx) == MDC_MDFS_ERR_NOT_FOUND);
        FUZZ_CHECK(mdc_gids_keymap_set_key(&km, (size_t)(kid - MDC_GIDS_KID_FIRST), 7,
                                           MDC_GIDS_KEY_TYPE_EXCHANGE) == MDC_MDFS_OK);
        FUZZ_CHECK(mdc_gids_keymap_find_kid(&km, kid, &idx) == MDC_MDFS_OK);
        FUZZ_CHECK(mdc_gids_keymap_release(&km, (size_t)(kid - MDC_GIDS_KID_FIRST)) == MDC_MDFS_OK);
    }
    mdc_gids_keymap_clear(&km);
    return 0;
}
