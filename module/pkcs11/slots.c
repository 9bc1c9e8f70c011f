/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Slot table: one slot per PC/SC reader. Slot IDs are stable while the
 * module is loaded: a reader that comes back (same name) gets its old ID,
 * a new reader the next unused one. One lock for the table, one per slot.
 */
#include "pkcs11/p11.h"

#include "token/token.h"
#include "util/hex.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SLOTS 64

struct mdc_p11_slot {
    CK_SLOT_ID id;
    char *reader;
    bool attached;     /* reader present at the last refresh */
    bool card_present; /* as seen at the last refresh */
    struct mdc_tok *tok;
    struct mdc_p11_mutex *lock;
    bool ev_present; /* presence last reported by C_WaitForSlotEvent */
    bool ev_pending; /* a new reader not reported yet */
};

static struct {
    struct mdc_p11_mutex *lock;
    struct mdc_tok_env *env;
    struct mdc_p11_slot slots[MAX_SLOTS];
    size_t count;
    bool refreshed;
} table;

CK_RV mdc_p11_slots_init(void)
{
    CK_RV rv;

    memset(&table, 0, sizeof(table));
    rv = mdc_p11_mutex_new(&table.lock);
    if (rv != CKR_OK)
        return rv;
    /* No PC/SC call here: pcscd may start later, and C_Initialize must not fail for it. */
    table.env = mdc_tok_env_new();
    if (table.env == NULL) {
        mdc_p11_mutex_free(table.lock);
        table.lock = NULL;
        return CKR_HOST_MEMORY;
    }
    rv = mdc_p11_sessions_init();
    if (rv != CKR_OK) {
        mdc_tok_env_free(table.env);
        mdc_p11_mutex_free(table.lock);
        memset(&table, 0, sizeof(table));
    }
    return rv;
}

void mdc_p11_slots_fini(bool abandon)
{
    mdc_p11_sessions_fini(abandon);
    if (abandon) {
        /* Child after fork(): the parent's handles and mutexes stay
         * untouched; our copies of the memory are simply forgotten. */
        memset(&table, 0, sizeof(table));
        return;
    }
    for (size_t i = 0; i < table.count; i++) {
        mdc_tok_free(table.slots[i].tok);
        mdc_p11_mutex_free(table.slots[i].lock);
        free(table.slots[i].reader);
    }
    mdc_tok_env_free(table.env);
    mdc_p11_mutex_free(table.lock);
    memset(&table, 0, sizeof(table));
}

static struct mdc_p11_slot *find_reader(const char *name)
{
    for (size_t i = 0; i < table.count; i++)
        if (strcmp(table.slots[i].reader, name) == 0)
            return &table.slots[i];
    return NULL;
}

static struct mdc_p11_slot *find_id(CK_SLOT_ID id)
{
    for (size_t i = 0; i < table.count; i++)
        if (table.slots[i].id == id && table.slots[i].attached)
            return &table.slots[i];
    return NULL;
}

static CK_RV add_slot(const char *reader, struct mdc_p11_slot **out)
{
    struct mdc_p11_slot *s;
    CK_RV rv;

    if (table.count >= MAX_SLOTS) {
        MDC_WARN(MDC_CAT_P11, "more than %d readers seen; '%s' ignored", MAX_SLOTS, reader);
        return CKR_OK;
    }
    s = &table.slots[table.count];
    memset(s, 0, sizeof(*s));
    s->id = table.count;
    s->reader = strdup(reader);
    s->tok = s->reader ? mdc_tok_new(table.env, reader) : NULL;
    if (s->tok == NULL) {
        free(s->reader);
        return CKR_HOST_MEMORY;
    }
    rv = mdc_p11_mutex_new(&s->lock);
    if (rv != CKR_OK) {
        mdc_tok_free(s->tok);
        free(s->reader);
        return rv;
    }
    /* Readers that appear after the first listing are slot events. */
    s->ev_pending = table.refreshed;
    table.count++;
    MDC_DEBUG(MDC_CAT_P11, "slot %lu = reader '%s'", (unsigned long)s->id, reader);
    *out = s;
    return CKR_OK;
}

/* Re-read the reader list; table lock held. */
static CK_RV refresh(void)
{
    struct mdc_tok_reader *r = NULL;
    size_t n = 0;
    CK_RV rv = mdc_tok_list_readers(table.env, &r, &n);

    if (rv != CKR_OK)
        return rv;
    for (size_t i = 0; i < table.count; i++)
        table.slots[i].attached = false;
    for (size_t i = 0; i < n && rv == CKR_OK; i++) {
        struct mdc_p11_slot *s = find_reader(r[i].name);

        if (s == NULL) {
            rv = add_slot(r[i].name, &s);
            if (s == NULL)
                continue;
        }
        s->attached = true;
        if (!table.refreshed)
            s->ev_present = r[i].card_present;
        s->card_present = r[i].card_present;
    }
    mdc_tok_free_readers(r, n);
    table.refreshed = true;
    return rv;
}

CK_RV mdc_p11_slot_list(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count)
{
    CK_ULONG needed = 0;
    CK_RV rv;

    rv = mdc_p11_mutex_lock(table.lock);
    if (rv != CKR_OK)
        return rv;
    /* The count call refreshes; the list call that follows reports the same
     * set (unless nothing was ever listed). */
    if (list == NULL || !table.refreshed)
        rv = refresh();
    if (rv == CKR_OK) {
        for (size_t i = 0; i < table.count; i++) {
            const struct mdc_p11_slot *s = &table.slots[i];

            if (!s->attached || (token_present && !s->card_present))
                continue;
            if (list != NULL && needed < *count)
                list[needed] = s->id;
            needed++;
        }
        if (list != NULL && needed > *count)
            rv = CKR_BUFFER_TOO_SMALL;
        *count = needed;
    }
    mdc_p11_mutex_unlock(table.lock);
    return rv;
}

/* Find an attached slot and copy its reader name; table lock taken inside. */
static CK_RV lookup(CK_SLOT_ID id, struct mdc_p11_slot **out)
{
    CK_RV rv = mdc_p11_mutex_lock(table.lock);

    if (rv != CKR_OK)
        return rv;
    if (!table.refreshed)
        rv = refresh();
    if (rv == CKR_OK) {
        *out = find_id(id);
        if (*out == NULL)
            rv = CKR_SLOT_ID_INVALID;
    }
    mdc_p11_mutex_unlock(table.lock);
    /* Slots live until C_Finalize, so the pointer stays valid. */
    return rv;
}

CK_RV mdc_p11_slot_info(CK_SLOT_ID id, CK_SLOT_INFO_PTR info)
{
    struct mdc_p11_slot *s;
    bool present = false;
    CK_RV rv = lookup(id, &s);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_tok_card_present(table.env, s->reader, &present);
    if (rv != CKR_OK)
        return rv;
    memset(info, 0, sizeof(*info));
    mdc_util_pad(info->slotDescription, sizeof(info->slotDescription), s->reader);
    mdc_util_pad(info->manufacturerID, sizeof(info->manufacturerID), MDC_P11_MANUFACTURER);
    info->flags = CKF_REMOVABLE_DEVICE | CKF_HW_SLOT | (present ? CKF_TOKEN_PRESENT : 0);
    return CKR_OK;
}

CK_RV mdc_p11_token_info(CK_SLOT_ID id, CK_TOKEN_INFO_PTR info)
{
    struct mdc_p11_slot *s;
    bool present = false;
    CK_RV rv = lookup(id, &s);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_p11_mutex_lock(s->lock);
    if (rv != CKR_OK)
        return rv;
    rv = mdc_tok_card_present(table.env, s->reader, &present);
    if (rv == CKR_OK && !present) {
        mdc_tok_detach(s->tok);
        rv = CKR_TOKEN_NOT_PRESENT;
    }
    if (rv == CKR_OK)
        rv = mdc_tok_get_info(s->tok, info);
    if (rv == CKR_OK)
        mdc_p11_session_count(id, &info->ulSessionCount, &info->ulRwSessionCount);
    mdc_p11_mutex_unlock(s->lock);
    return rv;
}

CK_RV mdc_p11_slot_lock(CK_SLOT_ID id, struct mdc_p11_slot **slot)
{
    struct mdc_p11_slot *s;
    CK_RV rv = lookup(id, &s);

    if (rv != CKR_OK)
        return rv;
    rv = mdc_p11_mutex_lock(s->lock);
    if (rv == CKR_OK)
        *slot = s;
    return rv;
}

void mdc_p11_slot_unlock(struct mdc_p11_slot *slot)
{
    if (slot != NULL)
        mdc_p11_mutex_unlock(slot->lock);
}

struct mdc_tok *mdc_p11_slot_tok(struct mdc_p11_slot *slot)
{
    return slot->tok;
}

CK_SLOT_ID mdc_p11_slot_id(const struct mdc_p11_slot *slot)
{
    return slot->id;
}

CK_RV mdc_p11_slot_check_present(struct mdc_p11_slot *slot)
{
    bool present = false;
    CK_RV rv = mdc_tok_card_present(table.env, slot->reader, &present);

    if (rv == CKR_OK && !present) {
        mdc_tok_card_removed(slot->tok);
        rv = CKR_TOKEN_NOT_PRESENT;
    }
    return rv;
}

CK_RV mdc_p11_slot_event(CK_SLOT_ID *id)
{
    CK_RV rv = mdc_p11_mutex_lock(table.lock);
    bool found = false;

    if (rv != CKR_OK)
        return rv;
    rv = refresh();
    for (size_t i = 0; rv == CKR_OK && i < table.count && !found; i++) {
        struct mdc_p11_slot *s = &table.slots[i];

        if (!s->attached)
            continue;
        if (s->ev_pending || s->ev_present != s->card_present) {
            s->ev_pending = false;
            s->ev_present = s->card_present;
            *id = s->id;
            found = true;
            if (!s->card_present && mdc_p11_mutex_lock(s->lock) == CKR_OK) {
                /* Removal: sessions and login go with the card. */
                mdc_tok_card_removed(s->tok);
                mdc_p11_mutex_unlock(s->lock);
            }
        }
    }
    mdc_p11_mutex_unlock(table.lock);
    if (rv != CKR_OK)
        return rv;
    return found ? CKR_OK : CKR_NO_EVENT;
}
