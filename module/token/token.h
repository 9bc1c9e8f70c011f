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
#include "util/buf.h"

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

/* Changes whenever the card leaves the reader: sessions opened under an
 * older value are gone (CKR_SESSION_HANDLE_INVALID). */
unsigned long mdc_tok_generation(const struct mdc_tok *tok);
/* Card presence changed under us (reader says empty): forget the card. */
void mdc_tok_card_removed(struct mdc_tok *tok);
/* Whether the card's random generator works (probed once per card). */
bool mdc_tok_has_rng(const struct mdc_tok *tok);

/* ---- login (login.c) ---- */
bool mdc_tok_logged_in(const struct mdc_tok *tok);
/* CKU_USER / CKU_CONTEXT_SPECIFIC / CKU_SO (admin key as 48 hex digits). */
CK_RV mdc_tok_login(struct mdc_tok *tok, CK_USER_TYPE user, const uint8_t *pin, size_t len);
CK_RV mdc_tok_logout(struct mdc_tok *tok);
/* Host-side logout when the last session closes (no APDU). */
void mdc_tok_forget_login(struct mdc_tok *tok);

/* ---- objects (cache.c) ---- */
/* Handles of the objects matching the template, after validating the card
 * state; private objects only when logged in. Free *handles with free(). */
CK_RV mdc_tok_find(struct mdc_tok *tok, const CK_ATTRIBUTE *tmpl, CK_ULONG n,
                   CK_OBJECT_HANDLE **handles, size_t *count);
/* From the validated cache (no card access). */
CK_RV mdc_tok_get_attributes(struct mdc_tok *tok, CK_OBJECT_HANDLE h, CK_ATTRIBUTE *tmpl,
                             CK_ULONG n);
CK_RV mdc_tok_object_size(struct mdc_tok *tok, CK_OBJECT_HANDLE h, CK_ULONG *size);

/* A key as the crypto front needs it. */
struct mdc_tok_key_info {
    CK_OBJECT_CLASS cls;
    CK_ULONG bits;
    bool can_sign, can_decrypt; /* private keys */
    bool key_exchange;
    uint8_t *modulus, *exponent; /* copies; free with mdc_tok_key_info_clear */
    size_t modulus_len, exponent_len;
};
/* CKR_KEY_HANDLE_INVALID for unknown handles and non-key objects, and for
 * private keys while not logged in. */
CK_RV mdc_tok_key_info(struct mdc_tok *tok, CK_OBJECT_HANDLE h, struct mdc_tok_key_info *out);
void mdc_tok_key_info_clear(struct mdc_tok_key_info *k);

/* ---- card crypto (crypto.c) ---- */
/* Private key operations; need login. `out` is replaced. */
CK_RV mdc_tok_sign(struct mdc_tok *tok, CK_OBJECT_HANDLE h, enum mdc_sign_mode mode,
                   const uint8_t *in, size_t in_len, struct mdc_buf *out);
CK_RV mdc_tok_decrypt(struct mdc_tok *tok, CK_OBJECT_HANDLE h, enum mdc_decrypt_mode mode,
                      const uint8_t *in, size_t in_len, struct mdc_buf *out);
/* Probe the card's generator if not known yet (one GET CHALLENGE). */
CK_RV mdc_tok_check_rng(struct mdc_tok *tok, bool *has_rng);
/* CKR_RANDOM_NO_RNG when the card has no generator. */
CK_RV mdc_tok_random(struct mdc_tok *tok, uint8_t *out, size_t len);

/* ---- writes (write.c and one file per operation; DESIGN.md section 5) ----
 * Each runs as one exclusive transaction: re-read, check, one cardcf bump,
 * data, then the cache refreshed. A refusal leaves the card untouched. */
struct mdc_tok_cert_req {
    const uint8_t *der; /* CKA_VALUE: DER X.509 */
    size_t der_len;
    const uint8_t *id; /* CKA_ID as given, or NULL */
    size_t id_len;
    bool ca; /* CKA_CERTIFICATE_CATEGORY = 2 */
};
/* C_CreateObject(CKO_CERTIFICATE, CKA_TOKEN true). */
CK_RV mdc_tok_create_cert(struct mdc_tok *tok, const struct mdc_tok_cert_req *req,
                          CK_OBJECT_HANDLE *out);
/* C_CreateObject(CKO_CERTIFICATE, CKA_TOKEN false): a session object in
 * host memory, gone when the slot's last session closes. */
CK_RV mdc_tok_create_session_cert(struct mdc_tok *tok, const struct mdc_tok_cert_req *req,
                                  CK_OBJECT_HANDLE *out);
/* C_GenerateKeyPair(CKM_RSA_PKCS_KEY_PAIR_GEN) into a new container. */
CK_RV mdc_tok_generate_key_pair(struct mdc_tok *tok, CK_ULONG bits, bool key_exchange,
                                CK_OBJECT_HANDLE *pub, CK_OBJECT_HANDLE *priv);
/* C_CreateObject(CKO_PRIVATE_KEY): RSAPrivateKey DER (wiped by the caller). */
CK_RV mdc_tok_import_key(struct mdc_tok *tok, const uint8_t *der, size_t der_len, CK_ULONG bits,
                         bool key_exchange, CK_OBJECT_HANDLE *priv);
/* C_DestroyObject of a token object. */
CK_RV mdc_tok_destroy(struct mdc_tok *tok, CK_OBJECT_HANDLE h);
/* C_SetAttributeValue: only CKA_ID with its current value is accepted. */
CK_RV mdc_tok_set_attributes(struct mdc_tok *tok, CK_OBJECT_HANDLE h, const CK_ATTRIBUTE *tmpl,
                             CK_ULONG n);
/* C_SetPIN (user PIN), logged in or not. */
CK_RV mdc_tok_set_pin(struct mdc_tok *tok, const uint8_t *old_pin, size_t old_len,
                      const uint8_t *new_pin, size_t new_len);
/* C_InitPIN: SO logged in; unblock or first PIN. */
CK_RV mdc_tok_init_pin(struct mdc_tok *tok, const uint8_t *pin, size_t len);
bool mdc_tok_so_logged_in(const struct mdc_tok *tok);
/* C_InitToken: so_pin is the admin key as 48 hex digits. */
CK_RV mdc_tok_init_token(struct mdc_tok *tok, const uint8_t *so_pin, size_t len);

/* Pure parts, exposed for tests. */
/* serial = last 16 hex digits of cardid, lower case (fewer if cardid is short). */
void mdc_tok_serial_from_cardid(const uint8_t *cardid, size_t len, char serial[17]);
void mdc_tok_fill_info(const struct mdc_card_info *card, const uint8_t *cardid, size_t cardid_len,
                       const struct mdc_pin_info *pin, CK_TOKEN_INFO *info);

#endif
