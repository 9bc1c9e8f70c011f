/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * New key containers (GIDS-AND-MINIDRIVER.md 4.8/4.9): C_GenerateKeyPair and
 * RSA private key import. First free cmapfile record (else append), a fresh
 * GUID-style name, default flag when no other container is default; the
 * reservation record (sizes 0) is written before the key, the final record
 * with the size after it, so an interruption never exposes a half key.
 * The decisions rest only on what the transaction re-reads (cmapfile, file
 * list; the edge reads the keymap): objects from the disk cache are not
 * re-read, and the cache is updated afterwards from what was written.
 */
#include "token/tok_int.h"
#include "token/wplan.h"

#include "mdfs/guid.h"
#include "util/log.h"
#include "util/tlv.h"

#include <string.h>

#define MAX_NAMES 8

static CK_OBJECT_HANDLE handle_of(const struct mdc_tok *tok, CK_OBJECT_CLASS cls, size_t index)
{
    for (size_t i = 0; i < tok->objs.count; i++) {
        const struct mdc_tok_object *o = &tok->objs.items[i];

        if (o->cls == cls && o->container == (int)index)
            return o->handle;
    }
    return CK_INVALID_HANDLE;
}

/* One DER INTEGER of an RSAPrivateKey, as an unsigned big-endian value. */
static bool der_uint(const uint8_t **p, size_t *n, const uint8_t **v, size_t *len)
{
    struct mdc_tlv t;

    if (mdc_tlv_read(*p, *n, &t) != MDC_TLV_OK || t.tag != 0x02 || t.len == 0)
        return false;
    *p += t.size;
    *n -= t.size;
    *v = t.value;
    *len = t.len;
    while (*len > 1 && (*v)[0] == 0) {
        (*v)++;
        (*len)--;
    }
    return true;
}

/* Modulus and public exponent of a PKCS#1 RSAPrivateKey (version, n, e, ...):
 * the public key of an imported key, without reading it back from the card. */
static bool rsa_public_of(const uint8_t *der, size_t der_len, const uint8_t **mod,
                          size_t *mod_len, const uint8_t **exp, size_t *exp_len)
{
    struct mdc_tlv seq;
    const uint8_t *p, *ver;
    size_t n, ver_len;

    if (mdc_tlv_read(der, der_len, &seq) != MDC_TLV_OK || seq.tag != 0x30)
        return false;
    p = seq.value;
    n = seq.len;
    return der_uint(&p, &n, &ver, &ver_len) && der_uint(&p, &n, mod, mod_len) &&
           der_uint(&p, &n, exp, exp_len) && (*mod)[0] != 0 && (*exp)[0] != 0;
}

/* Undo the reservation after the card refused the key (best effort: the
 * record is hidden anyway while its sizes are 0). */
static void release(struct mdc_tok *tok, struct mdc_tok_wr *w, size_t index)
{
    if (mdc_mdfs_cmap_free_record(&w->cm, index) == MDC_MDFS_OK &&
        mdc_tok_wr_cmap(tok, w) == CKR_OK)
        MDC_INFO(MDC_CAT_TOKEN, "reservation of container %zu released", index);
}

static CK_RV new_container(struct mdc_tok *tok, CK_ULONG bits, bool kx, const uint8_t *der,
                           size_t der_len, CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
    struct mdc_card_pubkey pk;
    struct mdc_card_key key;
    struct mdc_tok_wr w;
    mdc_cmap_record rec;
    char name[MDC_GUID_STR_SIZE], old[MAX_NAMES][6];
    size_t index, def, n_old;
    mdc_card_rc rc;
    mdc_mdfs_rv mrv;
    CK_RV rv;

    if (!tok->logged_in) {
        MDC_INFO(MDC_CAT_TOKEN, "creating a key needs the user PIN: log in first");
        return CKR_USER_NOT_LOGGED_IN;
    }
    if (tok->edge->write_file == NULL || tok->edge->create_file == NULL ||
        tok->edge->delete_file == NULL || (der == NULL && tok->edge->generate_key == NULL) ||
        (der != NULL && tok->edge->import_key == NULL))
        return CKR_FUNCTION_NOT_SUPPORTED;
    rv = mdc_tok_wr_begin(tok, &w);
    if (rv != CKR_OK)
        return rv;
    mrv = mdc_mdfs_cmap_find_free(&w.cm, &index);
    if (mrv != MDC_MDFS_OK || index >= MDC_TOK_MAX_CONTAINERS) {
        MDC_ERROR(MDC_CAT_TOKEN, "no free key container left (%zu records)", w.cm.count);
        rv = CKR_DEVICE_MEMORY;
        goto out;
    }
    if (mdc_mdfs_guid_new_name(&w.cm, name) != MDC_MDFS_OK) {
        rv = CKR_FUNCTION_FAILED;
        goto out;
    }
    memset(&rec, 0, sizeof(rec));
    if (mdc_mdfs_cmap_name_set(&rec, name) != MDC_MDFS_OK) {
        rv = CKR_GENERAL_ERROR;
        goto out;
    }
    rec.flags = MDC_CMAP_FLAG_VALID;
    if (mdc_mdfs_cmap_find_default(&w.cm, &def) != MDC_MDFS_OK)
        rec.flags |= MDC_CMAP_FLAG_DEFAULT;
    n_old = mdc_tok_wr_certnames(&w, (unsigned)index, old, MAX_NAMES);

    rv = mdc_tok_wr_bump(tok, &w, mdc_tok_wop_counters(MDC_TOK_WOP_KEY));
    if (rv != CKR_OK)
        goto out;
    /* A former container's certificate must not be inherited. */
    for (size_t i = 0; i < n_old; i++) {
        rc = tok->edge->delete_file(tok->card, "mscp", old[i]);
        if (rc.status != MDC_CARD_OK && rc.status != MDC_CARD_ABSENT) {
            rv = mdc_tok_wr_fail(tok, rc, "deleting a leftover certificate file");
            goto out;
        }
        MDC_INFO(MDC_CAT_TOKEN, "leftover certificate file %s of container %zu deleted", old[i],
                 index);
        mdc_tok_wr_note_deleted(tok, &w, old[i]);
    }
    if (mdc_mdfs_cmap_set_record(&w.cm, index, &rec) != MDC_MDFS_OK) {
        rv = CKR_GENERAL_ERROR;
        goto out;
    }
    rv = mdc_tok_wr_cmap(tok, &w);
    if (rv != CKR_OK)
        goto out;

    key.index = (unsigned)index;
    key.bits = (unsigned)bits;
    key.key_exchange = kx;
    memset(&pk, 0, sizeof(pk));
    if (der == NULL)
        rc = tok->edge->generate_key(tok->card, &key, &pk);
    else
        rc = tok->edge->import_key(tok->card, &key, der, der_len);
    if (rc.status != MDC_CARD_OK) {
        mdc_buf_free(&pk.modulus);
        mdc_buf_free(&pk.exponent);
        rv = mdc_tok_wr_fail(tok, rc, der == NULL ? "the key generation" : "the key import");
        if (!mdc_tok_rc_gone(rc) && tok->card != NULL)
            release(tok, &w, index);
        goto out;
    }
    if (kx)
        rec.kx_key_bits = (uint16_t)bits;
    else
        rec.sig_key_bits = (uint16_t)bits;
    mdc_mdfs_cmap_set_record(&w.cm, index, &rec);
    rv = mdc_tok_wr_cmap(tok, &w);
    /* The public key as the card returned it, or as imported. */
    if (pk.modulus.len != 0 && pk.exponent.len != 0) {
        mdc_tok_wr_note_key(tok, &w, (unsigned)index, pk.modulus.data, pk.modulus.len,
                            pk.exponent.data, pk.exponent.len);
    } else {
        const uint8_t *m = NULL, *e = NULL;
        size_t m_len = 0, e_len = 0;

        if (der != NULL && rsa_public_of(der, der_len, &m, &m_len, &e, &e_len) &&
            mdc_buf_append(&pk.modulus, m, m_len) && mdc_buf_append(&pk.exponent, e, e_len))
            mdc_tok_wr_note_key(tok, &w, (unsigned)index, m, m_len, e, e_len);
        else
            w.rec_ok = false; /* unknown: read it back */
    }
    /* For a read of the card instead (mdc_tok_wr_commit not possible). */
    mdc_buf_free(&tok->pubkeys[index].modulus);
    mdc_buf_free(&tok->pubkeys[index].exponent);
    tok->pubkeys[index].present = false;
    if (pk.modulus.len != 0 && pk.exponent.len != 0) {
        tok->pubkeys[index].modulus = pk.modulus;
        tok->pubkeys[index].exponent = pk.exponent;
        tok->pubkeys[index].present = true;
    } else {
        mdc_buf_free(&pk.modulus);
        mdc_buf_free(&pk.exponent);
    }
    if (rv != CKR_OK)
        goto out;
    MDC_INFO(MDC_CAT_TOKEN, "RSA-%lu key %s in container %zu (%s, %s)%s", (unsigned long)bits,
             der == NULL ? "generated" : "imported", index, name,
             kx ? "key exchange" : "signature",
             (rec.flags & MDC_CMAP_FLAG_DEFAULT) ? ", default" : "");
    mdc_tok_wr_commit(tok, &w); /* else mdc_tok_wr_end reads the card */
    mdc_tok_wr_end(tok, &w);
    if (pub != NULL)
        *pub = handle_of(tok, CKO_PUBLIC_KEY, index);
    *priv = handle_of(tok, CKO_PRIVATE_KEY, index);
    if (*priv == CK_INVALID_HANDLE || (pub != NULL && *pub == CK_INVALID_HANDLE)) {
        MDC_ERROR(MDC_CAT_TOKEN, "new key in container %zu not found in the updated cache",
                  index);
        return CKR_DEVICE_ERROR;
    }
    return CKR_OK;
out:
    mdc_tok_wr_end(tok, &w);
    return rv;
}

CK_RV mdc_tok_generate_key_pair(struct mdc_tok *tok, CK_ULONG bits, bool key_exchange,
                                CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv)
{
    *pub = CK_INVALID_HANDLE;
    *priv = CK_INVALID_HANDLE;
    return new_container(tok, bits, key_exchange, NULL, 0, pub, priv);
}

CK_RV mdc_tok_import_key(struct mdc_tok *tok, const uint8_t *der, size_t der_len, CK_ULONG bits,
                         bool key_exchange, CK_OBJECT_HANDLE *priv)
{
    *priv = CK_INVALID_HANDLE;
    if (bits < 1024 || bits > 4096 || bits % 8 != 0) {
        MDC_ERROR(MDC_CAT_TOKEN, "RSA key of %lu bits cannot be imported", (unsigned long)bits);
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    return new_container(tok, bits, key_exchange, der, der_len, NULL, priv);
}
