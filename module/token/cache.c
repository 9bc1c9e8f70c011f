/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The validated card state of a slot (DESIGN.md section 6): every
 * transaction that relies on cached data starts by re-reading cardcf;
 * cardid is re-read when cardcf changed and after a reset. The object
 * cache lives in memory, keyed by cardid + containers/files counters.
 * Also the object queries of the PKCS#11 front (find, attributes).
 */
#include "token/tok_int.h"

#include "mdfs/cardcf.h"
#include "mdfs/certfile.h"
#include "mdfs/cmapfile.h"
#include "pcsc/pcsc.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct mdc_card_edge *const edges[] = {&mdc_gids_edge};

bool mdc_tok_rc_gone(mdc_card_rc rc)
{
    return rc.status == MDC_CARD_REMOVED || rc.status == MDC_CARD_NO_CARD ||
           rc.status == MDC_CARD_RESET;
}

bool mdc_tok_rc_deselected(mdc_card_rc rc)
{
    return rc.status == MDC_CARD_SW && (rc.sw == 0x6A82 || rc.sw == 0x6D00 || rc.sw == 0x6982);
}

CK_RV mdc_tok_rv(struct mdc_tok *tok, mdc_card_rc rc, enum mdc_card_op op)
{
    CK_RV rv;

    bool present = true;

    if (rc.status == MDC_CARD_COMM &&
        mdc_pcsc_card_present(tok->env->pcsc, tok->reader, &present) == MDC_PCSC_OK && !present)
        rc.status = MDC_CARD_REMOVED; /* the card left in the middle of an exchange */
    if (mdc_tok_rc_gone(rc)) {
        mdc_tok_card_lost(tok);
        return CKR_DEVICE_REMOVED;
    }
    rv = tok->edge ? tok->edge->rv(rc, op) : CKR_DEVICE_ERROR;
    return rv;
}

void mdc_tok_drop_session_objects(struct mdc_tok *tok)
{
    mdc_tok_objects_clear(&tok->sess);
}

void mdc_tok_drop_cache(struct mdc_tok *tok)
{
    mdc_tok_objects_clear(&tok->objs);
    for (size_t i = 0; i < MDC_TOK_MAX_CONTAINERS; i++) {
        mdc_buf_free(&tok->pubkeys[i].modulus);
        mdc_buf_free(&tok->pubkeys[i].exponent);
        tok->pubkeys[i].present = false;
    }
    tok->objs_valid = false;
    tok->pubkeys_valid = false;
    tok->objs_from_disk = false;
    mdc_tok_disk_record_clear(&tok->rec);
}

/* Open the card with the first edge that recognises it. */
static CK_RV open_card(struct mdc_tok *tok)
{
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        mdc_card_rc rc = edges[i]->open(tok->env->pcsc, tok->reader, &tok->card);

        if (rc.status == MDC_CARD_OK) {
            tok->edge = edges[i];
            tok->info_known = false;
            tok->snap_valid = false;
            tok->id_fresh = false;
            return CKR_OK;
        }
        if (rc.status == MDC_CARD_NO_CARD || rc.status == MDC_CARD_REMOVED)
            return CKR_TOKEN_NOT_PRESENT;
        if (rc.status != MDC_CARD_NOT_THIS_EDGE)
            return edges[i]->rv(rc, MDC_CARD_OP_READ);
    }
    MDC_INFO(MDC_CAT_TOKEN, "card in '%s' is not recognized", tok->reader);
    return CKR_TOKEN_NOT_RECOGNIZED;
}

/* The random generator verdict of a known card, from its disk record. */
static void rng_from_disk(struct mdc_tok *tok)
{
    struct mdc_disk_record r;

    if (tok->rng != 0 || tok->cardid.len == 0 ||
        !mdc_tok_disk_load(tok->cardid.data, tok->cardid.len, &r))
        return;
    if (r.rng != MDC_DISK_RNG_UNKNOWN)
        tok->rng = r.rng == MDC_DISK_RNG_YES ? 1 : -1;
    mdc_tok_disk_record_clear(&r);
}

/* cardid into id; an initialized card without one is logged and read as empty. */
static mdc_card_rc read_cardid(struct mdc_tok *tok, struct mdc_buf *id)
{
    mdc_card_rc rc = tok->edge->read_file(tok->card, NULL, "cardid", id);

    if (mdc_tok_rc_missing(rc)) {
        MDC_WARN(MDC_CAT_TOKEN, "initialized card without cardid (SW %04X)", rc.sw);
        rc.status = MDC_CARD_OK;
        mdc_buf_clear(id);
    }
    return rc;
}

/*
 * C_GetTokenInfo needs the card's identity, not its file state: read cardid
 * only. Another cardid than before drops the login and everything cached.
 * The state check that follows on this connection need not read cardid
 * again: a different card in the reader is a removal, which PC/SC reports,
 * and the only way the same card gets another cardid is a re-initialization.
 * mdcard's own (C_InitToken) bumps every cardcf counter, so the state keyed
 * by the old counters no longer matches. Assumed, not proven: that no other
 * tool re-initializes the card in the gap between the two calls and leaves
 * the very counters of the old state (one cardid read would close the gap,
 * at one APDU per search).
 */
static mdc_card_rc check_identity(struct mdc_tok *tok)
{
    struct mdc_buf id = MDC_BUF_INIT;
    mdc_card_rc rc = read_cardid(tok, &id);

    if (rc.status != MDC_CARD_OK)
        goto out;
    if (id.len == 0 || id.len != tok->cardid.len ||
        memcmp(id.data, tok->cardid.data, id.len) != 0) {
        if (tok->cardid.len != 0) {
            mdc_tok_drop_login(tok); /* another card (or re-initialized) */
            MDC_DEBUG(MDC_CAT_CACHE, "another cardid: cache dropped");
        }
        tok->objs_valid = false;
        tok->pubkeys_valid = false;
        tok->snap_valid = false;
        tok->rng = 0;
        mdc_buf_clear(&tok->cardcf);
        mdc_buf_clear(&tok->cardid);
        if (id.len != 0 && !mdc_buf_append(&tok->cardid, id.data, id.len)) {
            rc.status = MDC_CARD_NOMEM;
            goto out;
        }
    }
    tok->id_fresh = id.len != 0;
    rng_from_disk(tok);
out:
    mdc_buf_free(&id);
    return rc;
}

/*
 * Re-read cardcf (and cardid when needed) and drop what they invalidate.
 * `force`: after a reset or re-select, cardid is re-read whatever cardcf says.
 * `identity`: C_GetTokenInfo's check, cardid only.
 */
static mdc_card_rc validate(struct mdc_tok *tok, bool force, bool identity)
{
    struct mdc_buf cf = MDC_BUF_INIT, id = MDC_BUF_INIT;
    mdc_card_rc rc;
    unsigned diff;
    bool other;

    if (!tok->info.fs_present) {
        /* Blank card: nothing cached, nothing to validate. */
        mdc_buf_clear(&tok->cardid);
        mdc_buf_clear(&tok->cardcf);
        tok->cardcf_absent = true;
        tok->snap_valid = true;
        tok->id_fresh = false;
        mdc_tok_objects_clear(&tok->objs);
        tok->objs_valid = true;
        return (mdc_card_rc){MDC_CARD_OK, 0};
    }
    if (identity && !force)
        return check_identity(tok);
    rc = tok->edge->read_file(tok->card, NULL, "cardcf", &cf);
    if (mdc_tok_rc_missing(rc)) {
        MDC_WARN(MDC_CAT_CACHE, "initialized card without cardcf: nothing is cached");
        rc.status = MDC_CARD_OK;
        mdc_buf_clear(&cf);
    }
    if (rc.status != MDC_CARD_OK)
        goto out;
    if (tok->snap_valid && !force && !tok->cardcf_absent && cf.len != 0 &&
        cf.len == tok->cardcf.len && memcmp(cf.data, tok->cardcf.data, cf.len) == 0)
        goto out; /* unchanged: the usual case, one APDU */
    if (!force && !tok->snap_valid && tok->id_fresh) {
        /* Read by check_identity on this connection (see there). */
        if (!mdc_buf_append(&id, tok->cardid.data, tok->cardid.len)) {
            rc.status = MDC_CARD_NOMEM;
            goto out;
        }
    } else {
        rc = read_cardid(tok, &id);
    }
    if (rc.status != MDC_CARD_OK)
        goto out;
    other = tok->cardid.len != 0 &&
            (id.len != tok->cardid.len || memcmp(id.data, tok->cardid.data, id.len) != 0);
    if (other)
        mdc_tok_drop_login(tok); /* another card (or re-initialized): not our login */
    if (other || id.len == 0 || cf.len == 0 || tok->cardcf.len == 0) {
        if (tok->objs_valid || tok->pubkeys_valid)
            MDC_DEBUG(MDC_CAT_CACHE, "other card or no usable cardid/cardcf: cache dropped");
        tok->objs_valid = false;
        tok->pubkeys_valid = false;
    } else {
        diff = mdc_mdfs_cardcf_diff_raw(tok->cardcf.data, tok->cardcf.len, cf.data, cf.len);
        if (diff & MDC_CARDCF_CONTAINERS)
            tok->pubkeys_valid = false;
        if (diff & (MDC_CARDCF_CONTAINERS | MDC_CARDCF_FILES | MDC_CARDCF_OTHER))
            tok->objs_valid = false;
        if (diff != 0)
            MDC_DEBUG(MDC_CAT_CACHE, "cardcf changed (0x%x)", diff);
    }
    mdc_buf_clear(&tok->cardid);
    mdc_buf_clear(&tok->cardcf);
    if ((id.len != 0 && !mdc_buf_append(&tok->cardid, id.data, id.len)) ||
        (cf.len != 0 && !mdc_buf_append(&tok->cardcf, cf.data, cf.len))) {
        rc.status = MDC_CARD_NOMEM;
        tok->snap_valid = false;
        goto out;
    }
    tok->cardcf_absent = cf.len == 0;
    tok->snap_valid = true;
    rng_from_disk(tok);
out:
    tok->id_fresh = false; /* it bridges one identity check to one state check only */
    mdc_buf_free(&cf);
    mdc_buf_free(&id);
    return rc;
}

/* After a reset or a foreign selection the card forgot our PIN. */
static CK_RV restore_login(struct mdc_tok *tok)
{
    CK_RV rv;

    if (!tok->logged_in)
        return CKR_OK;
    if (tok->pin == NULL) {
        MDC_INFO(MDC_CAT_TOKEN, "card lost its PIN state and no PIN is cached: logged out");
        mdc_tok_drop_login(tok);
        return CKR_OK;
    }
    rv = mdc_tok_verify(tok, tok->pin->data, tok->pin->len);
    if (rv != CKR_OK) {
        MDC_INFO(MDC_CAT_TOKEN, "re-verifying the cached PIN failed: logged out");
        mdc_tok_drop_login(tok);
        if (rv == CKR_DEVICE_REMOVED)
            return rv;
    }
    return CKR_OK;
}

CK_RV mdc_tok_recover(struct mdc_tok *tok)
{
    mdc_card_rc rc;

    MDC_INFO(MDC_CAT_TOKEN, "card in '%s' was taken by another application; re-selecting",
             tok->reader);
    if (tok->edge->reselect == NULL)
        return CKR_DEVICE_ERROR;
    rc = tok->edge->reselect(tok->card);
    if (rc.status != MDC_CARD_OK)
        return mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
    tok->id_fresh = false;
    rc = validate(tok, true, false);
    if (rc.status != MDC_CARD_OK)
        return mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
    return restore_login(tok);
}

static CK_RV begin_mode(struct mdc_tok *tok, bool want_objects, bool identity)
{
    mdc_card_rc rc;
    bool reset;
    CK_RV rv;

    tok->rec_this_txn = false;
    if (tok->card == NULL) {
        rv = open_card(tok);
        if (rv != CKR_OK)
            return rv;
    }
    rc = tok->edge->begin(tok->card);
    if (rc.status != MDC_CARD_OK && rc.status != MDC_CARD_RESELECTED)
        return mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
    reset = rc.status == MDC_CARD_RESELECTED;
    if (reset)
        tok->id_fresh = false;
    rc.status = MDC_CARD_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!tok->info_known) {
            rc = tok->edge->card_info(tok->card, &tok->info);
            if (rc.status == MDC_CARD_OK)
                tok->info_known = true;
        }
        if (rc.status == MDC_CARD_OK)
            rc = validate(tok, reset, identity);
        if (rc.status == MDC_CARD_OK && reset) {
            rv = restore_login(tok);
            if (rv != CKR_OK) {
                tok->edge->end(tok->card);
                return rv;
            }
        }
        if (rc.status == MDC_CARD_OK && want_objects && !tok->objs_valid) {
            rv = mdc_tok_objects_from_disk(tok) ? CKR_OK : mdc_tok_enumerate(tok);
            if (rv == CKR_OK)
                break;
            if (rv != CKR_FUNCTION_REJECTED || attempt == 1) {
                if (tok->card != NULL)
                    tok->edge->end(tok->card);
                return rv;
            }
            /* Deselected mid-way: re-select and start over once. */
            rc = tok->edge->reselect ? tok->edge->reselect(tok->card)
                                     : (mdc_card_rc){MDC_CARD_UNSUPPORTED, 0};
            reset = true;
            continue;
        }
        if (rc.status == MDC_CARD_OK || attempt == 1 || !mdc_tok_rc_deselected(rc) ||
            tok->edge->reselect == NULL)
            break;
        rc = tok->edge->reselect(tok->card);
        reset = true;
        if (rc.status != MDC_CARD_OK)
            break;
    }
    if (rc.status != MDC_CARD_OK) {
        rv = mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
        if (tok->card != NULL)
            tok->edge->end(tok->card);
        return rv;
    }
    return CKR_OK;
}

CK_RV mdc_tok_begin(struct mdc_tok *tok, bool want_objects)
{
    return begin_mode(tok, want_objects, false);
}

CK_RV mdc_tok_begin_identity(struct mdc_tok *tok)
{
    return begin_mode(tok, false, true);
}

void mdc_tok_end(struct mdc_tok *tok)
{
    tok->rec_this_txn = false;
    if (tok->card != NULL)
        tok->edge->end(tok->card);
}

/* ---- object queries ---- */

static bool visible(const struct mdc_tok *tok, const struct mdc_tok_object *o)
{
    return o->cls != CKO_PRIVATE_KEY || tok->logged_in;
}

CK_RV mdc_tok_find(struct mdc_tok *tok, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                   CK_OBJECT_HANDLE **handles, size_t *count)
{
    CK_OBJECT_HANDLE *h;
    size_t k = 0;
    CK_RV rv = mdc_tok_begin(tok, true);

    *handles = NULL;
    *count = 0;
    if (rv != CKR_OK)
        return rv;
    mdc_tok_end(tok);
    h = calloc(tok->objs.count + tok->sess.count + 1, sizeof(*h));
    if (h == NULL)
        return CKR_HOST_MEMORY;
    for (size_t i = 0; i < tok->objs.count; i++)
        if (visible(tok, &tok->objs.items[i]) && mdc_tok_match(&tok->objs.items[i], tmpl, n))
            h[k++] = tok->objs.items[i].handle;
    for (size_t i = 0; i < tok->sess.count; i++)
        if (mdc_tok_match(&tok->sess.items[i], tmpl, n))
            h[k++] = tok->sess.items[i].handle;
    *handles = h;
    *count = k;
    return CKR_OK;
}

static CK_RV lookup(struct mdc_tok *tok, CK_OBJECT_HANDLE h, struct mdc_tok_object **o)
{
    *o = tok->card != NULL ? mdc_tok_objects_find(&tok->objs, h) : NULL;
    if (*o == NULL)
        *o = mdc_tok_objects_find(&tok->sess, h);
    if (*o == NULL || !visible(tok, *o))
        return CKR_OBJECT_HANDLE_INVALID;
    return CKR_OK;
}

CK_RV mdc_tok_get_attributes(struct mdc_tok *tok, CK_OBJECT_HANDLE h, CK_ATTRIBUTE *tmpl,
                             CK_ULONG n)
{
    struct mdc_tok_object *o;
    CK_RV rv = lookup(tok, h, &o);

    return rv != CKR_OK ? rv : mdc_tok_get_attributes_of(o, tmpl, n);
}

CK_RV mdc_tok_object_size(struct mdc_tok *tok, CK_OBJECT_HANDLE h, CK_ULONG *size)
{
    struct mdc_tok_object *o;
    CK_RV rv = lookup(tok, h, &o);

    if (rv == CKR_OK)
        *size = mdc_tok_object_size_of(o);
    return rv;
}

CK_RV mdc_tok_key_info(struct mdc_tok *tok, CK_OBJECT_HANDLE h, struct mdc_tok_key_info *out)
{
    struct mdc_tok_object *o;
    CK_RV rv = lookup(tok, h, &o);

    memset(out, 0, sizeof(*out));
    if (rv != CKR_OK)
        return CKR_KEY_HANDLE_INVALID;
    if (o->cls != CKO_PRIVATE_KEY && o->cls != CKO_PUBLIC_KEY)
        return CKR_KEY_HANDLE_INVALID;
    out->cls = o->cls;
    out->bits = o->bits;
    out->key_exchange = o->key_exchange;
    out->can_sign = o->cls == CKO_PRIVATE_KEY;
    out->can_decrypt = o->cls == CKO_PRIVATE_KEY && o->key_exchange;
    out->modulus = malloc(o->modulus_len);
    out->exponent = malloc(o->exponent_len);
    if (out->modulus == NULL || out->exponent == NULL) {
        mdc_tok_key_info_clear(out);
        return CKR_HOST_MEMORY;
    }
    memcpy(out->modulus, o->modulus, o->modulus_len);
    memcpy(out->exponent, o->exponent, o->exponent_len);
    out->modulus_len = o->modulus_len;
    out->exponent_len = o->exponent_len;
    return CKR_OK;
}

void mdc_tok_key_info_clear(struct mdc_tok_key_info *k)
{
    free(k->modulus);
    free(k->exponent);
    memset(k, 0, sizeof(*k));
}
