/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_SetPIN, C_InitPIN and C_InitToken: session rules here (read/write
 * session, SO state, no open sessions for C_InitToken); PIN handling and
 * the card work in the token layer.
 */
#include "pkcs11/p11.h"

#include "token/token.h"
#include "util/log.h"

CK_RV mdc_p11_set_pin(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR old_pin, CK_ULONG old_len,
                      CK_UTF8CHAR_PTR new_pin, CK_ULONG new_len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    if (!(s->flags & CKF_RW_SESSION))
        rv = CKR_SESSION_READ_ONLY;
    else
        rv = mdc_tok_set_pin(mdc_p11_slot_tok(slot), old_pin, old_len, new_pin, new_len);
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_init_pin(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pin, CK_ULONG len)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    if (!(s->flags & CKF_RW_SESSION))
        rv = CKR_SESSION_READ_ONLY;
    else if (!mdc_tok_so_logged_in(mdc_p11_slot_tok(slot)))
        rv = CKR_USER_NOT_LOGGED_IN;
    else
        rv = mdc_tok_init_pin(mdc_p11_slot_tok(slot), pin, len);
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_init_token(CK_SLOT_ID id, CK_UTF8CHAR_PTR pin, CK_ULONG len, CK_UTF8CHAR_PTR label)
{
    struct mdc_p11_slot *slot;
    CK_ULONG all = 0, rw = 0;
    CK_RV rv;

    mdc_p11_session_count(id, &all, &rw);
    if (all != 0)
        return CKR_SESSION_EXISTS;
    rv = mdc_p11_slot_lock(id, &slot);
    if (rv != CKR_OK)
        return rv;
    rv = mdc_p11_slot_check_present(slot);
    if (rv == CKR_OK) {
        if (label != NULL)
            MDC_INFO(MDC_CAT_P11, "C_InitToken label ignored: token labels derive from cardid");
        rv = mdc_tok_init_token(mdc_p11_slot_tok(slot), pin, len);
    }
    mdc_p11_slot_unlock(slot);
    return rv;
}
