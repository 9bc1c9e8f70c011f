/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Token model (Base CSP role): readers as the PKCS#11 layer sees them, and
 * per slot the token built from whatever card edge recognises the card.
 * Returns CK_RV; talks to cards only through mdcard/card_edge.h.
 */
#ifndef MDC_TOKEN_H
#define MDC_TOKEN_H

#include "mdcard/card_edge.h"
#include "mdcard/pkcs11.h"

#include <stdbool.h>
#include <stddef.h>

#define MDC_TOK_MIN_PIN_LEN 4
#define MDC_TOK_MAX_PIN_LEN 48 /* the SO PIN is a 48-hex-digit admin key */
#define MDC_TOK_MANUFACTURER "mdcard"

struct mdc_tok_env; /* shared by all slots: the PC/SC context */
struct mdc_tok;     /* the token of one slot (reader) */

struct mdc_tok_reader {
    char *name;
    bool card_present;
};

struct mdc_tok_env *mdc_tok_env_new(void);
void mdc_tok_env_free(struct mdc_tok_env *env);
/* After fork(): forget without talking to pcscd. */
void mdc_tok_env_abandon(struct mdc_tok_env *env);

/* Current readers and card presence; no PC/SC service = zero readers. */
CK_RV mdc_tok_list_readers(struct mdc_tok_env *env, struct mdc_tok_reader **readers, size_t *count);
void mdc_tok_free_readers(struct mdc_tok_reader *readers, size_t count);
CK_RV mdc_tok_card_present(struct mdc_tok_env *env, const char *reader, bool *present);

struct mdc_tok *mdc_tok_new(struct mdc_tok_env *env, const char *reader);
void mdc_tok_free(struct mdc_tok *tok);
/* Drop the card state (connection) without freeing the token; used when
 * the reader disappears. */
void mdc_tok_detach(struct mdc_tok *tok);

/* C_GetTokenInfo for the card in this token's reader. */
CK_RV mdc_tok_get_info(struct mdc_tok *tok, CK_TOKEN_INFO *info);

/* Pure parts, exposed for tests. */
/* serial = last 16 hex digits of cardid, lower case (fewer if cardid is short). */
void mdc_tok_serial_from_cardid(const uint8_t *cardid, size_t len, char serial[17]);
void mdc_tok_fill_info(const struct mdc_card_info *card, const uint8_t *cardid, size_t cardid_len,
                       const struct mdc_pin_info *pin, CK_TOKEN_INFO *info);

#endif
