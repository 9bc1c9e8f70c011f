/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The content of a slot's object cache: the card's public data (cmapfile,
 * certificate files, msroots, public keys) read from the card or loaded
 * from the disk record of the same cardid and containers/files counters,
 * kept as tok->rec, and the PKCS#11 objects built from it (DESIGN.md 6).
 * Reading from the card refreshes the disk record; the disk record is
 * never used by writes (write.c re-reads the card).
 */
#include "token/tok_int.h"

#include "mdfs/cardcf.h"
#include "mdfs/certfile.h"
#include "mdfs/cmapfile.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void store_pubkey(struct mdc_tok_pubkey *pk, struct mdc_card_pubkey *k)
{
    mdc_buf_free(&pk->modulus);
    mdc_buf_free(&pk->exponent);
    pk->modulus = k->modulus;
    pk->exponent = k->exponent;
    pk->present = true;
    memset(k, 0, sizeof(*k));
}

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
            if (mdc_tok_rc_missing(rc))
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
            if (mdc_tok_rc_missing(rc) || rc.status == MDC_CARD_UNSUPPORTED) {
                rc.status = MDC_CARD_OK;
                mdc_buf_clear(&certs[i]);
            }
        }
        if (rc.status == MDC_CARD_OK) {
            rc = tok->edge->read_file(tok->card, "mscp", "msroots", msroots);
            if (mdc_tok_rc_missing(rc) || rc.status == MDC_CARD_UNSUPPORTED) {
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

/* Objects of tok->rec: keys of every key container whose public key is
 * known, its certificate, the msroots CA certificates. */
static CK_RV build(struct mdc_tok *tok, const mdc_cmapfile *cm, struct mdc_tok_objects *out)
{
    size_t n = cm->count < MDC_TOK_MAX_CONTAINERS ? cm->count : MDC_TOK_MAX_CONTAINERS;
    const struct mdc_disk_blob *roots;
    CK_RV rv = CKR_OK;

    for (size_t i = 0; i < n && rv == CKR_OK; i++) {
        const mdc_cmap_record *r = &cm->records[i];
        const struct mdc_disk_blob *cert =
            mdc_tok_disk_record_find(&tok->rec, MDC_DISK_CERTFILE, (unsigned)i);
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
        if (cert != NULL && cert->len != 0) {
            mdc_mdfs_rv mrv = mdc_mdfs_cert_decode(cert->data, cert->len, &der, &der_len);

            if (mrv != MDC_MDFS_OK)
                MDC_WARN(MDC_CAT_TOKEN, "certificate file %s does not decode (%s)", cert->name,
                         mdc_mdfs_rv_name(mrv));
            c.cert = der;
            c.cert_len = der_len;
            c.cert_file = cert->name;
        }
        rv = mdc_tok_objects_add_container(out, &c);
        mdc_mdfs_free(der);
    }
    roots = mdc_tok_disk_record_find(&tok->rec, MDC_DISK_MSROOTS, 0);
    if (rv == CKR_OK && roots != NULL && roots->len != 0)
        rv = mdc_tok_objects_add_msroots(out, roots->data, roots->len);
    return rv;
}

/* tok->pubkeys and tok->objs from tok->rec; no card access, no disk write. */
static CK_RV rebuild(struct mdc_tok *tok)
{
    const struct mdc_disk_blob *cmap = mdc_tok_disk_record_find(&tok->rec, MDC_DISK_CMAPFILE, 0);
    struct mdc_tok_objects objs = {NULL, 0};
    mdc_cmapfile cm = {NULL, 0};
    mdc_mdfs_rv mrv;
    CK_RV rv;

    mrv = cmap != NULL ? mdc_mdfs_cmap_parse(cmap->data, cmap->len, &cm) : MDC_MDFS_OK;
    if (mrv != MDC_MDFS_OK) {
        MDC_WARN(MDC_CAT_TOKEN, "cmapfile does not parse (%s): no keys", mdc_mdfs_rv_name(mrv));
        memset(&cm, 0, sizeof(cm));
    }
    for (unsigned i = 0; i < MDC_TOK_MAX_CONTAINERS; i++) {
        const struct mdc_disk_blob *m = mdc_tok_disk_record_find(&tok->rec, MDC_DISK_MODULUS, i);
        const struct mdc_disk_blob *e = mdc_tok_disk_record_find(&tok->rec, MDC_DISK_EXPONENT, i);
        struct mdc_tok_pubkey *pk = &tok->pubkeys[i];

        mdc_buf_clear(&pk->modulus);
        mdc_buf_clear(&pk->exponent);
        pk->present = m != NULL && e != NULL && m->len != 0 && e->len != 0 &&
                      mdc_buf_append(&pk->modulus, m->data, m->len) &&
                      mdc_buf_append(&pk->exponent, e->data, e->len);
    }
    tok->pubkeys_valid = true;
    rv = build(tok, &cm, &objs);
    MDC_DEBUG(MDC_CAT_CACHE, "%zu objects from %zu cmapfile records", objs.count, cm.count);
    mdc_mdfs_cmap_clear(&cm);
    if (rv != CKR_OK) {
        mdc_tok_objects_clear(&objs);
        return rv;
    }
    mdc_tok_objects_assign_handles(&objs, &tok->objs, &tok->next_handle);
    mdc_tok_objects_clear(&tok->objs);
    tok->objs = objs;
    tok->objs_valid = !tok->cardcf_absent;
    return CKR_OK;
}

/* The counters the record is keyed by; false for an unusable cardcf. */
static bool counters(const struct mdc_tok *tok, uint16_t *containers, uint16_t *files)
{
    mdc_cardcf cf;

    if (tok->cardcf_absent || tok->cardid.len == 0 || tok->cardid.len > MDC_DISK_MAX_CARDID ||
        mdc_mdfs_cardcf_parse(tok->cardcf.data, tok->cardcf.len, &cf) != MDC_MDFS_OK)
        return false;
    *containers = cf.containers;
    *files = cf.files;
    return true;
}

static uint8_t rng_code(int rng)
{
    return rng > 0 ? MDC_DISK_RNG_YES : rng < 0 ? MDC_DISK_RNG_NO : MDC_DISK_RNG_UNKNOWN;
}

/* tok->rec on disk, stamped with the current cardid, counters and rng. */
static void save(struct mdc_tok *tok)
{
    if (!mdc_tok_config_disk_cache() || !counters(tok, &tok->rec.containers, &tok->rec.files))
        return;
    memcpy(tok->rec.cardid, tok->cardid.data, tok->cardid.len);
    tok->rec.cardid_len = tok->cardid.len;
    tok->rec.rng = rng_code(tok->rng);
    mdc_tok_disk_save(&tok->rec);
}

CK_RV mdc_tok_objects_from_rec(struct mdc_tok *tok)
{
    CK_RV rv = rebuild(tok);

    if (rv == CKR_OK) {
        tok->objs_from_disk = false;
        save(tok);
    }
    return rv;
}

bool mdc_tok_objects_from_disk(struct mdc_tok *tok)
{
    struct mdc_disk_record r;
    uint16_t containers, files;

    if (!mdc_tok_config_disk_cache() || !counters(tok, &containers, &files) ||
        !mdc_tok_disk_load(tok->cardid.data, tok->cardid.len, &r))
        return false;
    if (r.containers != containers || r.files != files) {
        MDC_INFO(MDC_CAT_CACHE,
                 "disk cache: record is of counters %04x/%04x, the card is at %04x/%04x: "
                 "re-reading the card",
                 r.containers, r.files, containers, files);
        mdc_tok_disk_record_clear(&r);
        return false;
    }
    mdc_tok_disk_record_clear(&tok->rec);
    tok->rec = r;
    if (tok->rng == 0 && r.rng != MDC_DISK_RNG_UNKNOWN)
        tok->rng = r.rng == MDC_DISK_RNG_YES ? 1 : -1;
    if (rebuild(tok) != CKR_OK) {
        mdc_tok_disk_record_clear(&tok->rec);
        tok->objs_valid = false;
        tok->pubkeys_valid = false;
        return false;
    }
    tok->objs_from_disk = true;
    MDC_DEBUG(MDC_CAT_CACHE, "disk cache: %zu objects loaded", tok->objs.count);
    return true;
}

void mdc_tok_disk_note_rng(struct mdc_tok *tok)
{
    uint16_t containers, files;

    /* Only a record that matches the card gets rewritten. */
    if (tok->rng == 0 || !tok->objs_valid || tok->rec.cardid_len == 0 ||
        tok->rec.rng == rng_code(tok->rng) || !counters(tok, &containers, &files) ||
        tok->rec.containers != containers || tok->rec.files != files)
        return;
    save(tok);
}

/* The public data of the card into a new record; public keys read only
 * when tok->pubkeys does not hold them for this containers epoch. */
static CK_RV read_card(struct mdc_tok *tok, struct mdc_disk_record *rec)
{
    struct mdc_buf cmap = MDC_BUF_INIT, msroots = MDC_BUF_INIT;
    struct mdc_buf *certs = NULL;
    char(*names)[MDC_CERTNAME_SIZE] = NULL;
    mdc_cmapfile cm = {NULL, 0};
    mdc_card_rc rc;
    CK_RV rv = CKR_OK;
    bool ok = true, cmap_present = true;

    rc = tok->edge->read_file(tok->card, "mscp", "cmapfile", &cmap);
    if (mdc_tok_rc_missing(rc)) {
        rc.status = MDC_CARD_OK;
        mdc_buf_clear(&cmap);
        cmap_present = false;
    }
    if (rc.status != MDC_CARD_OK) {
        rv = mdc_tok_rc_deselected(rc) ? CKR_FUNCTION_REJECTED
                                       : mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
        goto out;
    }
    if (mdc_mdfs_cmap_parse(cmap.data, cmap.len, &cm) != MDC_MDFS_OK) {
        memset(&cm, 0, sizeof(cm)); /* logged by rebuild() */
    } else if (cmap.len != 0) {
        bool zero = true;

        for (size_t i = 0; i < cmap.len && zero; i++)
            zero = cmap.data[i] == 0;
        /* Legitimate only when every container was deleted; a cut write on a
         * card that zero-fills interrupted writes looks the same. */
        if (zero)
            MDC_WARN(MDC_CAT_TOKEN,
                     "cmapfile is %zu zero bytes: no containers (all deleted, or "
                     "damaged by an interrupted write)",
                     cmap.len);
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
        if (rc.status == MDC_CARD_OK || mdc_tok_rc_missing(rc)) {
            MDC_WARN(MDC_CAT_TOKEN, "container %zu has no key on the card; not shown", i);
            continue;
        }
        rv = mdc_tok_rc_deselected(rc) ? CKR_FUNCTION_REJECTED
                                       : mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
        goto out;
    }
    for (size_t i = cm.count; i < MDC_TOK_MAX_CONTAINERS; i++)
        tok->pubkeys[i].present = false;
    /* Present but empty is not absent (write.c creates an absent one). */
    if (cmap_present)
        ok = mdc_tok_disk_record_add(rec, MDC_DISK_CMAPFILE, 0, NULL, cmap.data, cmap.len) ==
             MDC_MDFS_OK;
    for (unsigned i = 0; ok && i < MDC_TOK_MAX_CONTAINERS; i++) {
        const struct mdc_tok_pubkey *pk = &tok->pubkeys[i];

        if (certs[i].len != 0)
            ok = mdc_tok_disk_record_add(rec, MDC_DISK_CERTFILE, i, names[i], certs[i].data,
                                         certs[i].len) == MDC_MDFS_OK;
        if (ok && pk->present)
            ok = mdc_tok_disk_record_add(rec, MDC_DISK_MODULUS, i, NULL, pk->modulus.data,
                                         pk->modulus.len) == MDC_MDFS_OK &&
                 mdc_tok_disk_record_add(rec, MDC_DISK_EXPONENT, i, NULL, pk->exponent.data,
                                         pk->exponent.len) == MDC_MDFS_OK;
    }
    if (ok && msroots.len != 0)
        ok = mdc_tok_disk_record_add(rec, MDC_DISK_MSROOTS, 0, NULL, msroots.data, msroots.len) ==
             MDC_MDFS_OK;
    if (!ok)
        rv = CKR_HOST_MEMORY;
out:
    for (size_t i = 0; certs != NULL && i < MDC_TOK_MAX_CONTAINERS; i++)
        mdc_buf_free(&certs[i]);
    free(certs);
    free(names);
    mdc_mdfs_cmap_clear(&cm);
    mdc_buf_free(&cmap);
    mdc_buf_free(&msroots);
    return rv;
}

CK_RV mdc_tok_enumerate(struct mdc_tok *tok)
{
    struct mdc_disk_record rec;
    CK_RV rv;

    memset(&rec, 0, sizeof(rec));
    rv = read_card(tok, &rec);
    if (rv != CKR_OK) {
        mdc_tok_disk_record_clear(&rec);
        return rv;
    }
    mdc_tok_disk_record_clear(&tok->rec);
    tok->rec = rec;
    rv = mdc_tok_objects_from_rec(tok);
    tok->rec_this_txn = rv == CKR_OK;
    return rv;
}
