/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_GetMechanismList / C_GetMechanismInfo: the table of mech.h for any
 * valid slot, with the RSA key sizes a GIDS card supports.
 */
#include "pkcs11/p11.h"

#define MIN_RSA_BITS 1024
#define MAX_RSA_BITS 4096

CK_RV mdc_p11_mechanism_list(CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count)
{
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_slot_lock(id, &slot);

    if (rv != CKR_OK)
        return rv;
    mdc_p11_slot_unlock(slot);
    return mdc_p11_mech_list(list, count);
}

CK_RV mdc_p11_mechanism_info(CK_SLOT_ID id, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info)
{
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_slot_lock(id, &slot);

    if (rv != CKR_OK)
        return rv;
    mdc_p11_slot_unlock(slot);
    return mdc_p11_mech_info(type, MIN_RSA_BITS, MAX_RSA_BITS, info);
}
