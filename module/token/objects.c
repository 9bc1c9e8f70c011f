/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Builds the object list of a card from container data, certificates and
 * msroots (DESIGN.md section 4): CKA_ID, labels, subjects, SPKI, the DER
 * fields NSS searches by, and stable handles across re-enumerations.
 */
#include "token/objects.h"

#include "mdfs/msroots.h"
#include "util/log.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void object_free(struct mdc_tok_object *o)
{
    free(o->label);
    free(o->modulus);
    free(o->exponent);
    free(o->spki);
    free(o->subject);
    free(o->value);
    free(o->issuer);
    free(o->serial);
    memset(o, 0, sizeof(*o));
}

void mdc_tok_objects_clear(struct mdc_tok_objects *objs)
{
    if (objs == NULL)
        return;
    for (size_t i = 0; i < objs->count; i++)
        object_free(&objs->items[i]);
    free(objs->items);
    objs->items = NULL;
    objs->count = 0;
}

static uint8_t *dup_bytes(const void *p, size_t len)
{
    uint8_t *d;

    if (p == NULL || len == 0)
        return NULL;
    d = malloc(len);
    if (d != NULL)
        memcpy(d, p, len);
    return d;
}

static struct mdc_tok_object *append(struct mdc_tok_objects *objs)
{
    struct mdc_tok_object *items;

    if (objs->count >= 4 * MDC_TOK_MAX_CONTAINERS + 512)
        return NULL;
    items = realloc(objs->items, (objs->count + 1) * sizeof(*items));
    if (items == NULL)
        return NULL;
    objs->items = items;
    memset(&items[objs->count], 0, sizeof(items[0]));
    return &items[objs->count++];
}

/* i2d of an OpenSSL object into a fresh buffer. */
#define I2D_DUP(fn, obj, outp, lenp)                                                               \
    do {                                                                                           \
        int n_ = fn(obj, NULL);                                                                    \
        *(outp) = NULL;                                                                            \
        *(lenp) = 0;                                                                               \
        if (n_ > 0 && (*(outp) = malloc((size_t)n_)) != NULL) {                                    \
            unsigned char *p_ = *(outp);                                                           \
            if (fn(obj, &p_) == n_)                                                                \
                *(lenp) = (size_t)n_;                                                              \
            else {                                                                                 \
                free(*(outp));                                                                     \
                *(outp) = NULL;                                                                    \
            }                                                                                      \
        }                                                                                          \
    } while (0)

static X509 *parse_cert(const uint8_t *der, size_t len)
{
    const unsigned char *p = der;
    X509 *x;

    if (der == NULL || len == 0 || len > 1024 * 1024)
        return NULL;
    x = d2i_X509(NULL, &p, (long)len);
    if (x != NULL && p != der + len) {
        X509_free(x);
        x = NULL;
    }
    return x;
}

static char *cn_of(X509 *x)
{
    X509_NAME *name = X509_get_subject_name(x);
    int i = name ? X509_NAME_get_index_by_NID(name, NID_commonName, -1) : -1;
    unsigned char *utf8 = NULL;
    char *out = NULL;
    int n;

    if (i < 0)
        return NULL;
    n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
    if (n > 0 && memchr(utf8, 0, (size_t)n) == NULL) {
        out = malloc((size_t)n + 1);
        if (out != NULL) {
            memcpy(out, utf8, (size_t)n);
            out[n] = '\0';
        }
    }
    OPENSSL_free(utf8);
    return out;
}

char *mdc_tok_label_for(const uint8_t *cert, size_t cert_len, const char *name)
{
    X509 *x = parse_cert(cert, cert_len);
    char *label = x ? cn_of(x) : NULL;

    X509_free(x);
    if (label == NULL && name != NULL)
        label = strdup(name);
    return label;
}

/* Fills the certificate fields of o from DER; false when it does not parse. */
static bool fill_cert(struct mdc_tok_object *o, const uint8_t *der, size_t len)
{
    X509 *x = parse_cert(der, len);
    uint8_t md[SHA_DIGEST_LENGTH];

    if (x == NULL)
        return false;
    o->value = dup_bytes(der, len);
    o->value_len = o->value ? len : 0;
    I2D_DUP(i2d_X509_NAME, X509_get_subject_name(x), &o->subject, &o->subject_len);
    I2D_DUP(i2d_X509_NAME, X509_get_issuer_name(x), &o->issuer, &o->issuer_len);
    I2D_DUP(i2d_ASN1_INTEGER, X509_get0_serialNumber(x), &o->serial, &o->serial_len);
    I2D_DUP(i2d_PUBKEY, X509_get0_pubkey(x), &o->spki, &o->spki_len);
    SHA1(der, len, md);
    memcpy(o->check_value, md, sizeof(o->check_value));
    X509_free(x);
    return o->value != NULL && o->subject != NULL && o->issuer != NULL && o->serial != NULL;
}

/* Modulus without leading zero bytes (CKA_MODULUS is an unsigned big integer). */
static void strip_zeros(const uint8_t **p, size_t *len)
{
    while (*len > 1 && (*p)[0] == 0) {
        (*p)++;
        (*len)--;
    }
}

CK_RV mdc_tok_objects_add_container(struct mdc_tok_objects *objs, const struct mdc_tok_container *c)
{
    const CK_OBJECT_CLASS classes[2] = {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY};
    const uint8_t *mod = c->modulus, *exp = c->exponent;
    size_t mod_len = c->modulus_len, exp_len = c->exponent_len;
    uint8_t id[MDC_ID_LEN], *spki = NULL, *subject = NULL;
    size_t spki_len = 0, subject_len = 0;
    struct mdc_tok_object cert;
    bool have_cert = false;
    char *label;
    CK_RV rv = CKR_OK;

    if (mod == NULL || mod_len == 0 || exp == NULL || exp_len == 0 ||
        c->index >= MDC_TOK_MAX_CONTAINERS)
        return CKR_GENERAL_ERROR;
    strip_zeros(&mod, &mod_len);
    strip_zeros(&exp, &exp_len);
    if (mdc_mdfs_id_from_modulus(mod, mod_len, id) != MDC_MDFS_OK)
        return CKR_DEVICE_ERROR;
    if (!mdc_tok_rsa_spki(mod, mod_len, exp, exp_len, &spki, &spki_len))
        return CKR_HOST_MEMORY;
    memset(&cert, 0, sizeof(cert));
    if (c->cert != NULL) {
        have_cert = fill_cert(&cert, c->cert, c->cert_len);
        if (!have_cert) {
            MDC_WARN(MDC_CAT_TOKEN, "certificate %s does not parse; ignored",
                     c->cert_file ? c->cert_file : "?");
            object_free(&cert);
        }
    }
    label = mdc_tok_label_for(have_cert ? c->cert : NULL, c->cert_len, c->name);
    if (have_cert) {
        subject = dup_bytes(cert.subject, cert.subject_len);
        subject_len = subject ? cert.subject_len : 0;
    }
    for (int k = 0; k < 2 && rv == CKR_OK; k++) {
        struct mdc_tok_object *o = append(objs);

        if (o == NULL) {
            rv = CKR_HOST_MEMORY;
            break;
        }
        o->cls = classes[k];
        snprintf(o->file, sizeof(o->file), "%s:%02X", k == 0 ? "priv" : "pub", c->index);
        o->container = (int)c->index;
        o->key_exchange = c->key_exchange;
        o->bits = mod_len * 8;
        if (c->bits != 0 && c->bits != o->bits)
            MDC_INFO(MDC_CAT_TOKEN, "container %u: cmapfile says %u bits, modulus has %lu",
                     c->index, c->bits, (unsigned long)o->bits);
        memcpy(o->id, id, sizeof(id));
        o->label = label ? strdup(label) : NULL;
        o->modulus = dup_bytes(mod, mod_len);
        o->modulus_len = mod_len;
        o->exponent = dup_bytes(exp, exp_len);
        o->exponent_len = exp_len;
        o->spki = dup_bytes(spki, spki_len);
        o->spki_len = spki_len;
        o->subject = dup_bytes(subject, subject_len);
        o->subject_len = o->subject ? subject_len : 0;
        if (o->modulus == NULL || o->exponent == NULL || o->spki == NULL ||
            (label != NULL && o->label == NULL))
            rv = CKR_HOST_MEMORY;
    }
    if (rv == CKR_OK && have_cert) {
        struct mdc_tok_object *o = append(objs);
        uint8_t cert_id[MDC_ID_LEN];

        if (o == NULL) {
            rv = CKR_HOST_MEMORY;
        } else {
            *o = cert;
            have_cert = false; /* ownership moved */
            o->cls = CKO_CERTIFICATE;
            snprintf(o->file, sizeof(o->file), "%s", c->cert_file ? c->cert_file : "cert");
            o->container = (int)c->index;
            o->key_exchange = c->key_exchange;
            o->category = 0;
            /* The pairing ID is the key's; a certificate for another key is
             * still shown, under its own key's ID, so it pairs with nothing. */
            if (mdc_mdfs_id_from_cert(o->value, o->value_len, cert_id) == MDC_MDFS_OK &&
                memcmp(cert_id, id, sizeof(id)) != 0) {
                MDC_WARN(MDC_CAT_TOKEN, "certificate %s does not match container %u's key", o->file,
                         c->index);
                memcpy(o->id, cert_id, sizeof(cert_id));
            } else {
                memcpy(o->id, id, sizeof(id));
            }
            o->label = label ? strdup(label) : NULL;
            if (label != NULL && o->label == NULL)
                rv = CKR_HOST_MEMORY;
        }
    }
    if (have_cert)
        object_free(&cert);
    free(label);
    free(spki);
    free(subject);
    return rv;
}

CK_RV mdc_tok_objects_add_msroots(struct mdc_tok_objects *objs, const uint8_t *file, size_t len)
{
    mdc_msroots roots = {NULL, 0};
    mdc_mdfs_rv mrv = mdc_mdfs_msroots_parse(file, len, &roots);
    CK_RV rv = CKR_OK;

    if (mrv != MDC_MDFS_OK) {
        MDC_WARN(MDC_CAT_TOKEN, "msroots does not parse (%s); no CA certificates",
                 mdc_mdfs_rv_name(mrv));
        return CKR_OK;
    }
    for (size_t i = 0; i < roots.count && rv == CKR_OK; i++) {
        struct mdc_tok_object *o;

        o = append(objs);
        if (o == NULL) {
            rv = CKR_HOST_MEMORY;
            break;
        }
        if (!fill_cert(o, roots.certs[i].der, roots.certs[i].len) ||
            mdc_mdfs_id_from_cert(o->value, o->value_len, o->id) != MDC_MDFS_OK) {
            MDC_WARN(MDC_CAT_TOKEN, "msroots certificate %zu does not parse; ignored", i);
            object_free(o);
            objs->count--;
            continue;
        }
        o->cls = CKO_CERTIFICATE;
        o->container = -1;
        o->category = 2; /* authority */
        snprintf(o->file, sizeof(o->file), "msroots:%u", (unsigned)(i & 0xFFFFu));
        o->label = mdc_tok_label_for(o->value, o->value_len, "CA certificate");
        if (o->label == NULL)
            rv = CKR_HOST_MEMORY;
    }
    mdc_mdfs_msroots_clear(&roots);
    return rv;
}

void mdc_tok_objects_assign_handles(struct mdc_tok_objects *now,
                                    const struct mdc_tok_objects *before, CK_OBJECT_HANDLE *next)
{
    for (size_t i = 0; i < now->count; i++) {
        struct mdc_tok_object *o = &now->items[i];

        o->handle = CK_INVALID_HANDLE;
        for (size_t j = 0; before != NULL && j < before->count; j++) {
            const struct mdc_tok_object *b = &before->items[j];

            if (b->cls == o->cls && strcmp(b->file, o->file) == 0 &&
                memcmp(b->id, o->id, sizeof(o->id)) == 0) {
                o->handle = b->handle;
                break;
            }
        }
        if (o->handle == CK_INVALID_HANDLE) {
            if (*next == CK_INVALID_HANDLE)
                *next = 1; /* 0 is CK_INVALID_HANDLE */
            o->handle = (*next)++;
        }
    }
}

struct mdc_tok_object *mdc_tok_objects_find(const struct mdc_tok_objects *objs, CK_OBJECT_HANDLE h)
{
    for (size_t i = 0; objs != NULL && i < objs->count; i++)
        if (objs->items[i].handle == h)
            return &objs->items[i];
    return NULL;
}

CK_RV mdc_tok_objects_add_session_cert(struct mdc_tok_objects *objs, const uint8_t *der,
                                       size_t len, bool ca, CK_OBJECT_HANDLE handle)
{
    struct mdc_tok_object *o = append(objs);

    if (o == NULL)
        return CKR_HOST_MEMORY;
    if (!fill_cert(o, der, len) || mdc_mdfs_id_from_cert(der, len, o->id) != MDC_MDFS_OK) {
        object_free(o);
        objs->count--;
        return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    o->cls = CKO_CERTIFICATE;
    o->container = -1;
    o->category = ca ? 2 : 0;
    o->session = true;
    o->handle = handle;
    snprintf(o->file, sizeof(o->file), "session");
    o->label = mdc_tok_label_for(der, len, "certificate");
    if (o->label == NULL) {
        object_free(o);
        objs->count--;
        return CKR_HOST_MEMORY;
    }
    return CKR_OK;
}

bool mdc_tok_objects_remove(struct mdc_tok_objects *objs, CK_OBJECT_HANDLE h)
{
    for (size_t i = 0; i < objs->count; i++) {
        if (objs->items[i].handle != h)
            continue;
        object_free(&objs->items[i]);
        memmove(&objs->items[i], &objs->items[i + 1],
                (objs->count - i - 1) * sizeof(objs->items[0]));
        objs->count--;
        return true;
    }
    return false;
}
