/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one write rule (DESIGN.md section 5) as helpers shared by every write:
 * open one exclusive transaction on a freshly validated card, re-read what
 * writes depend on (cmapfile, mscp file list) from the card, write cardcf
 * once with the operation's counters bumped, and rebuild the cache only
 * after the card accepted everything.
 */
#include "token/tok_int.h"

#include "mdfs/cardcf.h"
#include "mdfs/certfile.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool missing(mdc_card_rc rc)
{
    return rc.status == MDC_CARD_ABSENT ||
           (rc.status == MDC_CARD_SW && (rc.sw == 0x6A82 || rc.sw == 0x6A88));
}

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

static CK_RV wr_begin(struct mdc_tok *tok, struct mdc_tok_wr *w, bool disk_checked_later)
{
    const struct mdc_disk_blob *held;
    mdc_card_rc rc;
    mdc_mdfs_rv mrv;
    CK_RV rv;

    memset(w, 0, sizeof(*w));
    rv = mdc_tok_begin(tok, true);
    if (rv != CKR_OK)
        return rv;
    if (tok->objs_from_disk && !disk_checked_later) {
        /* The disk cache is never trusted for writes: read the card. */
        tok->objs_valid = false;
        tok->pubkeys_valid = false;
        rv = mdc_tok_enumerate(tok);
        if (rv != CKR_OK) {
            mdc_tok_end(tok);
            return rv;
        }
    }
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
    if (missing(rc)) {
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
        if (missing(rc) || rc.status == MDC_CARD_UNSUPPORTED) {
            mdc_buf_clear(&w->files);
        } else if (rc.status != MDC_CARD_OK) {
            rv = mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
            goto fail;
        }
    }
    return CKR_OK;
fail:
    mdc_tok_end(tok);
    mdc_mdfs_cmap_clear(&w->cm);
    mdc_buf_free(&w->cmap_raw);
    mdc_buf_free(&w->files);
    return rv;
}

CK_RV mdc_tok_wr_begin(struct mdc_tok *tok, struct mdc_tok_wr *w)
{
    return wr_begin(tok, w, false);
}

CK_RV mdc_tok_wr_begin_cert(struct mdc_tok *tok, struct mdc_tok_wr *w)
{
    return wr_begin(tok, w, true);
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
    return CKR_OK;
}

size_t mdc_tok_wr_certnames(const struct mdc_tok_wr *w, unsigned index, char (*names)[6],
                            size_t max)
{
    bool valid[MDC_TOK_MAX_CONTAINERS] = {false};
    size_t n = w->cm.count < MDC_TOK_MAX_CONTAINERS ? w->cm.count : MDC_TOK_MAX_CONTAINERS;
    size_t found = 0;

    if (index >= MDC_TOK_MAX_CONTAINERS)
        return 0;
    for (size_t i = 0; i < n; i++)
        valid[i] = mdc_mdfs_cmap_is_valid(&w->cm.records[i]);
    valid[index] = true;
    if (n <= index)
        n = index + 1;
    for (size_t off = 0; off < w->files.len && found < max;) {
        const char *name = (const char *)w->files.data + off;
        size_t len = strnlen(name, w->files.len - off);
        mdc_certname cn;
        unsigned idx;

        if (len < MDC_CERTNAME_SIZE && mdc_mdfs_certname_parse(name, len, &cn) == MDC_MDFS_OK &&
            mdc_mdfs_certname_resolve(&cn, valid, n, &idx) == MDC_MDFS_OK && idx == index) {
            memcpy(names[found], name, len);
            names[found][len] = '\0';
            found++;
        }
        off += len + 1;
    }
    return found;
}

void mdc_tok_wr_end(struct mdc_tok *tok, struct mdc_tok_wr *w)
{
    if (w->changed && tok->card != NULL) {
        tok->objs_valid = false;
        if (mdc_tok_enumerate(tok) != CKR_OK)
            MDC_WARN(MDC_CAT_CACHE, "re-reading the card after a write failed; retried later");
    }
    mdc_tok_end(tok);
    mdc_mdfs_cmap_clear(&w->cm);
    mdc_buf_free(&w->cmap_raw);
    mdc_buf_free(&w->files);
}
