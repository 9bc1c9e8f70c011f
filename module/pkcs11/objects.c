/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Object entry points: C_FindObjectsInit/C_FindObjects/C_FindObjectsFinal
 * (the match list is taken at init, on a freshly validated card state),
 * C_GetAttributeValue and C_GetObjectSize (from the token's cache).
 */
#include "pkcs11/p11.h"

#include "token/token.h"

#include <stdlib.h>

CK_RV mdc_p11_find_init(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_OBJECT_HANDLE *found = NULL;
    size_t count = 0;
    CK_RV rv;

    if (tmpl == NULL && n != 0)
        return CKR_ARGUMENTS_BAD;
    rv = mdc_p11_session_get(h, &s, &slot);
    if (rv != CKR_OK)
        return rv;
    if (s->finding) {
        mdc_p11_session_put(slot);
        return CKR_OPERATION_ACTIVE;
    }
    rv = mdc_tok_find(mdc_p11_slot_tok(slot), tmpl, n, &found, &count);
    if (rv == CKR_OK) {
        s->finding = true;
        s->found = found;
        s->found_count = count;
        s->found_pos = 0;
    }
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_find(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR n)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);
    CK_ULONG k = 0;

    if (rv != CKR_OK)
        return rv;
    if (!s->finding) {
        mdc_p11_session_put(slot);
        return CKR_OPERATION_NOT_INITIALIZED;
    }
    while (k < max && s->found_pos < s->found_count)
        out[k++] = s->found[s->found_pos++];
    *n = k;
    mdc_p11_session_put(slot);
    return CKR_OK;
}

CK_RV mdc_p11_find_final(CK_SESSION_HANDLE h)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    if (!s->finding) {
        rv = CKR_OPERATION_NOT_INITIALIZED;
    } else {
        free(s->found);
        s->found = NULL;
        s->found_count = s->found_pos = 0;
        s->finding = false;
    }
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_get_attributes(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR tmpl,
                             CK_ULONG n)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_tok_get_attributes(mdc_p11_slot_tok(slot), o, tmpl, n);
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_object_size(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ULONG_PTR size)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_tok_object_size(mdc_p11_slot_tok(slot), o, size);
    mdc_p11_session_put(slot);
    return rv;
}
