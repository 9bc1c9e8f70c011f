/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes msroots parsing (compressed or raw PKCS#7); parsed lists re-encode to the same list. */
#include <string.h>

#include "fuzz.h"
#include "mdfs/ids.h"
#include "mdfs/msroots.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    mdc_msroots m, again;
    uint8_t *out = NULL;
    size_t out_len, i;
    uint8_t id[MDC_ID_LEN];

    if (mdc_mdfs_msroots_parse(data, size, &m) != MDC_MDFS_OK) {
        FUZZ_CHECK(m.count == 0 && m.certs == NULL);
        return 0;
    }
    for (i = 0; i < m.count; i++)
        (void)mdc_mdfs_id_from_cert(m.certs[i].der, m.certs[i].len, id);
    /* OpenSSL may re-encode a certificate it accepted loosely; only then may the build fail. */
    if (mdc_mdfs_msroots_build(&m, &out, &out_len) == MDC_MDFS_OK) {
        FUZZ_CHECK(mdc_mdfs_msroots_parse(out, out_len, &again) == MDC_MDFS_OK);
        FUZZ_CHECK(again.count == m.count);
        for (i = 0; i < m.count; i++)
            FUZZ_CHECK(again.certs[i].len == m.certs[i].len &&
                       memcmp(again.certs[i].der, m.certs[i].der, m.certs[i].len) == 0);
        mdc_mdfs_msroots_clear(&again);
        mdc_mdfs_free(out);
    }
    if (m.count > 0)
        FUZZ_CHECK(mdc_mdfs_msroots_remove(&m, m.count - 1) == MDC_MDFS_OK);
    mdc_mdfs_msroots_clear(&m);
    return 0;
}
