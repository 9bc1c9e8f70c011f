/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes the on-disk cache record parser: any input is refused or parsed;
 * a parsed record serializes back to the same bytes. The input is tried as
 * is and with its trailing SHA-256 recomputed, so the fuzzer reaches the
 * field checks behind the digest. */
#include <openssl/evp.h>
#include <string.h>

#include "fuzz.h"
#include "token/disk_record.h"

static void one(const uint8_t *data, size_t size)
{
    struct mdc_disk_record r;
    uint8_t *out = NULL;
    size_t out_len = 0;

    if (mdc_tok_disk_record_parse(data, size, &r) != MDC_MDFS_OK) {
        FUZZ_CHECK(r.count == 0 && r.blobs == NULL);
        return;
    }
    FUZZ_CHECK(mdc_tok_disk_record_build(&r, &out, &out_len) == MDC_MDFS_OK);
    FUZZ_CHECK(out_len == size && memcmp(out, data, size) == 0);
    mdc_mdfs_free(out);
    mdc_tok_disk_record_clear(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy;
    unsigned int n;

    one(data, size);
    if (size < 32 + 20 || size > MDC_DISK_MAX_FILE)
        return 0;
    copy = malloc(size);
    FUZZ_CHECK(copy != NULL);
    memcpy(copy, data, size);
    /* Make the length field and the digest right: the rest is the fuzzer's. */
    mdc_mdfs_put_le32(copy + 16, (uint32_t)size);
    FUZZ_CHECK(EVP_Digest(copy, size - 32, copy + size - 32, &n, EVP_sha256(), NULL) == 1);
    one(copy, size);
    free(copy);
    return 0;
}
