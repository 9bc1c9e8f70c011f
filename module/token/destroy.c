/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_DestroyObject (DESIGN.md section 5): a container certificate (file
 * deleted), an msroots entry (msroots rewritten, deleted when it becomes
 * empty), a private key (the whole container: cmapfile record freed first,
 * then the key and its certificate files). A public key alone cannot go:
 * it is the private key's other half. Also C_SetAttributeValue, which only
 * accepts what is already true. The cache is updated from what was deleted;
 * objects from the disk cache are checked against the card first (cmapfile
 * and file list, and the public key of a container about to be deleted).
 */
#include "token/tok_int.h"
#include "token/wplan.h"

#include "mdfs/msroots.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

#define MAX_NAMES 8

static CK_RV find(struct mdc_tok *tok, CK_OBJECT_HANDLE h, struct mdc_tok_object *copy)
{
    const struct mdc_tok_object *o = mdc_tok_objects_find(&tok->objs, h);

    if (o == NULL || (o->cls == CKO_PRIVATE_KEY && !tok->logged_in))
        return CKR_OBJECT_HANDLE_INVALID;
    *copy = *o; /* shallow: only the scalar fields are used after the cache changes */
    return CKR_OK;
}

static CK_RV destroy_cert(struct mdc_tok *tok, struct mdc_tok_wr *w, const struct mdc_tok_object *o)
{
    char names[MAX_NAMES][6];
    size_t n = mdc_tok_wr_certnames(w, (unsigned)o->container, names, MAX_NAMES);
    mdc_card_rc rc;
    CK_RV rv;

    if (n == 0) {
        MDC_ERROR(MDC_CAT_TOKEN, "certificate of container %d is gone from the card",
                  o->container);
        return CKR_OBJECT_HANDLE_INVALID;
    }
    rv = mdc_tok_wr_bump(tok, w, mdc_tok_wop_counters(MDC_TOK_WOP_CERT));
    for (size_t i = 0; i < n && rv == CKR_OK; i++) {
        rc = tok->edge->delete_file(tok->card, "mscp", names[i]);
        if (rc.status != MDC_CARD_OK)
            rv = mdc_tok_wr_fail(tok, rc, "deleting the certificate file");
        else
            MDC_INFO(MDC_CAT_TOKEN, "certificate file %s deleted", names[i]);
        if (rv == CKR_OK)
            mdc_tok_wr_note_deleted(tok, w, names[i]);
    }
    return rv;
}

static CK_RV destroy_root(struct mdc_tok *tok, struct mdc_tok_wr *w, const struct mdc_tok_object *o)
{
    struct mdc_buf file = MDC_BUF_INIT;
    mdc_msroots roots = {NULL, 0};
    uint8_t *raw = NULL;
    size_t raw_len = 0, idx;
    mdc_card_rc rc;
    CK_RV rv;

    rc = tok->edge->read_file(tok->card, "mscp", "msroots", &file);
    if (rc.status != MDC_CARD_OK) {
        rv = rc.status == MDC_CARD_ABSENT ? CKR_OBJECT_HANDLE_INVALID
                                          : mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
        goto out;
    }
    if (mdc_mdfs_msroots_parse(file.data, file.len, &roots) != MDC_MDFS_OK ||
        mdc_mdfs_msroots_find(&roots, o->value, o->value_len, &idx) != MDC_MDFS_OK) {
        rv = CKR_OBJECT_HANDLE_INVALID;
        goto out;
    }
    mdc_mdfs_msroots_remove(&roots, idx);
    if (roots.count != 0 && mdc_mdfs_msroots_build(&roots, &raw, &raw_len) != MDC_MDFS_OK) {
        rv = CKR_HOST_MEMORY;
        goto out;
    }
    rv = mdc_tok_wr_bump(tok, w, mdc_tok_wop_counters(MDC_TOK_WOP_FILE));
    if (rv != CKR_OK)
        goto out;
    /* An empty msroots is removed rather than kept as an empty PKCS#7. */
    if (roots.count == 0)
        rc = tok->edge->delete_file(tok->card, "mscp", "msroots");
    else
        rc = tok->edge->write_file(tok->card, "mscp", "msroots", raw, raw_len, true);
    if (rc.status != MDC_CARD_OK) {
        rv = mdc_tok_wr_fail(tok, rc, "the msroots update");
    } else {
        MDC_INFO(MDC_CAT_TOKEN, "CA certificate removed from msroots (%zu left)", roots.count);
        if (roots.count == 0)
            mdc_tok_wr_note_deleted(tok, w, "msroots");
        else
            mdc_tok_wr_note_file(tok, w, MDC_DISK_MSROOTS, 0, "msroots", raw, raw_len);
    }
out:
    mdc_mdfs_msroots_clear(&roots);
    mdc_mdfs_free(raw);
    mdc_buf_free(&file);
    return rv;
}

static CK_RV destroy_key(struct mdc_tok *tok, struct mdc_tok_wr *w, const struct mdc_tok_object *o)
{
    size_t i = (size_t)o->container;
    char names[MAX_NAMES][6];
    size_t n;
    struct mdc_card_key key;
    mdc_card_rc rc;
    CK_RV rv;

    if (i >= w->cm.count || !mdc_mdfs_cmap_is_key(&w->cm.records[i]))
        return CKR_OBJECT_HANDLE_INVALID;
    if (tok->edge->delete_key == NULL)
        return CKR_FUNCTION_NOT_SUPPORTED;
    n = mdc_tok_wr_certnames(w, (unsigned)i, names, MAX_NAMES);
    key.index = (unsigned)i;
    key.key_exchange = mdc_mdfs_cmap_key_spec_of(&w->cm.records[i]) == MDC_CMAP_KEY_EXCHANGE;
    key.bits = key.key_exchange ? w->cm.records[i].kx_key_bits : w->cm.records[i].sig_key_bits;
    rv = mdc_tok_wr_bump(tok, w, mdc_tok_wop_counters(MDC_TOK_WOP_KEY));
    if (rv != CKR_OK)
        return rv;
    /* Unpublish, then destroy (GIDS-AND-MINIDRIVER.md 4.10). */
    mdc_mdfs_cmap_free_record(&w->cm, i);
    rv = mdc_tok_wr_cmap(tok, w);
    if (rv != CKR_OK)
        return rv;
    tok->pubkeys[i].present = false;
    mdc_tok_wr_note_key(tok, w, (unsigned)i, NULL, 0, NULL, 0);
    rc = tok->edge->delete_key(tok->card, &key);
    if (rc.status != MDC_CARD_OK && rc.status != MDC_CARD_ABSENT)
        return mdc_tok_wr_fail(tok, rc, "deleting the key");
    for (size_t k = 0; k < n; k++) {
        rc = tok->edge->delete_file(tok->card, "mscp", names[k]);
        if (rc.status != MDC_CARD_OK && rc.status != MDC_CARD_ABSENT)
            return mdc_tok_wr_fail(tok, rc, "deleting the container's certificate");
        mdc_tok_wr_note_deleted(tok, w, names[k]);
    }
    MDC_INFO(MDC_CAT_TOKEN, "container %zu deleted with its key and %zu certificate file(s)", i,
             n);
    return CKR_OK;
}

CK_RV mdc_tok_destroy(struct mdc_tok *tok, CK_OBJECT_HANDLE h)
{
    struct mdc_tok_object o;
    struct mdc_tok_wr w;
    CK_RV rv;

    if (mdc_tok_objects_remove(&tok->sess, h)) {
        MDC_DEBUG(MDC_CAT_TOKEN, "session object destroyed");
        return CKR_OK;
    }
    if (tok->card == NULL || find(tok, h, &o) != CKR_OK)
        return CKR_OBJECT_HANDLE_INVALID;
    if (o.cls == CKO_PUBLIC_KEY) {
        MDC_ERROR(MDC_CAT_TOKEN, "a public key goes only with its private key (container %d)",
                  o.container);
        return CKR_ACTION_PROHIBITED;
    }
    if (!tok->logged_in) {
        MDC_INFO(MDC_CAT_TOKEN, "deleting objects needs the user PIN: log in first");
        return CKR_USER_NOT_LOGGED_IN;
    }
    if (tok->edge->write_file == NULL || tok->edge->delete_file == NULL)
        return CKR_FUNCTION_NOT_SUPPORTED;
    rv = mdc_tok_wr_begin(tok, &w);
    if (rv != CKR_OK)
        return rv;
    /* The card may have changed since the handle was given: look again. */
    {
        const struct mdc_tok_object *now = mdc_tok_objects_find(&tok->objs, h);

        /* Objects from the disk cache decide nothing the card does not
         * confirm: its cmapfile and file list (rec_ok), and for a key the
         * public key of its container. Else the card is read. */
        if (now != NULL && tok->objs_from_disk &&
            (!w.rec_ok ||
             (now->cls == CKO_PRIVATE_KEY && !mdc_tok_wr_key_holds(tok, &w, now->container)))) {
            MDC_DEBUG(MDC_CAT_CACHE, "deletion: reading the card's objects");
            rv = mdc_tok_wr_reread(tok, &w);
            if (rv != CKR_OK) {
                mdc_tok_wr_end(tok, &w);
                return rv;
            }
            now = mdc_tok_objects_find(&tok->objs, h);
        }
        if (now == NULL) {
            mdc_tok_wr_end(tok, &w);
            return CKR_OBJECT_HANDLE_INVALID;
        }
        o = *now;
        if (o.cls == CKO_CERTIFICATE && o.container >= 0)
            rv = destroy_cert(tok, &w, &o);
        else if (o.cls == CKO_CERTIFICATE)
            rv = destroy_root(tok, &w, &o);
        else if (o.cls == CKO_PRIVATE_KEY)
            rv = destroy_key(tok, &w, &o);
        else
            rv = CKR_ACTION_PROHIBITED;
    }
    if (rv == CKR_OK)
        mdc_tok_wr_commit(tok, &w); /* else mdc_tok_wr_end reads the card */
    mdc_tok_wr_end(tok, &w);
    return rv;
}

CK_RV mdc_tok_set_attributes(struct mdc_tok *tok, CK_OBJECT_HANDLE h, const CK_ATTRIBUTE *tmpl,
                             CK_ULONG n)
{
    const struct mdc_tok_object *o = tok->card != NULL ? mdc_tok_objects_find(&tok->objs, h)
                                                       : NULL;

    if (o == NULL)
        o = mdc_tok_objects_find(&tok->sess, h);

    if (o == NULL || (o->cls == CKO_PRIVATE_KEY && !tok->logged_in))
        return CKR_OBJECT_HANDLE_INVALID;
    for (CK_ULONG i = 0; i < n; i++) {
        CK_ULONG scratch;
        const void *val;
        CK_ULONG len;

        if (tmpl[i].pValue == NULL && tmpl[i].ulValueLen != 0)
            return CKR_ATTRIBUTE_VALUE_INVALID;
        if (mdc_tok_attr(o, tmpl[i].type, &scratch, &val, &len) != MDC_TOK_ATTR_OK) {
            MDC_ERROR(MDC_CAT_TOKEN, "attribute 0x%lx cannot be set", (unsigned long)tmpl[i].type);
            return CKR_ATTRIBUTE_READ_ONLY;
        }
        /* Values come from the card: only "setting" what is already true works. */
        if (len != tmpl[i].ulValueLen || (len != 0 && memcmp(val, tmpl[i].pValue, len) != 0)) {
            MDC_ERROR(MDC_CAT_TOKEN, "attribute 0x%lx is derived from the card and cannot change",
                      (unsigned long)tmpl[i].type);
            return CKR_ATTRIBUTE_READ_ONLY;
        }
    }
    return CKR_OK;
}
