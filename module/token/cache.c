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

static bool missing(mdc_card_rc rc)
{
    return rc.status == MDC_CARD_ABSENT ||
           (rc.status == MDC_CARD_SW && (rc.sw == 0x6A82 || rc.sw == 0x6A88));
}

/*
 * Re-read cardcf (and cardid when needed) and drop what they invalidate.
 * `force`: after a reset or re-select, cardid is re-read whatever cardcf says.
 */
static mdc_card_rc validate(struct mdc_tok *tok, bool force)
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
        mdc_tok_objects_clear(&tok->objs);
        tok->objs_valid = true;
        return (mdc_card_rc){MDC_CARD_OK, 0};
    }
    rc = tok->edge->read_file(tok->card, NULL, "cardcf", &cf);
    if (missing(rc)) {
        MDC_WARN(MDC_CAT_CACHE, "initialized card without cardcf: nothing is cached");
        rc.status = MDC_CARD_OK;
        mdc_buf_clear(&cf);
    }
    if (rc.status != MDC_CARD_OK)
        goto out;
    if (tok->snap_valid && !force && !tok->cardcf_absent && cf.len != 0 &&
        cf.len == tok->cardcf.len && memcmp(cf.data, tok->cardcf.data, cf.len) == 0)
        goto out; /* unchanged: the usual case, one APDU */
    rc = tok->edge->read_file(tok->card, NULL, "cardid", &id);
    if (missing(rc)) {
        MDC_WARN(MDC_CAT_TOKEN, "initialized card without cardid (SW %04X)", rc.sw);
        rc.status = MDC_CARD_OK;
        mdc_buf_clear(&id);
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
out:
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
    rc = validate(tok, true);
    if (rc.status != MDC_CARD_OK)
        return mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
    return restore_login(tok);
}

static void store_pubkey(struct mdc_tok_pubkey *pk, struct mdc_card_pubkey *k)
{
    mdc_buf_free(&pk->modulus);
    mdc_buf_free(&pk->exponent);
    pk->modulus = k->modulus;
    pk->exponent = k->exponent;
    pk->present = true;
    memset(k, 0, sizeof(*k));
}

CK_RV mdc_tok_begin(struct mdc_tok *tok, bool want_objects)
{
    mdc_card_rc rc;
    bool reset;
    CK_RV rv;

    if (tok->card == NULL) {
        rv = open_card(tok);
        if (rv != CKR_OK)
            return rv;
    }
    rc = tok->edge->begin(tok->card);
    if (rc.status != MDC_CARD_OK && rc.status != MDC_CARD_RESELECTED)
        return mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
    reset = rc.status == MDC_CARD_RESELECTED;
    rc.status = MDC_CARD_OK;
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!tok->info_known) {
            rc = tok->edge->card_info(tok->card, &tok->info);
            if (rc.status == MDC_CARD_OK)
                tok->info_known = true;
        }
        if (rc.status == MDC_CARD_OK)
            rc = validate(tok, reset);
        if (rc.status == MDC_CARD_OK && reset) {
            rv = restore_login(tok);
            if (rv != CKR_OK) {
                tok->edge->end(tok->card);
                return rv;
            }
        }
        if (rc.status == MDC_CARD_OK && want_objects && !tok->objs_valid) {
            rv = mdc_tok_enumerate(tok);
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

void mdc_tok_end(struct mdc_tok *tok)
{
    if (tok->card != NULL)
        tok->edge->end(tok->card);
}

/* ---- enumeration ---- */

/* Certificate file of each valid container, from the file list. */
static CK_RV read_certs(struct mdc_tok *tok, const mdc_cmapfile *cm, struct mdc_buf *certs,
                        char names[][MDC_CERTNAME_SIZE], struct mdc_buf *msroots)
{
    bool valid[MDC_TOK_MAX_CONTAINERS] = {false};
    struct mdc_buf list = MDC_BUF_INIT;
    mdc_card_rc rc = {MDC_CARD_OK, 0};
    size_t n = cm->count < MDC_TOK_MAX_CONTAINERS ? cm->count : MDC_TOK_MAX_CONTAINERS;

    for (size_t i = 0; i < n; i++)
        valid[i] = mdc_mdfs_cmap_is_valid(&cm->records[i]);
    if (tok->edge->list_files != NULL)
        rc = tok->edge->list_files(tok->card, "mscp", &list);
    if (tok->edge->list_files != NULL && rc.status == MDC_CARD_OK) {
        for (size_t off = 0; off < list.len;) {
            const char *name = (const char *)list.data + off;
            size_t len = strnlen(name, list.len - off);
            mdc_certname cn;
            unsigned idx;
            bool roots = len == 7 && strncasecmp(name, "msroots", 7) == 0;

            if (roots) {
                rc = tok->edge->read_file(tok->card, "mscp", name, msroots);
            } else if (mdc_mdfs_certname_parse(name, len, &cn) == MDC_MDFS_OK &&
                       mdc_mdfs_certname_resolve(&cn, valid, n, &idx) == MDC_MDFS_OK &&
                       certs[idx].len == 0) {
                rc = tok->edge->read_file(tok->card, "mscp", name, &certs[idx]);
                snprintf(names[idx], MDC_CERTNAME_SIZE, "%.5s", name);
            } else if (len >= 3 &&
                       (strncasecmp(name, "kxc", 3) == 0 || strncasecmp(name, "ksc", 3) == 0)) {
                MDC_DEBUG(MDC_CAT_TOKEN, "leftover certificate file '%.*s' ignored", (int)len,
                          name);
            }
            if (missing(rc))
                rc.status = MDC_CARD_OK;
            if (rc.status != MDC_CARD_OK)
                break;
            off += len + 1;
        }
    } else if (tok->edge->list_files == NULL || rc.status == MDC_CARD_UNSUPPORTED) {
        /* No file listing: look up the standard names. */
        rc.status = MDC_CARD_OK;
        for (size_t i = 0; i < n && rc.status == MDC_CARD_OK; i++) {
            mdc_cmap_key_spec spec = mdc_mdfs_cmap_key_spec_of(&cm->records[i]);

            if (spec == MDC_CMAP_KEY_NONE)
                continue;
            mdc_mdfs_certname_format(spec == MDC_CMAP_KEY_EXCHANGE ? MDC_CERT_KX : MDC_CERT_SIG,
                                     (unsigned)i, names[i]);
            rc = tok->edge->read_file(tok->card, "mscp", names[i], &certs[i]);
            if (missing(rc) || rc.status == MDC_CARD_UNSUPPORTED) {
                rc.status = MDC_CARD_OK;
                mdc_buf_clear(&certs[i]);
            }
        }
        if (rc.status == MDC_CARD_OK) {
            rc = tok->edge->read_file(tok->card, "mscp", "msroots", msroots);
            if (missing(rc) || rc.status == MDC_CARD_UNSUPPORTED) {
                rc.status = MDC_CARD_OK;
                mdc_buf_clear(msroots);
            }
        }
    }
    mdc_buf_free(&list);
    if (rc.status != MDC_CARD_OK) {
        if (mdc_tok_rc_deselected(rc))
            return CKR_FUNCTION_REJECTED;
        return mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
    }
    return CKR_OK;
}

static CK_RV build(struct mdc_tok *tok, const mdc_cmapfile *cm, struct mdc_buf *certs,
                   char names[][MDC_CERTNAME_SIZE], const struct mdc_buf *msroots,
                   struct mdc_tok_objects *out)
{
    size_t n = cm->count < MDC_TOK_MAX_CONTAINERS ? cm->count : MDC_TOK_MAX_CONTAINERS;
    CK_RV rv = CKR_OK;

    for (size_t i = 0; i < n && rv == CKR_OK; i++) {
        const mdc_cmap_record *r = &cm->records[i];
        char name[MDC_CMAP_NAME_UTF8_MAX];
        struct mdc_tok_container c;
        uint8_t *der = NULL;
        size_t der_len = 0;

        if (!mdc_mdfs_cmap_is_key(r) || !tok->pubkeys[i].present)
            continue;
        if (mdc_mdfs_cmap_name_get(r, name, sizeof(name)) != MDC_MDFS_OK)
            name[0] = '\0';
        memset(&c, 0, sizeof(c));
        c.index = (unsigned)i;
        c.key_exchange = mdc_mdfs_cmap_key_spec_of(r) == MDC_CMAP_KEY_EXCHANGE;
        c.bits = c.key_exchange ? r->kx_key_bits : r->sig_key_bits;
        c.name = name;
        c.modulus = tok->pubkeys[i].modulus.data;
        c.modulus_len = tok->pubkeys[i].modulus.len;
        c.exponent = tok->pubkeys[i].exponent.data;
        c.exponent_len = tok->pubkeys[i].exponent.len;
        if (certs[i].len != 0) {
            mdc_mdfs_rv mrv = mdc_mdfs_cert_decode(certs[i].data, certs[i].len, &der, &der_len);

            if (mrv != MDC_MDFS_OK)
                MDC_WARN(MDC_CAT_TOKEN, "certificate file %s does not decode (%s)", names[i],
                         mdc_mdfs_rv_name(mrv));
            c.cert = der;
            c.cert_len = der_len;
            c.cert_file = names[i];
        }
        rv = mdc_tok_objects_add_container(out, &c);
        mdc_mdfs_free(der);
    }
    if (rv == CKR_OK && msroots->len != 0)
        rv = mdc_tok_objects_add_msroots(out, msroots->data, msroots->len);
    return rv;
}

CK_RV mdc_tok_enumerate(struct mdc_tok *tok)
{
    struct mdc_buf cmap = MDC_BUF_INIT, msroots = MDC_BUF_INIT;
    struct mdc_buf *certs = NULL;
    char(*names)[MDC_CERTNAME_SIZE] = NULL;
    mdc_cmapfile cm = {NULL, 0};
    struct mdc_tok_objects objs = {NULL, 0};
    mdc_card_rc rc;
    mdc_mdfs_rv mrv;
    CK_RV rv = CKR_OK;

    rc = tok->edge->read_file(tok->card, "mscp", "cmapfile", &cmap);
    if (missing(rc)) {
        rc.status = MDC_CARD_OK;
        mdc_buf_clear(&cmap);
    }
    if (rc.status != MDC_CARD_OK) {
        rv = mdc_tok_rc_deselected(rc) ? CKR_FUNCTION_REJECTED
                                       : mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
        goto out;
    }
    mrv = mdc_mdfs_cmap_parse(cmap.data, cmap.len, &cm);
    if (mrv != MDC_MDFS_OK) {
        MDC_WARN(MDC_CAT_TOKEN, "cmapfile does not parse (%s): no keys", mdc_mdfs_rv_name(mrv));
        memset(&cm, 0, sizeof(cm));
    } else if (cmap.len != 0) {
        bool zero = true;

        for (size_t i = 0; i < cmap.len && zero; i++)
            zero = cmap.data[i] == 0;
        /* Legitimate only when every container was deleted; a cut write on a
         * card that zero-fills interrupted writes looks the same. */
        if (zero)
            MDC_WARN(MDC_CAT_TOKEN, "cmapfile is %zu zero bytes: no containers (all deleted, or "
                                    "damaged by an interrupted write)", cmap.len);
    }
    certs = calloc(MDC_TOK_MAX_CONTAINERS, sizeof(*certs));
    names = calloc(MDC_TOK_MAX_CONTAINERS, sizeof(*names));
    if (certs == NULL || names == NULL) {
        rv = CKR_HOST_MEMORY;
        goto out;
    }
    rv = read_certs(tok, &cm, certs, names, &msroots);
    if (rv != CKR_OK)
        goto out;
    /* Public keys once per containers epoch. */
    for (size_t i = 0; i < cm.count && i < MDC_TOK_MAX_CONTAINERS; i++) {
        const mdc_cmap_record *r = &cm.records[i];
        struct mdc_card_pubkey k;
        struct mdc_card_key key;

        if (!mdc_mdfs_cmap_is_key(r)) {
            tok->pubkeys[i].present = false;
            continue;
        }
        if (tok->pubkeys_valid && tok->pubkeys[i].present)
            continue;
        if (tok->edge->get_public_key == NULL) {
            MDC_DEBUG(MDC_CAT_TOKEN, "edge cannot read public keys yet");
            break;
        }
        memset(&k, 0, sizeof(k));
        key.index = (unsigned)i;
        key.key_exchange = mdc_mdfs_cmap_key_spec_of(r) == MDC_CMAP_KEY_EXCHANGE;
        key.bits = key.key_exchange ? r->kx_key_bits : r->sig_key_bits;
        rc = tok->edge->get_public_key(tok->card, &key, &k);
        if (rc.status == MDC_CARD_OK && k.modulus.len != 0 && k.exponent.len != 0) {
            store_pubkey(&tok->pubkeys[i], &k);
            continue;
        }
        mdc_buf_free(&k.modulus);
        mdc_buf_free(&k.exponent);
        tok->pubkeys[i].present = false;
        if (rc.status == MDC_CARD_OK || missing(rc)) {
            MDC_WARN(MDC_CAT_TOKEN, "container %zu has no key on the card; not shown", i);
            continue;
        }
        rv = mdc_tok_rc_deselected(rc) ? CKR_FUNCTION_REJECTED
                                       : mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
        goto out;
    }
    for (size_t i = cm.count; i < MDC_TOK_MAX_CONTAINERS; i++)
        tok->pubkeys[i].present = false;
    tok->pubkeys_valid = true;
    rv = build(tok, &cm, certs, names, &msroots, &objs);
    if (rv != CKR_OK)
        goto out;
    mdc_tok_objects_assign_handles(&objs, &tok->objs, &tok->next_handle);
    mdc_tok_objects_clear(&tok->objs);
    tok->objs = objs;
    memset(&objs, 0, sizeof(objs));
    tok->objs_valid = !tok->cardcf_absent;
    MDC_DEBUG(MDC_CAT_CACHE, "%zu objects from %zu cmapfile records", tok->objs.count, cm.count);
out:
    mdc_tok_objects_clear(&objs);
    for (size_t i = 0; certs != NULL && i < MDC_TOK_MAX_CONTAINERS; i++)
        mdc_buf_free(&certs[i]);
    free(certs);
    free(names);
    mdc_mdfs_cmap_clear(&cm);
    mdc_buf_free(&cmap);
    mdc_buf_free(&msroots);
    return rv;
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
