/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The PKCS#11 objects of a card (DESIGN.md section 4), built from what the
 * minidriver file system holds: per key container a private and a public
 * key, per certificate file of a valid container a certificate, per msroots
 * entry a CA certificate. Pure: bytes in, objects out; plus attribute
 * values, template matching and the C_GetAttributeValue buffer protocol.
 */
#ifndef MDC_TOK_OBJECTS_H
#define MDC_TOK_OBJECTS_H

#include "mdcard/pkcs11.h"
#include "mdfs/ids.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MDC_TOK_MAX_CONTAINERS 127
#define MDC_TOK_FILE_KEY_SIZE 24

struct mdc_tok_object {
    CK_OBJECT_HANDLE handle;
    CK_OBJECT_CLASS cls;
    /* What the object is made of: "priv:00", "pub:00", "kxc00", "msroots:3". */
    char file[MDC_TOK_FILE_KEY_SIZE];
    int container; /* -1 for msroots certificates */
    bool key_exchange;
    CK_ULONG bits;
    uint8_t id[MDC_ID_LEN];
    char *label;
    uint8_t *modulus, *exponent, *spki, *subject, *value, *issuer, *serial;
    size_t modulus_len, exponent_len, spki_len, subject_len, value_len, issuer_len, serial_len;
    CK_ULONG category; /* certificates: 0 unspecified, 2 authority */
    bool session;      /* CKA_TOKEN false: in memory only, never on the card */
    uint8_t check_value[3];
};

struct mdc_tok_objects {
    struct mdc_tok_object *items;
    size_t count;
};

/* One key container as the token layer learned it from the card. */
struct mdc_tok_container {
    unsigned index;
    bool key_exchange;
    unsigned bits;
    const char *name; /* container name, UTF-8 */
    const uint8_t *modulus, *exponent;
    size_t modulus_len, exponent_len;
    const uint8_t *cert; /* DER certificate of the container, or NULL */
    size_t cert_len;
    const char *cert_file; /* e.g. "kxc00" */
};

void mdc_tok_objects_clear(struct mdc_tok_objects *objs);

/* Adds the private key, public key and (with cert) certificate of a container. */
CK_RV mdc_tok_objects_add_container(struct mdc_tok_objects *objs,
                                    const struct mdc_tok_container *c);
/* Adds the CA certificates of an msroots file (raw or compressed); a file
 * that does not parse adds nothing (logged). */
CK_RV mdc_tok_objects_add_msroots(struct mdc_tok_objects *objs, const uint8_t *file, size_t len);

/* Adds a session certificate (CKA_TOKEN false) from DER; CKA_ID from its
 * public key like every certificate; `ca` sets the authority category. */
CK_RV mdc_tok_objects_add_session_cert(struct mdc_tok_objects *objs, const uint8_t *der,
                                       size_t len, bool ca, CK_OBJECT_HANDLE handle);
/* Removes the object with this handle; false when there is none. */
bool mdc_tok_objects_remove(struct mdc_tok_objects *objs, CK_OBJECT_HANDLE h);

/* Give every object of `now` a handle: the handle of the object of `before`
 * with the same class, file and CKA_ID, else a new one from *next. */
void mdc_tok_objects_assign_handles(struct mdc_tok_objects *now,
                                    const struct mdc_tok_objects *before, CK_OBJECT_HANDLE *next);

struct mdc_tok_object *mdc_tok_objects_find(const struct mdc_tok_objects *objs, CK_OBJECT_HANDLE h);

/* DER SubjectPublicKeyInfo of an RSA key (spki.c); free *out with free(). */
bool mdc_tok_rsa_spki(const uint8_t *n, size_t n_len, const uint8_t *e, size_t e_len,
                      uint8_t **out, size_t *out_len);

/* Label rule: subject CN of the certificate when present, else the name. */
char *mdc_tok_label_for(const uint8_t *cert, size_t cert_len, const char *name);

/* ---- attributes (attrs.c) ---- */
enum mdc_tok_attr_rc {
    MDC_TOK_ATTR_OK,
    MDC_TOK_ATTR_SENSITIVE,
    MDC_TOK_ATTR_INVALID,
};

/* Value of one attribute: *val points into the object or into scratch
 * (room for one CK_ULONG / CK_BBOOL). */
enum mdc_tok_attr_rc mdc_tok_attr(const struct mdc_tok_object *o, CK_ATTRIBUTE_TYPE type,
                                  CK_ULONG *scratch, const void **val, CK_ULONG *len);
/* C_GetAttributeValue on one object, the whole buffer protocol. */
CK_RV mdc_tok_get_attributes_of(const struct mdc_tok_object *o, CK_ATTRIBUTE *tmpl, CK_ULONG n);
/* Every attribute of the template present with an equal value. */
bool mdc_tok_match(const struct mdc_tok_object *o, const CK_ATTRIBUTE *tmpl, CK_ULONG n);
/* C_GetObjectSize: a rough size of the object's values. */
CK_ULONG mdc_tok_object_size_of(const struct mdc_tok_object *o);

#endif
