/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Templates of the write side, checked before anything reaches the token:
 * C_CreateObject (certificates, RSA private keys) and C_GenerateKeyPair
 * (with or without CKA_CLASS/CKA_KEY_TYPE: p11tool omits them). Pure.
 */
#ifndef MDC_P11_WTMPL_H
#define MDC_P11_WTMPL_H

#include "mdcard/pkcs11.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CKA_CLASS of a template: CKR_TEMPLATE_INCOMPLETE when absent. */
CK_RV mdc_p11_tmpl_class(const CK_ATTRIBUTE *t, CK_ULONG n, CK_OBJECT_CLASS *cls);

struct mdc_p11_cert_tmpl {
    bool token; /* CKA_TOKEN (default false) */
    const uint8_t *value;
    size_t value_len;
    const uint8_t *id; /* NULL when absent */
    size_t id_len;
    bool ca;         /* CKA_CERTIFICATE_CATEGORY = 2 */
    bool has_label;  /* ignored: labels come from the card */
};
CK_RV mdc_p11_tmpl_cert(const CK_ATTRIBUTE *t, CK_ULONG n, struct mdc_p11_cert_tmpl *out);

struct mdc_p11_keygen_tmpl {
    CK_ULONG bits;
    bool key_exchange; /* decrypt-capable: CKA_DECRYPT true or unspecified */
    bool token;
    bool id_given, label_given;
};
CK_RV mdc_p11_tmpl_keygen(const CK_ATTRIBUTE *pub, CK_ULONG pn, const CK_ATTRIBUTE *priv,
                          CK_ULONG sn, struct mdc_p11_keygen_tmpl *out);

/* RSA private key (all CRT components), as C_CreateObject gets it. */
struct mdc_p11_rsa_tmpl {
    bool token;
    bool key_exchange;
    const CK_ATTRIBUTE *n, *e, *d, *p, *q, *dp, *dq, *qinv;
};
CK_RV mdc_p11_tmpl_rsa_private(const CK_ATTRIBUTE *t, CK_ULONG n, struct mdc_p11_rsa_tmpl *out);

#endif
