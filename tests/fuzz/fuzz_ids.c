/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Fuzzes CKA_ID derivation from certificates, SubjectPublicKeyInfo and raw moduli. */
#include "fuzz.h"
#include "mdfs/ids.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t id[MDC_ID_LEN];
    char serial[MDC_SERIAL_SIZE];

    if (data == NULL)
        return 0;
    (void)mdc_mdfs_id_from_cert(data, size, id);
    (void)mdc_mdfs_id_from_spki(data, size, id);
    (void)mdc_mdfs_id_from_modulus(data, size, id);
    if (mdc_mdfs_cardid_serial(data, size, serial) == MDC_MDFS_OK)
        FUZZ_CHECK(size == MDC_CARDID_LEN && serial[MDC_SERIAL_LEN] == '\0');
    return 0;
}
