/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * C_CreateObject(CKO_CERTIFICATE) on the card (DESIGN.md section 5): the
 * certificate's public key chooses the container, the CKA_ID alias rule is
 * applied, the file is written compressed as kscXX/kxcXX (replacing any
 * existing certificate of the container copy-on-write), the container
 * becomes default when none is; CA certificates without a key go to msroots.
 */
#include "token/tok_int.h"
#include "token/wplan.h"

#include "mdfs/certfile.h"
#include "mdfs/msroots.h"
#include "util/hex.h"
#include "util/log.h"

#include <stdio.h>
#include <string.h>

#define MAX_NAMES 8

static void log_keys(const struct mdc_tok_objects *objs)
{
    char hex[2 * MDC_ID_LEN + 1];
    bool any = false;

    for (size_t i = 0; i < objs->count; i++) {
        const struct mdc_tok_object *o = &objs->items[i];

        if (o->cls != CKO_PUBLIC_KEY || o->container < 0)
            continue;
        mdc_util_hex_encode(o->id, MDC_ID_LEN, false, hex, sizeof(hex));
        MDC_ERROR(MDC_CAT_TOKEN, "  key present: container %d, CKA_ID %s, %lu bits", o->container,
                  hex, (unsigned long)o->bits);
        any = true;
    }
    if (!any)
        MDC_ERROR(MDC_CAT_TOKEN, "  no keys on the card");
}

/* After the cache was rebuilt: the certificate object of a container. */
static CK_OBJECT_HANDLE cert_handle(const struct mdc_tok *tok, int container, const char *file)
{
    for (size_t i = 0; i < tok->objs.count; i++) {
        const struct mdc_tok_object *o = &tok->objs.items[i];

        if (o->cls == CKO_CERTIFICATE && o->container == container &&
            (file == NULL || strcmp(o->file, file) == 0))
            return o->handle;
    }
    return CK_INVALID_HANDLE;
}

/* The replaced certificate's handle must not survive: forget its object. */
static void forget_cert(struct mdc_tok *tok, int container)
{
    for (size_t i = 0; i < tok->objs.count; i++) {
        struct mdc_tok_object *o = &tok->objs.items[i];

        if (o->cls == CKO_CERTIFICATE && o->container == container)
            o->file[0] = '\0';
    }
}

static CK_RV write_to_container(struct mdc_tok *tok, struct mdc_tok_wr *w,
                                const struct mdc_tok_cert_req *req, int c, CK_OBJECT_HANDLE *out)
{
    const mdc_cmap_record *r = &w->cm.records[c];
    bool kx = mdc_mdfs_cmap_key_spec_of(r) == MDC_CMAP_KEY_EXCHANGE;
    char name[MDC_CERTNAME_SIZE], old[MAX_NAMES][6];
    size_t n_old = mdc_tok_wr_certnames(w, (unsigned)c, old, MAX_NAMES);
    bool same = false;
    size_t def;
    uint8_t *file = NULL;
    size_t file_len = 0;
    mdc_card_rc rc;
    CK_RV rv;

    mdc_mdfs_certname_format(kx ? MDC_CERT_KX : MDC_CERT_SIG, (unsigned)c, name);
    for (size_t i = 0; i < n_old; i++)
        same = same || strcmp(old[i], name) == 0;
    if (mdc_mdfs_cert_encode(req->der, req->der_len, &file, &file_len) != MDC_MDFS_OK)
        return CKR_HOST_MEMORY;
    rv = mdc_tok_wr_bump(tok, w, mdc_tok_wop_counters(MDC_TOK_WOP_CERT));
    if (rv != CKR_OK)
        goto out;
    if (same)
        rc = tok->edge->write_file(tok->card, "mscp", name, file, file_len, true);
    else
        rc = tok->edge->create_file(tok->card, "mscp", name, file, file_len);
    if (rc.status != MDC_CARD_OK) {
        rv = mdc_tok_wr_fail(tok, rc, "the certificate file");
        goto out;
    }
    MDC_INFO(MDC_CAT_TOKEN, "certificate %s %s (%zu bytes, %zu compressed)", name,
             same ? "replaced" : "written", req->der_len, file_len);
    mdc_tok_wr_note_file(tok, w, MDC_DISK_CERTFILE, (unsigned)c, name, file, file_len);
    /* Other spellings of the old certificate go (kxc0 next to our kxc00, say). */
    for (size_t i = 0; i < n_old; i++) {
        if (strcmp(old[i], name) == 0)
            continue;
        rc = tok->edge->delete_file(tok->card, "mscp", old[i]);
        if (rc.status != MDC_CARD_OK) {
            rv = mdc_tok_wr_fail(tok, rc, "deleting the old certificate file");
            goto out;
        }
        MDC_INFO(MDC_CAT_TOKEN, "old certificate file %s of container %d deleted", old[i], c);
        mdc_tok_wr_note_deleted(tok, w, old[i]);
    }
    if (n_old > 0)
        forget_cert(tok, c);
    if (mdc_mdfs_cmap_find_default(&w->cm, &def) != MDC_MDFS_OK) {
        mdc_mdfs_cmap_set_default(&w->cm, (size_t)c);
        rv = mdc_tok_wr_cmap(tok, w);
        if (rv != CKR_OK)
            goto out;
        MDC_INFO(MDC_CAT_TOKEN, "container %d is now the default container", c);
    }
    mdc_tok_wr_commit(tok, w); /* else mdc_tok_wr_end reads the card */
    mdc_tok_wr_end(tok, w);
    mdc_mdfs_free(file);
    *out = cert_handle(tok, c, name);
    return *out == CK_INVALID_HANDLE ? CKR_DEVICE_ERROR : CKR_OK;
out:
    mdc_mdfs_free(file);
    mdc_tok_wr_end(tok, w);
    return rv;
}

static CK_RV write_to_msroots(struct mdc_tok *tok, struct mdc_tok_wr *w,
                              const struct mdc_tok_cert_req *req, CK_OBJECT_HANDLE *out)
{
    struct mdc_buf file = MDC_BUF_INIT;
    mdc_msroots roots = {NULL, 0};
    uint8_t *raw = NULL;
    size_t raw_len = 0;
    bool exists;
    mdc_card_rc rc;
    mdc_mdfs_rv mrv;
    CK_RV rv;

    rc = tok->edge->read_file(tok->card, "mscp", "msroots", &file);
    exists = rc.status == MDC_CARD_OK;
    if (!exists && !mdc_tok_rc_missing(rc)) {
        rv = mdc_tok_rv(tok, rc, MDC_CARD_OP_READ);
        goto out;
    }
    mrv = mdc_mdfs_msroots_parse(file.data, file.len, &roots);
    if (mrv != MDC_MDFS_OK) {
        MDC_ERROR(MDC_CAT_TOKEN, "msroots on the card does not parse (%s): not rewritten",
                  mdc_mdfs_rv_name(mrv));
        rv = CKR_DEVICE_ERROR;
        goto out;
    }
    mrv = mdc_mdfs_msroots_add(&roots, req->der, req->der_len);
    if (mrv == MDC_MDFS_ERR_EXISTS) {
        MDC_INFO(MDC_CAT_TOKEN, "CA certificate already in msroots: nothing written");
    } else if (mrv == MDC_MDFS_OK) {
        mrv = mdc_mdfs_msroots_build(&roots, &raw, &raw_len);
    }
    if (mrv != MDC_MDFS_OK && mrv != MDC_MDFS_ERR_EXISTS) {
        rv = mrv == MDC_MDFS_ERR_NO_MEMORY ? CKR_HOST_MEMORY : CKR_ATTRIBUTE_VALUE_INVALID;
        MDC_ERROR(MDC_CAT_TOKEN, "CA certificate cannot go into msroots (%s)",
                  mdc_mdfs_rv_name(mrv));
        goto out;
    }
    if (raw != NULL && raw_len > MDC_MSROOTS_MAX_FILE) {
        MDC_ERROR(MDC_CAT_TOKEN, "msroots would exceed %u bytes", MDC_MSROOTS_MAX_FILE);
        rv = CKR_DEVICE_MEMORY;
        goto out;
    }
    if (raw != NULL) {
        rv = mdc_tok_wr_bump(tok, w, mdc_tok_wop_counters(MDC_TOK_WOP_FILE));
        if (rv != CKR_OK)
            goto out;
        if (exists)
            rc = tok->edge->write_file(tok->card, "mscp", "msroots", raw, raw_len, true);
        else
            rc = tok->edge->create_file(tok->card, "mscp", "msroots", raw, raw_len);
        if (rc.status != MDC_CARD_OK) {
            rv = mdc_tok_wr_fail(tok, rc, "the msroots update");
            goto out;
        }
        MDC_INFO(MDC_CAT_TOKEN, "CA certificate added to msroots (%zu certificates)",
                 roots.count);
        mdc_tok_wr_note_file(tok, w, MDC_DISK_MSROOTS, 0, "msroots", raw, raw_len);
        mdc_tok_wr_commit(tok, w);
    }
    mdc_tok_wr_end(tok, w);
    rv = CKR_DEVICE_ERROR;
    *out = CK_INVALID_HANDLE;
    for (size_t i = 0; i < tok->objs.count; i++) {
        const struct mdc_tok_object *o = &tok->objs.items[i];

        if (o->cls == CKO_CERTIFICATE && o->container < 0 && o->value_len == req->der_len &&
            memcmp(o->value, req->der, req->der_len) == 0) {
            *out = o->handle;
            rv = CKR_OK;
        }
    }
    mdc_mdfs_msroots_clear(&roots);
    mdc_mdfs_free(raw);
    mdc_buf_free(&file);
    return rv;
out:
    mdc_tok_wr_end(tok, w);
    mdc_mdfs_msroots_clear(&roots);
    mdc_mdfs_free(raw);
    mdc_buf_free(&file);
    return rv;
}

CK_RV mdc_tok_create_cert(struct mdc_tok *tok, const struct mdc_tok_cert_req *req,
                          CK_OBJECT_HANDLE *out)
{
    struct mdc_tok_wr w;
    uint8_t key_id[MDC_ID_LEN];
    bool is_ca;
    int c;
    CK_RV rv;

    *out = CK_INVALID_HANDLE;
    if (!tok->logged_in) {
        /* Normal flow: NSS tries C_CreateObject before logging in. */
        MDC_INFO(MDC_CAT_TOKEN, "writing a certificate needs the user PIN: log in first");
        return CKR_USER_NOT_LOGGED_IN;
    }
    if (req->der_len > 0 && req->der[0] == '-') {
        MDC_ERROR(MDC_CAT_TOKEN, "CKA_VALUE is PEM text; a DER certificate is required");
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    if (!mdc_tok_cert_parse(req->der, req->der_len, &is_ca)) {
        MDC_ERROR(MDC_CAT_TOKEN, "CKA_VALUE is not one DER X.509 certificate (%zu bytes)",
                  req->der_len);
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    if (req->der_len > MDC_CERT_MAX_DER) {
        MDC_ERROR(MDC_CAT_TOKEN, "certificate of %zu bytes exceeds the %u-byte limit of the "
                                 "certificate file format", req->der_len, MDC_CERT_MAX_DER);
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    if (tok->edge->write_file == NULL || tok->edge->create_file == NULL ||
        tok->edge->delete_file == NULL)
        return CKR_FUNCTION_NOT_SUPPORTED;
    /* An EC or otherwise unusual key still parses as a certificate: it
     * simply matches no container. */
    if (mdc_mdfs_id_from_cert(req->der, req->der_len, key_id) != MDC_MDFS_OK)
        memset(key_id, 0, sizeof(key_id));
    rv = mdc_tok_wr_begin(tok, &w);
    if (rv != CKR_OK)
        return rv;
    c = mdc_tok_container_of_key(&tok->objs, key_id);
    /* The disk cache is never trusted for writes: the choice of container c
     * stands only if the card agrees (cmapfile and file list as recorded,
     * rec_ok, and the card's public key of c is the one the certificate was
     * matched against: one GET DATA instead of every object). Else decide
     * from the card. */
    if (tok->objs_from_disk && !mdc_tok_wr_key_holds(tok, &w, c)) {
        MDC_DEBUG(MDC_CAT_CACHE, "certificate write: reading the card's objects");
        rv = mdc_tok_wr_reread(tok, &w);
        if (rv != CKR_OK)
            goto refuse;
        c = mdc_tok_container_of_key(&tok->objs, key_id);
    }
    if (c >= 0 && ((size_t)c >= w.cm.count || !mdc_mdfs_cmap_is_key(&w.cm.records[c]))) {
        MDC_ERROR(MDC_CAT_TOKEN, "container %d changed under us", c);
        rv = CKR_DEVICE_ERROR;
        goto refuse;
    }
    if (c >= 0) {
        switch (mdc_tok_cert_id_verdict(&tok->objs, c, key_id, req->id, req->id_len)) {
        case MDC_TOK_ID_ABSENT:
        case MDC_TOK_ID_MATCH:
            break;
        case MDC_TOK_ID_UNKNOWN:
            MDC_WARN(MDC_CAT_TOKEN, "CKA_ID given with the certificate names nothing on the "
                                    "card; the certificate takes its key's ID (container %d)", c);
            break;
        case MDC_TOK_ID_CONFLICT:
            MDC_ERROR(MDC_CAT_TOKEN, "CKA_ID given with the certificate names another key than "
                                     "the certificate's own (container %d):", c);
            log_keys(&tok->objs);
            rv = CKR_ATTRIBUTE_VALUE_INVALID;
            goto refuse;
        }
        return write_to_container(tok, &w, req, c, out);
    }
    if (is_ca || req->ca) {
        if (req->id != NULL && req->id_len != 0)
            MDC_INFO(MDC_CAT_TOKEN, "CKA_ID given with a CA certificate is ignored (msroots)");
        return write_to_msroots(tok, &w, req, out);
    }
    MDC_ERROR(MDC_CAT_TOKEN, "no key on the card matches the certificate's public key, and it is "
                             "not a CA certificate: refused. Keys:");
    log_keys(&tok->objs);
    rv = CKR_ATTRIBUTE_VALUE_INVALID;
refuse:
    mdc_tok_wr_end(tok, &w);
    return rv;
}

CK_RV mdc_tok_create_session_cert(struct mdc_tok *tok, const struct mdc_tok_cert_req *req,
                                  CK_OBJECT_HANDLE *out)
{
    bool is_ca;
    CK_RV rv;

    *out = CK_INVALID_HANDLE;
    if (!mdc_tok_cert_parse(req->der, req->der_len, &is_ca)) {
        MDC_ERROR(MDC_CAT_TOKEN, "CKA_VALUE is not one DER X.509 certificate (%zu bytes)",
                  req->der_len);
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    if (tok->next_handle == 0)
        tok->next_handle = 1;
    rv = mdc_tok_objects_add_session_cert(&tok->sess, req->der, req->der_len, is_ca || req->ca,
                                          tok->next_handle);
    if (rv == CKR_OK) {
        *out = tok->next_handle++;
        MDC_INFO(MDC_CAT_TOKEN, "session certificate created (memory only)");
    }
    return rv;
}
