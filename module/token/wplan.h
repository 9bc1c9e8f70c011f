/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Pure decisions of the write side (DESIGN.md sections 4-5), kept apart so
 * that unit tests can drive them: which container a certificate belongs to,
 * what a given CKA_ID means, whether a certificate is a CA, and which
 * cardcf counters each operation bumps.
 */
#ifndef MDC_TOK_WPLAN_H
#define MDC_TOK_WPLAN_H

#include "token/objects.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The logical writes of DESIGN.md section 5's table. */
enum mdc_tok_wop {
    MDC_TOK_WOP_CERT,    /* certificate written, replaced or deleted in a container */
    MDC_TOK_WOP_FILE,    /* msroots changed, other file created/written/deleted */
    MDC_TOK_WOP_KEY,     /* key generated, imported or deleted */
    MDC_TOK_WOP_PIN,     /* PIN changed or unblocked */
    MDC_TOK_WOP_WIPE,    /* token re-initialization: every counter */
};
/* MDC_CARDCF_* bits the operation bumps (each by exactly one). */
unsigned mdc_tok_wop_counters(enum mdc_tok_wop op);

/* Container (>= 0) whose key has this CKA_ID (SHA-1 of the modulus), else -1. */
int mdc_tok_container_of_key(const struct mdc_tok_objects *objs, const uint8_t id[MDC_ID_LEN]);

enum mdc_tok_id_verdict {
    MDC_TOK_ID_ABSENT,   /* no CKA_ID given */
    MDC_TOK_ID_MATCH,    /* the key's ID, or the 1-byte index of its container */
    MDC_TOK_ID_UNKNOWN,  /* names nothing on the card: accepted with a warning */
    MDC_TOK_ID_CONFLICT, /* names another key or container: refused */
};
/* What a CKA_ID given with a certificate for `container` (key ID key_id) means. */
enum mdc_tok_id_verdict mdc_tok_cert_id_verdict(const struct mdc_tok_objects *objs, int container,
                                                const uint8_t key_id[MDC_ID_LEN],
                                                const uint8_t *id, size_t id_len);

/* The DER is exactly one X.509 certificate; *is_ca from basicConstraints CA=TRUE. */
bool mdc_tok_cert_parse(const uint8_t *der, size_t len, bool *is_ca);

#endif
