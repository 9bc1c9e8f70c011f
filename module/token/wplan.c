/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure decisions of the write side: counters per operation, the container a
 * certificate belongs to, the CKA_ID alias rule, certificate checks.
 */
#include "token/wplan.h"

#include "mdfs/cardcf.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <string.h>

unsigned mdc_tok_wop_counters(enum mdc_tok_wop op)
{
    switch (op) {
    case MDC_TOK_WOP_CERT:
        return MDC_CARDCF_CONTAINERS | MDC_CARDCF_FILES;
    case MDC_TOK_WOP_FILE:
        return MDC_CARDCF_FILES;
    case MDC_TOK_WOP_KEY:
        return MDC_CARDCF_CONTAINERS | MDC_CARDCF_FILES;
    case MDC_TOK_WOP_PIN:
        return MDC_CARDCF_PINS;
    case MDC_TOK_WOP_WIPE:
        return MDC_CARDCF_ALL;
    }
    return MDC_CARDCF_ALL;
}

int mdc_tok_container_of_key(const struct mdc_tok_objects *objs, const uint8_t id[MDC_ID_LEN])
{
    for (size_t i = 0; i < objs->count; i++) {
        const struct mdc_tok_object *o = &objs->items[i];

        if (o->cls == CKO_PUBLIC_KEY && o->container >= 0 &&
            memcmp(o->id, id, MDC_ID_LEN) == 0)
            return o->container;
    }
    return -1;
}

enum mdc_tok_id_verdict mdc_tok_cert_id_verdict(const struct mdc_tok_objects *objs, int container,
                                                const uint8_t key_id[MDC_ID_LEN],
                                                const uint8_t *id, size_t id_len)
{
    if (id == NULL || id_len == 0)
        return MDC_TOK_ID_ABSENT;
    if (id_len == MDC_ID_LEN && memcmp(id, key_id, MDC_ID_LEN) == 0)
        return MDC_TOK_ID_MATCH;
    if (id_len == 1 && container >= 0 && id[0] == (uint8_t)container)
        return MDC_TOK_ID_MATCH;
    for (size_t i = 0; i < objs->count; i++) {
        const struct mdc_tok_object *o = &objs->items[i];

        if (o->container < 0 || o->cls != CKO_PUBLIC_KEY)
            continue;
        if (id_len == MDC_ID_LEN && memcmp(id, o->id, MDC_ID_LEN) == 0)
            return MDC_TOK_ID_CONFLICT;
        if (id_len == 1 && id[0] == (uint8_t)o->container)
            return MDC_TOK_ID_CONFLICT;
    }
    return MDC_TOK_ID_UNKNOWN;
}

bool mdc_tok_cert_parse(const uint8_t *der, size_t len, bool *is_ca)
{
    const unsigned char *p = der;
    X509 *x;
    bool ok;

    *is_ca = false;
    if (der == NULL || len == 0 || len > 0x7fffffffu || der[0] != 0x30)
        return false;
    x = d2i_X509(NULL, &p, (long)len);
    if (x == NULL)
        return false;
    ok = p == der + len;
    /* 1: basicConstraints CA=TRUE (not a v1 root or keyUsage alone). */
    if (ok)
        *is_ca = X509_check_ca(x) == 1;
    X509_free(x);
    return ok;
}
