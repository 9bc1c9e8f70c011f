/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Session table: C_OpenSession/C_CloseSession/C_CloseAllSessions/
 * C_GetSessionInfo, and the lookup every session entry point starts with
 * (find the session, lock its slot, drop it when its card went away).
 * Lock order: slot lock, then the session table lock.
 */
#include "pkcs11/p11.h"

#include "token/token.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SESSIONS 4096

static struct {
    struct mdc_p11_mutex *lock;
    struct mdc_p11_session **items;
    size_t count, cap;
    CK_SESSION_HANDLE next;
} sessions;

void mdc_p11_op_end(struct mdc_p11_op *op)
{
    mdc_p11_digest_free(op->digest);
    EVP_PKEY_free(op->pub);
    if (op->label != NULL) {
        OPENSSL_cleanse(op->label, op->params.label_len);
        free(op->label);
    }
    mdc_buf_free(&op->data);
    mdc_buf_free(&op->result);
    memset(op, 0, sizeof(*op));
}

static void session_free(struct mdc_p11_session *s)
{
    if (s == NULL)
        return;
    free(s->found);
    mdc_p11_op_end(&s->sign);
    mdc_p11_op_end(&s->verify);
    mdc_p11_op_end(&s->encrypt);
    mdc_p11_op_end(&s->decrypt);
    mdc_p11_op_end(&s->digest);
    free(s);
}

CK_RV mdc_p11_sessions_init(void)
{
    memset(&sessions, 0, sizeof(sessions));
    sessions.next = 1;
    return mdc_p11_mutex_new(&sessions.lock);
}

void mdc_p11_sessions_fini(bool abandon)
{
    for (size_t i = 0; i < sessions.count; i++)
        session_free(sessions.items[i]);
    free(sessions.items);
    if (!abandon)
        mdc_p11_mutex_free(sessions.lock);
    memset(&sessions, 0, sizeof(sessions));
}

/* Table lock held. */
static size_t find_index(CK_SESSION_HANDLE h)
{
    for (size_t i = 0; i < sessions.count; i++)
        if (sessions.items[i]->handle == h)
            return i;
    return SIZE_MAX;
}

/* Table lock held. */
static void remove_index(size_t i)
{
    session_free(sessions.items[i]);
    sessions.items[i] = sessions.items[--sessions.count];
}

/* Slot lock held. */
static bool slot_has_sessions(CK_SLOT_ID id)
{
    bool any = false;

    if (mdc_p11_mutex_lock(sessions.lock) != CKR_OK)
        return true;
    for (size_t i = 0; i < sessions.count && !any; i++)
        any = sessions.items[i]->slot == id;
    mdc_p11_mutex_unlock(sessions.lock);
    return any;
}

CK_RV mdc_p11_open_session(CK_SLOT_ID id, CK_FLAGS flags, CK_SESSION_HANDLE_PTR out)
{
    struct mdc_p11_slot *slot;
    struct mdc_p11_session *s;
    CK_RV rv;

    if (!(flags & CKF_SERIAL_SESSION))
        return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
    rv = mdc_p11_slot_lock(id, &slot);
    if (rv != CKR_OK)
        return rv;
    rv = mdc_p11_slot_check_present(slot);
    if (rv != CKR_OK) {
        mdc_p11_slot_unlock(slot);
        return rv;
    }
    s = calloc(1, sizeof(*s));
    if (s == NULL) {
        mdc_p11_slot_unlock(slot);
        return CKR_HOST_MEMORY;
    }
    s->slot = id;
    s->flags = flags & (CKF_SERIAL_SESSION | CKF_RW_SESSION);
    s->gen = mdc_tok_generation(mdc_p11_slot_tok(slot));
    rv = mdc_p11_mutex_lock(sessions.lock);
    if (rv == CKR_OK) {
        if (sessions.count >= MAX_SESSIONS) {
            rv = CKR_SESSION_COUNT;
        } else if (sessions.count == sessions.cap) {
            size_t cap = sessions.cap ? 2 * sessions.cap : 16;
            struct mdc_p11_session **items = realloc(sessions.items, cap * sizeof(*items));

            if (items == NULL) {
                rv = CKR_HOST_MEMORY;
            } else {
                sessions.items = items;
                sessions.cap = cap;
            }
        }
        if (rv == CKR_OK) {
            s->handle = sessions.next++;
            if (sessions.next == CK_INVALID_HANDLE)
                sessions.next = 1;
            sessions.items[sessions.count++] = s;
            *out = s->handle;
            s = NULL;
        }
        mdc_p11_mutex_unlock(sessions.lock);
    }
    free(s);
    mdc_p11_slot_unlock(slot);
    return rv;
}

CK_RV mdc_p11_session_get(CK_SESSION_HANDLE h, struct mdc_p11_session **out,
                          struct mdc_p11_slot **slot_out)
{
    struct mdc_p11_slot *slot = NULL;
    CK_SLOT_ID id;
    size_t i;
    CK_RV rv = mdc_p11_mutex_lock(sessions.lock);

    if (rv != CKR_OK)
        return rv;
    i = find_index(h);
    if (i == SIZE_MAX) {
        mdc_p11_mutex_unlock(sessions.lock);
        return CKR_SESSION_HANDLE_INVALID;
    }
    id = sessions.items[i]->slot;
    mdc_p11_mutex_unlock(sessions.lock);

    rv = mdc_p11_slot_lock(id, &slot);
    if (rv != CKR_OK && rv != CKR_SLOT_ID_INVALID)
        return rv;
    if (mdc_p11_mutex_lock(sessions.lock) != CKR_OK) {
        mdc_p11_slot_unlock(slot);
        return CKR_CANT_LOCK;
    }
    i = find_index(h);
    if (i == SIZE_MAX) {
        rv = CKR_SESSION_HANDLE_INVALID;
    } else if (slot == NULL ||
               sessions.items[i]->gen != mdc_tok_generation(mdc_p11_slot_tok(slot))) {
        /* The reader or the card went away: the session went with it. */
        MDC_DEBUG(MDC_CAT_P11, "session %lu closed: card or reader gone", (unsigned long)h);
        remove_index(i);
        rv = CKR_SESSION_HANDLE_INVALID;
    } else {
        *out = sessions.items[i];
        *slot_out = slot;
        rv = CKR_OK;
    }
    mdc_p11_mutex_unlock(sessions.lock);
    if (rv != CKR_OK && slot != NULL)
        mdc_p11_slot_unlock(slot);
    return rv;
}

void mdc_p11_session_put(struct mdc_p11_slot *slot)
{
    mdc_p11_slot_unlock(slot);
}

CK_RV mdc_p11_close_session(CK_SESSION_HANDLE h)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    CK_SLOT_ID id;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    id = s->slot;
    rv = mdc_p11_mutex_lock(sessions.lock);
    if (rv == CKR_OK) {
        size_t i = find_index(h);

        if (i != SIZE_MAX)
            remove_index(i);
        mdc_p11_mutex_unlock(sessions.lock);
    }
    /* PKCS#11: closing the last session of a slot logs the user out. */
    if (rv == CKR_OK && !slot_has_sessions(id))
        mdc_tok_forget_login(mdc_p11_slot_tok(slot));
    mdc_p11_session_put(slot);
    return rv;
}

CK_RV mdc_p11_close_all_sessions(CK_SLOT_ID id)
{
    struct mdc_p11_slot *slot;
    CK_RV rv = mdc_p11_slot_lock(id, &slot);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_p11_mutex_lock(sessions.lock);
    if (rv == CKR_OK) {
        for (size_t i = 0; i < sessions.count;) {
            if (sessions.items[i]->slot == id)
                remove_index(i);
            else
                i++;
        }
        mdc_p11_mutex_unlock(sessions.lock);
    }
    mdc_tok_forget_login(mdc_p11_slot_tok(slot));
    mdc_p11_slot_unlock(slot);
    return rv;
}

CK_RV mdc_p11_session_info(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info)
{
    struct mdc_p11_session *s;
    struct mdc_p11_slot *slot;
    bool user, rw;
    CK_RV rv = mdc_p11_session_get(h, &s, &slot);

    if (rv != CKR_OK)
        return rv;
    user = mdc_tok_logged_in(mdc_p11_slot_tok(slot));
    rw = (s->flags & CKF_RW_SESSION) != 0;
    memset(info, 0, sizeof(*info));
    info->slotID = s->slot;
    info->flags = s->flags;
    if (mdc_tok_so_logged_in(mdc_p11_slot_tok(slot)) && rw)
        info->state = CKS_RW_SO_FUNCTIONS;
    else if (user)
        info->state = rw ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
    else
        info->state = rw ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
    info->ulDeviceError = 0;
    mdc_p11_session_put(slot);
    return CKR_OK;
}

void mdc_p11_session_count(CK_SLOT_ID id, CK_ULONG *all, CK_ULONG *rw)
{
    *all = 0;
    *rw = 0;
    if (mdc_p11_mutex_lock(sessions.lock) != CKR_OK)
        return;
    for (size_t i = 0; i < sessions.count; i++) {
        if (sessions.items[i]->slot != id)
            continue;
        (*all)++;
        if (sessions.items[i]->flags & CKF_RW_SESSION)
            (*rw)++;
    }
    mdc_p11_mutex_unlock(sessions.lock);
}
