/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_Login / C_Logout: argument checks here, the login state itself lives in
 * the token (shared by every session of the slot).
 */
#include "pkcs11/p11.h"

#include "token/token.h"

CK_RV mdc_p11_login(CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_ULONG all = 0, rw = 0;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    /* PKCS#11: no SO login while read-only sessions exist (checked before
     * the user type, which the write side brings). */
    if (user == CKU_SO)
        mdc_p11_session_count(s->slot, &all, &rw);
    if (user == CKU_SO && all > rw)
        rv = CKR_SESSION_READ_ONLY_EXISTS;
    else if (pin == NULL) /* a protected authentication path: not offered */
        rv = CKR_ARGUMENTS_BAD;
    else
        rv = mdc_tok_login(mdc_p11_slot_tok(slot), user, pin, len);
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_logout(CK_SESSION_HANDLE h)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_tok_logout(mdc_p11_slot_tok(slot));
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_write_not_supported(CK_SESSION_HANDLE h)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    /* The read side: token objects cannot be changed yet, and never from
     * a read-only session. */
    rv = (s->flags & CKF_RW_SESSION) ? CKR_FUNCTION_NOT_SUPPORTED : CKR_SESSION_READ_ONLY;
    mdc_p11_session_put(slot);
    return rv;
}
