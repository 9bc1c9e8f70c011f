/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Token layer internals shared by the token/ sources: the per-slot token state
 * (connection, validated card snapshot, object cache, login state) and the
 * helpers that keep it true. Not included outside module/token/.
 */
#ifndef MDC_TOK_INT_H
#define MDC_TOK_INT_H

#include "token/objects.h"
#include "token/token.h"
#include "util/buf.h"
#include "util/secret.h"

struct mdc_tok_env {
    struct mdc_pcsc *pcsc;
};

/* Public key of one container as read from the card, kept per cache epoch. */
struct mdc_tok_pubkey {
    bool present;
    struct mdc_buf modulus;
    struct mdc_buf exponent;
};

struct mdc_tok {
    struct mdc_tok_env *env;
    char *reader;
    const struct mdc_card_edge *edge;
    struct mdc_card *card;
    unsigned long gen; /* bumped when the card goes away: sessions of older gens are gone */

    /* Card snapshot, valid for this connection only. */
    bool info_known;
    struct mdc_card_info info;
    bool snap_valid; /* cardid + cardcf read and checked in this connection */
    struct mdc_buf cardid;
    struct mdc_buf cardcf;
    bool cardcf_absent; /* blank card: no file system */

    /* Object cache, keyed by cardid + containers/files counters. */
    bool objs_valid;
    bool pubkeys_valid;
    struct mdc_tok_objects objs;
    struct mdc_tok_pubkey pubkeys[MDC_TOK_MAX_CONTAINERS];
    CK_OBJECT_HANDLE next_handle;

    /* Random generator probe: 0 unknown, 1 works, -1 does not. */
    int rng;

    /* Login state, shared by every session of the slot. */
    bool logged_in;
    struct mdc_secret *pin; /* PIN cache (when enabled) */
};

/* The card went away (removed, swapped): forget connection, cache, login. */
void mdc_tok_card_lost(struct mdc_tok *tok);
/* Forget the login (host side; wipes the PIN cache). */
void mdc_tok_drop_login(struct mdc_tok *tok);
/* Forget cached objects and public keys. */
void mdc_tok_drop_cache(struct mdc_tok *tok);

/*
 * Start a transaction on a validated card state (DESIGN.md section 6):
 * open the card if needed, begin(), recover from a reset, re-read cardcf
 * (cardid too when cardcf changed or after a reset), and with want_objects
 * rebuild the object cache when it is stale. On CKR_OK the transaction is
 * open and must be closed with mdc_tok_end().
 */
CK_RV mdc_tok_begin(struct mdc_tok *tok, bool want_objects);
void mdc_tok_end(struct mdc_tok *tok);
/* Re-select after an unexpected 6A82/6D00/6982, re-validate, re-verify the
 * cached PIN; inside an open transaction. CKR_OK: retry the operation. */
CK_RV mdc_tok_recover(struct mdc_tok *tok);
/* Map an edge result to CK_RV, dropping the card when it is gone. */
CK_RV mdc_tok_rv(struct mdc_tok *tok, mdc_card_rc rc, enum mdc_card_op op);
bool mdc_tok_rc_gone(mdc_card_rc rc);
/* 6A82/6D00/6982 out of the blue: another application took the card. */
bool mdc_tok_rc_deselected(mdc_card_rc rc);

/* Enumerate the card's objects into tok->objs (inside a transaction). */
CK_RV mdc_tok_enumerate(struct mdc_tok *tok);

/* PIN verification with the card (inside a transaction). */
CK_RV mdc_tok_verify(struct mdc_tok *tok, const uint8_t *pin, size_t len);

/* The PIN cache knob (MDCARD_PIN_CACHE, default on), read once. */
bool mdc_tok_config_pin_cache(void);

#endif
