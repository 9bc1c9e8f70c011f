/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_WaitForSlotEvent: card insertion and removal and new readers, found by
 * polling the reader list (no PC/SC call blocks, so C_Finalize can wake
 * the waiter within one poll interval; it then returns
 * CKR_CRYPTOKI_NOT_INITIALIZED).
 */
#include "pkcs11/p11.h"

#include <time.h>

#define POLL_MS 100

CK_RV mdc_p11_wait_for_slot_event(CK_FLAGS flags, CK_SLOT_ID_PTR slot)
{
    const struct timespec pause = {0, POLL_MS * 1000000L};
    CK_RV rv;

    if (!mdc_p11_wait_enter())
        return CKR_CRYPTOKI_NOT_INITIALIZED;
    for (;;) {
        if (mdc_p11_wait_cancelled()) {
            rv = CKR_CRYPTOKI_NOT_INITIALIZED;
            break;
        }
        rv = mdc_p11_slot_event(slot);
        if (rv != CKR_NO_EVENT || (flags & CKF_DONT_BLOCK))
            break;
        nanosleep(&pause, NULL);
    }
    mdc_p11_wait_leave();
    return rv;
}
