/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one write rule (DESIGN.md section 5) as helpers shared by every write:
 * open one exclusive transaction on a freshly validated card, re-read what
 * writes depend on (cmapfile, mscp file list) from the card, write cardcf
 * once with the operation's counters bumped, and update the cache only
 * after the card accepted everything: from what was written when the cached
 * state agrees with what the transaction read, else by reading the card.
 */
#include "token/tok_int.h"

#include "mdfs/cardcf.h"
#include "mdfs/certfile.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

CK_RV mdc_tok_wr_fail(struct mdc_tok *tok, mdc_card_rc rc, const char *what)
{
    CK_RV rv = mdc_tok_rv(tok, rc, MDC_CARD_OP_WRITE);

    if (rv == CKR_DEVICE_MEMORY)
        MDC_ERROR(MDC_CAT_TOKEN, "card full: no room for %s (SW %04X)", what, rc.sw);
    else
        MDC_ERROR(MDC_CAT_TOKEN, "card refused %s (status %d, SW %04X)", what, (int)rc.status,
                  rc.sw);
    return rv;
}

static bool is_msroots(const char *name, size_t len)
{
    return len == 7 && strncasecmp(name, "msroots", 7) == 0;
}

/* tok->rec's cmapfile is the one read in this transaction (absent as absent). */
static bool rec_cmap_agrees(const struct mdc_disk_record *r, const struct mdc_tok_wr *w)
{
    const struct mdc_disk_blob *b = mdc_tok_disk_record_find(r, MDC_DISK_CMAPFILE, 0);

    if (b == NULL || w->cmap_absent)
        return b == NULL && w->cmap_absent;
    return b->len == w->cmap_raw.len &&
           (b->len == 0 || memcmp(b->data, w->cmap_raw.data, b->len) == 0);
}

/*
 * The record's certificate files and msroots are what a card read would find
 * with this listing and cmapfile (enumerate.c: per valid container the first
 * listed name that resolves to it; msroots when listed). An empty or
 * unreadable file makes them differ: the card is read then, which is rare.
 */
static bool rec_files_agree(const struct mdc_disk_record *r, const mdc_cmapfile *cm,
                            const struct mdc_buf *files)
{
    bool valid[MDC_TOK_MAX_CONTAINERS] = {false}, seen[MDC_TOK_MAX_CONTAINERS] = {false};
    char expect[MDC_TOK_MAX_CONTAINERS][MDC_CERTNAME_SIZE];
    size_t n = cm->count < MDC_TOK_MAX_CONTAINERS ? cm->count : MDC_TOK_MAX_CONTAINERS;
    bool roots = false;

    memset(expect, 0, sizeof(expect));
    for (size_t i = 0; i < n; i++)
        valid[i] = mdc_mdfs_cmap_is_valid(&cm->records[i]);
    for (size_t off = 0; off < files->len;) {
        const char *name = (const char *)files->data + off;
        size_t len = strnlen(name, files->len - off);
        mdc_certname cn;
        unsigned idx;

        if (is_msroots(name, len)) {
            roots = true;
        } else if (mdc_mdfs_certname_parse(name, len, &cn) == MDC_MDFS_OK &&
                   mdc_mdfs_certname_resolve(&cn, valid, n, &idx) == MDC_MDFS_OK &&
                   expect[idx][0] == '\0') {
            if (len >= MDC_CERTNAME_SIZE)
                return false; /* a name the record cannot hold whole */
            memcpy(expect[idx], name, len);
        }
        off += len + 1;
    }
    for (size_t i = 0; i < r->count; i++) {
        const struct mdc_disk_blob *b = &r->blobs[i];

        if (b->kind == MDC_DISK_MSROOTS && !roots)
            return false;
        if (b->kind != MDC_DISK_CERTFILE)
            continue;
        if (b->index >= n || seen[b->index] || strcmp(b->name, expect[b->index]) != 0)
            return false;
        seen[b->index] = true;
    }
    for (size_t i = 0; i < n; i++)
        if (expect[i][0] != '\0' && !seen[i])
            return false;
    return !roots || mdc_tok_disk_record_find(r, MDC_DISK_MSROOTS, 0) != NULL;
}

static void rec_check(struct mdc_tok *tok, struct mdc_tok_wr *w)
{
    w->rec_ok = tok->objs_valid && w->files_listed && rec_cmap_agrees(&tok->rec, w) &&
                rec_files_agree(&tok->rec, &w->cm, &w->files);
    if (!w->rec_ok)
        MDC_DEBUG(MDC_CAT_CACHE,
                  "cached card data differs from the card's: read back after the write");
}

CK_RV mdc_tok_wr_begin(struct mdc_tok *tok, struct mdc_tok_wr *w)
{
    const struct mdc_disk_blob *held;
    mdc_card_rc rc;
    mdc_mdfs_rv mrv;
    CK_RV rv;

    memset(w, 0, sizeof(*w));
    rv = mdc_tok_begin(tok, true);
    if (rv != CKR_OK)
        return rv;
    if (!tok->info.fs_present) {
        MDC_ERROR(MDC_CAT_TOKEN, "card has no minidriver file system: initialize it first");
        mdc_tok_end(tok);
        return CKR_TOKEN_NOT_RECOGNIZED;
    }
    if (tok->cardcf_absent || tok->cardcf.len < MDC_CARDCF_MIN_LEN) {
        MDC_ERROR(MDC_CAT_TOKEN, "card has no usable cardcf: refusing to write");
        mdc_tok_end(tok);
        return CKR_DEVICE_ERROR;
    }
    /* Read from the card in this very transaction: no need to ask again. */
    held = tok->rec_this_txn ? mdc_tok_disk_record_find(&tok->rec, MDC_DISK_CMAPFILE, 0) : NULL;
    if (tok->rec_this_txn && held == NULL)
        rc = (mdc_card_rc){MDC_CARD_ABSENT, 0};
    else if (held != NULL)
        rc = mdc_buf_append(&w->cmap_raw, held->data, held->len) ? (mdc_card_rc){MDC_CARD_OK, 0}
                                                                 : (mdc_card_rc){MDC_CARD_NOMEM, 0};
    else
        rc = tok->edge->read_file(tok->card, "mscp", "cmapfile", &w->cmap_raw);
    if (mdc_tok_rc_missing(rc)) {
        w->cmap_absent = true;
        mdc_buf_clear(&w->cmap_raw);
    } else if (rc.status != MDC_CARD_OK) {
        rv = mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
        goto fail;
    }
    mrv = mdc_mdfs_cmap_parse(w->cmap_raw.data, w->cmap_raw.len, &w->cm);
    if (mrv != MDC_MDFS_OK) {
        MDC_ERROR(MDC_CAT_TOKEN, "cmapfile does not parse (%s): refusing to write",
                  mdc_mdfs_rv_name(mrv));
        rv = CKR_DEVICE_ERROR;
        goto fail;
    }
    if (tok->edge->list_files != NULL) {
        rc = tok->edge->list_files(tok->card, "mscp", &w->files);
        if (mdc_tok_rc_missing(rc) || rc.status == MDC_CARD_UNSUPPORTED) {
            mdc_buf_clear(&w->files);
            w->files_listed = rc.status != MDC_CARD_UNSUPPORTED;
        } else if (rc.status != MDC_CARD_OK) {
            rv = mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
            goto fail;
        } else {
            w->files_listed = true;
        }
    }
    rec_check(tok, w);
    return CKR_OK;
fail:
    mdc_tok_end(tok);
    mdc_mdfs_cmap_clear(&w->cm);
    mdc_buf_free(&w->cmap_raw);
    mdc_buf_free(&w->files);
    return rv;
}

CK_RV mdc_tok_wr_reread(struct mdc_tok *tok, struct mdc_tok_wr *w)
{
    CK_RV rv;

    tok->objs_valid = false;
    tok->pubkeys_valid = false;
    rv = mdc_tok_enumerate(tok);
    if (rv == CKR_OK)
        rec_check(tok, w);
    return rv;
}

bool mdc_tok_wr_key_holds(struct mdc_tok *tok, const struct mdc_tok_wr *w, int c)
{
    struct mdc_card_pubkey k;
    struct mdc_card_key key;
    const mdc_cmap_record *r;
    mdc_card_rc rc;
    bool same;

    if (!w->rec_ok || c < 0 || (size_t)c >= w->cm.count || c >= MDC_TOK_MAX_CONTAINERS ||
        tok->edge->get_public_key == NULL)
        return false;
    r = &w->cm.records[c];
    if (!mdc_mdfs_cmap_is_key(r))
        return false;
    memset(&k, 0, sizeof(k));
    key.index = (unsigned)c;
    key.key_exchange = mdc_mdfs_cmap_key_spec_of(r) == MDC_CMAP_KEY_EXCHANGE;
    key.bits = key.key_exchange ? r->kx_key_bits : r->sig_key_bits;
    rc = tok->edge->get_public_key(tok->card, &key, &k);
    same = rc.status == MDC_CARD_OK && tok->pubkeys[c].present &&
           k.modulus.len == tok->pubkeys[c].modulus.len &&
           k.exponent.len == tok->pubkeys[c].exponent.len &&
           memcmp(k.modulus.data, tok->pubkeys[c].modulus.data, k.modulus.len) == 0 &&
           memcmp(k.exponent.data, tok->pubkeys[c].exponent.data, k.exponent.len) == 0;
    mdc_buf_free(&k.modulus);
    mdc_buf_free(&k.exponent);
    if (!same)
        MDC_INFO(MDC_CAT_CACHE, "disk cache disagrees with the card about container %d", c);
    return same;
}

CK_RV mdc_tok_wr_bump(struct mdc_tok *tok, struct mdc_tok_wr *w, unsigned which)
{
    uint8_t *cf;
    size_t len = tok->cardcf.len;
    mdc_card_rc rc;
    CK_RV rv = CKR_OK;

    if (w->bumped)
        return CKR_GENERAL_ERROR; /* one bump per operation */
    cf = malloc(len);
    if (cf == NULL)
        return CKR_HOST_MEMORY;
    if (mdc_mdfs_cardcf_bump(tok->cardcf.data, len, which, cf) != MDC_MDFS_OK) {
        free(cf);
        return CKR_GENERAL_ERROR;
    }
    rc = tok->edge->write_file(tok->card, NULL, "cardcf", cf, len, false);
    if (mdc_tok_rc_deselected(rc) && tok->logged_in && tok->pin != NULL) {
        /* Another process selected the card (a new process's SELECT logs
         * GIDS out) before this transaction began: nothing was written yet.
         * Re-select, re-verify the cached PIN, and retry if the card state
         * this transaction read is still the card's. */
        struct mdc_buf before = MDC_BUF_INIT;
        bool same;

        if (!mdc_buf_append(&before, tok->cardcf.data, len)) {
            free(cf);
            return CKR_HOST_MEMORY;
        }
        rv = mdc_tok_recover(tok);
        same = rv == CKR_OK && tok->logged_in && tok->cardcf.len == len &&
               memcmp(tok->cardcf.data, before.data, len) == 0;
        mdc_buf_free(&before);
        if (!same) {
            free(cf);
            return rv != CKR_OK ? rv : tok->logged_in ? CKR_DEVICE_ERROR : CKR_USER_NOT_LOGGED_IN;
        }
        MDC_INFO(MDC_CAT_TOKEN, "logged in again after another application's selection");
        rc = tok->edge->write_file(tok->card, NULL, "cardcf", cf, len, false);
    }
    if (rc.status != MDC_CARD_OK) {
        rv = mdc_tok_wr_fail(tok, rc, "the cardcf update");
    } else {
        /* The card holds the new value: so does our snapshot. */
        memcpy(tok->cardcf.data, cf, len);
        w->bumped = true;
        w->changed = true;
        MDC_DEBUG(MDC_CAT_CACHE, "cardcf bumped (0x%x)", which);
    }
    free(cf);
    return rv;
}

CK_RV mdc_tok_wr_cmap(struct mdc_tok *tok, struct mdc_tok_wr *w)
{
    uint8_t *raw = NULL;
    size_t len = 0;
    mdc_card_rc rc;

    if (mdc_mdfs_cmap_build(&w->cm, &raw, &len) != MDC_MDFS_OK)
        return CKR_HOST_MEMORY;
    if (w->cmap_absent) {
        rc = tok->edge->create_file != NULL
                 ? tok->edge->create_file(tok->card, "mscp", "cmapfile", raw, len)
                 : (mdc_card_rc){MDC_CARD_UNSUPPORTED, 0};
        if (rc.status == MDC_CARD_OK)
            w->cmap_absent = false;
    } else {
        rc = tok->edge->write_file(tok->card, "mscp", "cmapfile", raw, len, false);
    }
    mdc_mdfs_free(raw);
    if (rc.status != MDC_CARD_OK)
        return mdc_tok_wr_fail(tok, rc, "the cmapfile update");
    w->cmap_written = true;
    return CKR_OK;
}

/*
 * Treating `index` as valid must not claim a file that already belongs to
 * another valid container: "kxc10" is container 16 in hex and 10 in decimal,
 * so with container 10 valid and 16 free it is container 10's certificate,
 * not a leftover of 16. A name is ours when the real table resolves it to
 * `index`, or resolves it nowhere and the table with `index` valid does.
 */
size_t mdc_tok_wr_certnames(const struct mdc_tok_wr *w, unsigned index, char (*names)[6],
                            size_t max)
{
    bool real[MDC_TOK_MAX_CONTAINERS] = {false}, valid[MDC_TOK_MAX_CONTAINERS];
    size_t n_real = w->cm.count < MDC_TOK_MAX_CONTAINERS ? w->cm.count : MDC_TOK_MAX_CONTAINERS;
    size_t n, found = 0;

    if (index >= MDC_TOK_MAX_CONTAINERS)
        return 0;
    for (size_t i = 0; i < n_real; i++)
        real[i] = mdc_mdfs_cmap_is_valid(&w->cm.records[i]);
    memcpy(valid, real, sizeof(valid));
    valid[index] = true;
    n = n_real <= index ? index + 1 : n_real;
    for (size_t off = 0; off < w->files.len && found < max;) {
        const char *name = (const char *)w->files.data + off;
        size_t len = strnlen(name, w->files.len - off);
        mdc_certname cn;
        unsigned idx;
        bool ours = false;

        if (len < MDC_CERTNAME_SIZE && mdc_mdfs_certname_parse(name, len, &cn) == MDC_MDFS_OK) {
            if (mdc_mdfs_certname_resolve(&cn, real, n_real, &idx) == MDC_MDFS_OK)
                ours = idx == index;
            else
                ours = mdc_mdfs_certname_resolve(&cn, valid, n, &idx) == MDC_MDFS_OK &&
                       idx == index;
        }
        if (ours) {
            memcpy(names[found], name, len);
            names[found][len] = '\0';
            found++;
        }
        off += len + 1;
    }
    return found;
}

/* ---- the cache after the write ---- */

/* w->rec: a copy of tok->rec, made on the first change. */
static bool rec_start(const struct mdc_tok *tok, struct mdc_tok_wr *w)
{
    if (w->rec_started || w->rec_failed)
        return !w->rec_failed;
    w->rec_started = true;
    for (size_t i = 0; i < tok->rec.count && !w->rec_failed; i++) {
        const struct mdc_disk_blob *b = &tok->rec.blobs[i];

        w->rec_failed = mdc_tok_disk_record_add(&w->rec, (enum mdc_disk_kind)b->kind, b->index,
                                                b->name, b->data, b->len) != MDC_MDFS_OK;
    }
    return !w->rec_failed;
}

/* w->rec without the blobs of `kind` at `index` (name NULL) or of that name,
 * then with the new blob when data is not NULL. */
static void rec_replace(const struct mdc_tok *tok, struct mdc_tok_wr *w, enum mdc_disk_kind kind,
                        unsigned index, const char *by_name, const char *name,
                        const uint8_t *data, size_t len)
{
    struct mdc_disk_record r;
    bool ok = true;

    if (!rec_start(tok, w))
        return;
    memset(&r, 0, sizeof(r));
    for (size_t i = 0; ok && i < w->rec.count; i++) {
        const struct mdc_disk_blob *b = &w->rec.blobs[i];

        if (b->kind == kind &&
            (by_name != NULL ? strcmp(b->name, by_name) == 0 : b->index == index))
            continue;
        ok = mdc_tok_disk_record_add(&r, (enum mdc_disk_kind)b->kind, b->index, b->name, b->data,
                                     b->len) == MDC_MDFS_OK;
    }
    if (ok && data != NULL)
        ok = mdc_tok_disk_record_add(&r, kind, index, name, data, len) == MDC_MDFS_OK;
    mdc_tok_disk_record_clear(&w->rec);
    w->rec = r;
    w->rec_failed = !ok;
}

/* Position of an exact name in the listing, or files->len. */
static size_t listed_at(const struct mdc_buf *files, const char *name)
{
    for (size_t off = 0; off < files->len;) {
        const char *n = (const char *)files->data + off;
        size_t len = strnlen(n, files->len - off);

        if (strlen(name) == len && memcmp(n, name, len) == 0)
            return off;
        off += len + 1;
    }
    return files->len;
}

void mdc_tok_wr_note_file(const struct mdc_tok *tok, struct mdc_tok_wr *w,
                          enum mdc_disk_kind kind, unsigned index, const char *name,
                          const uint8_t *data, size_t len)
{
    if (listed_at(&w->files, name) == w->files.len &&
        !mdc_buf_append(&w->files, (const uint8_t *)name, strlen(name) + 1))
        w->rec_failed = true;
    if (kind == MDC_DISK_MSROOTS)
        rec_replace(tok, w, kind, 0, NULL, NULL, len != 0 ? data : NULL, len);
    else
        rec_replace(tok, w, kind, index, NULL, name, data, len);
}

void mdc_tok_wr_note_deleted(const struct mdc_tok *tok, struct mdc_tok_wr *w, const char *name)
{
    size_t off = listed_at(&w->files, name), skip = strlen(name) + 1;

    if (off < w->files.len) {
        memmove(w->files.data + off, w->files.data + off + skip, w->files.len - off - skip);
        w->files.len -= skip;
    }
    if (is_msroots(name, strlen(name)))
        rec_replace(tok, w, MDC_DISK_MSROOTS, 0, NULL, NULL, NULL, 0);
    else
        rec_replace(tok, w, MDC_DISK_CERTFILE, 0, name, NULL, NULL, 0);
}

void mdc_tok_wr_note_key(const struct mdc_tok *tok, struct mdc_tok_wr *w, unsigned index,
                         const uint8_t *mod, size_t mod_len, const uint8_t *exp, size_t exp_len)
{
    bool present = mod != NULL && exp != NULL && mod_len != 0 && exp_len != 0;

    rec_replace(tok, w, MDC_DISK_MODULUS, index, NULL, NULL, present ? mod : NULL, mod_len);
    rec_replace(tok, w, MDC_DISK_EXPONENT, index, NULL, NULL, present ? exp : NULL, exp_len);
}

bool mdc_tok_wr_commit(struct mdc_tok *tok, struct mdc_tok_wr *w)
{
    bool from_disk = tok->objs_from_disk;
    uint8_t *cmap = NULL;
    size_t cmap_len = 0;

    if (!w->rec_ok || tok->card == NULL || !rec_start(tok, w))
        return false;
    if (w->cmap_written) {
        if (mdc_mdfs_cmap_build(&w->cm, &cmap, &cmap_len) != MDC_MDFS_OK)
            return false;
        rec_replace(tok, w, MDC_DISK_CMAPFILE, 0, NULL, NULL, cmap, cmap_len);
        mdc_mdfs_free(cmap);
    }
    if (w->rec_failed)
        return false;
    if (!rec_files_agree(&w->rec, &w->cm, &w->files)) {
        MDC_DEBUG(MDC_CAT_CACHE, "written files do not add up to a card read: reading the card");
        return false;
    }
    mdc_tok_disk_record_clear(&tok->rec);
    tok->rec = w->rec;
    memset(&w->rec, 0, sizeof(w->rec));
    w->rec_started = false;
    if (mdc_tok_objects_from_rec(tok) != CKR_OK)
        return false;
    /* Data loaded from the disk cache stays unverified for the next write. */
    tok->objs_from_disk = from_disk;
    w->changed = false;
    MDC_DEBUG(MDC_CAT_CACHE, "cache updated from the write (%zu objects)", tok->objs.count);
    return true;
}

void mdc_tok_wr_end(struct mdc_tok *tok, struct mdc_tok_wr *w)
{
    if (w->changed && tok->card != NULL) {
        tok->objs_valid = false;
        if (tok->objs_from_disk)
            tok->pubkeys_valid = false; /* never carried into a card read */
        if (mdc_tok_enumerate(tok) != CKR_OK)
            MDC_WARN(MDC_CAT_CACHE, "re-reading the card after a write failed; retried later");
    }
    mdc_tok_end(tok);
    mdc_mdfs_cmap_clear(&w->cm);
    mdc_buf_free(&w->cmap_raw);
    mdc_buf_free(&w->files);
    mdc_tok_disk_record_clear(&w->rec);
}
