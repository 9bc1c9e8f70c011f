/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes certificate file decoding (compressed or raw DER); what decodes must re-encode and decode
 * back. */
#include <string.h>

#include "fuzz.h"
#include "mdfs/certfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *der = NULL, *file = NULL, *back = NULL;
    size_t der_len, file_len, back_len, tlv;

    if (mdc_mdfs_der_tlv_len(data, size, &tlv) == MDC_MDFS_OK)
        FUZZ_CHECK(tlv <= size);
    if (mdc_mdfs_cert_decode(data, size, &der, &der_len) != MDC_MDFS_OK) {
        FUZZ_CHECK(der == NULL);
        return 0;
    }
    FUZZ_CHECK(der_len > 0 && der_len <= MDC_CERT_MAX_DER && der[0] == 0x30);
    if (mdc_mdfs_is_compressed(data, size))
        FUZZ_CHECK(der_len == (size_t)(data[2] | (data[3] << 8)));
    else
        FUZZ_CHECK(der_len <= size && memcmp(der, data, der_len) == 0);
    FUZZ_CHECK(mdc_mdfs_cert_encode(der, der_len, &file, &file_len) == MDC_MDFS_OK);
    FUZZ_CHECK(mdc_mdfs_cert_decode(file, file_len, &back, &back_len) == MDC_MDFS_OK);
    FUZZ_CHECK(back_len == der_len && memcmp(back, der, der_len) == 0);
    mdc_mdfs_free(back);
    mdc_mdfs_free(file);
    mdc_mdfs_free(der);
    return 0;
}
