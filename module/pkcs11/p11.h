/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PKCS#11 front end internals: library state (C_Initialize/C_Finalize,
 * locking per CK_C_INITIALIZE_ARGS, fork detection), the slot table, and
 * the functions the thin entry points in exports.c call.
 */
#ifndef MDC_P11_H
#define MDC_P11_H

#include "mdcard/pkcs11.h"
#include "pkcs11/mech.h"
#include "pkcs11/soft.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>

#define MDC_P11_MANUFACTURER "mdcard"
#define MDC_P11_DESCRIPTION "mdcard PKCS#11 module"

/* ---- state.c ---- */
CK_RV mdc_p11_initialize(CK_VOID_PTR init_args);
CK_RV mdc_p11_finalize(void);
/* Initialized in this process (a fork()ed child must call C_Initialize). */
bool mdc_p11_is_initialized(void);
CK_RV mdc_p11_get_info(CK_INFO_PTR info, CK_BYTE major, CK_BYTE minor);
/* Log the result of an entry point at debug level and return it. */
CK_RV mdc_p11_done(const char *func, CK_RV rv);
/* Entry points without an implementation yet. */
CK_RV mdc_p11_not_supported(const char *func);
const char *mdc_p11_rv_name(CK_RV rv);

/* Mutexes as CK_C_INITIALIZE_ARGS asks: the application's callbacks or
 * pthreads. Created after mdc_p11_initialize has chosen. */
struct mdc_p11_mutex;
CK_RV mdc_p11_mutex_new(struct mdc_p11_mutex **out);
void mdc_p11_mutex_free(struct mdc_p11_mutex *m);
CK_RV mdc_p11_mutex_lock(struct mdc_p11_mutex *m);
void mdc_p11_mutex_unlock(struct mdc_p11_mutex *m);

/* ---- slots.c ---- */
CK_RV mdc_p11_slots_init(void);
/* abandon: after fork(), drop everything without touching pcscd. */
void mdc_p11_slots_fini(bool abandon);
CK_RV mdc_p11_slot_list(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count);
CK_RV mdc_p11_slot_info(CK_SLOT_ID id, CK_SLOT_INFO_PTR info);
CK_RV mdc_p11_token_info(CK_SLOT_ID id, CK_TOKEN_INFO_PTR info);

/* A slot held under its lock: the token of an attached reader. */
struct mdc_tok;
struct mdc_p11_slot;
CK_RV mdc_p11_slot_lock(CK_SLOT_ID id, struct mdc_p11_slot **slot);
void mdc_p11_slot_unlock(struct mdc_p11_slot *slot);
struct mdc_tok *mdc_p11_slot_tok(struct mdc_p11_slot *slot);
CK_SLOT_ID mdc_p11_slot_id(const struct mdc_p11_slot *slot);
/* Card in the reader now (no APDU)? CKR_TOKEN_NOT_PRESENT otherwise, and
 * the token forgets the card. Slot lock held. */
CK_RV mdc_p11_slot_check_present(struct mdc_p11_slot *slot);
/* One slot event (card inserted/removed, new reader) if there is one:
 * CKR_OK with *id, or CKR_NO_EVENT. */
CK_RV mdc_p11_slot_event(CK_SLOT_ID *id);

/* ---- wait.c ---- */
CK_RV mdc_p11_wait_for_slot_event(CK_FLAGS flags, CK_SLOT_ID_PTR slot);
/* state.c: C_Finalize wakes waiters and waits for them to leave. */
bool mdc_p11_wait_enter(void);
void mdc_p11_wait_leave(void);
bool mdc_p11_wait_cancelled(void);

/* ---- mechs (mechs.c) ---- */
CK_RV mdc_p11_mechanism_list(CK_SLOT_ID id, CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count);
CK_RV mdc_p11_mechanism_info(CK_SLOT_ID id, CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info);

/* ---- sessions.c ---- */

/* One cryptographic operation in progress (sign, verify, encrypt, decrypt,
 * digest): at most one of each kind per session. */
struct mdc_p11_op {
    bool active;
    bool multi; /* C_*Update was called: single-part calls are refused */
    CK_MECHANISM_TYPE type;
    const mdc_p11_mech *mech;
    mdc_p11_mech_params params;
    CK_BYTE *label; /* own copy of the OAEP label */
    CK_OBJECT_HANDLE key;
    size_t bits;
    mdc_p11_digest_ctx *digest;
    EVP_PKEY *pub;         /* verify/encrypt in software */
    struct mdc_buf data;   /* data of a multi-part operation without hashing */
    struct mdc_buf result; /* decrypt: a plaintext kept for the CKR_BUFFER_TOO_SMALL retry */
};

struct mdc_p11_session {
    CK_SESSION_HANDLE handle;
    CK_SLOT_ID slot;
    CK_FLAGS flags;
    unsigned long gen; /* token generation at open */
    /* C_FindObjects */
    bool finding;
    CK_OBJECT_HANDLE *found;
    size_t found_count, found_pos;
    struct mdc_p11_op sign, verify, encrypt, decrypt, digest;
};

CK_RV mdc_p11_sessions_init(void);
void mdc_p11_sessions_fini(bool abandon);
CK_RV mdc_p11_open_session(CK_SLOT_ID id, CK_FLAGS flags, CK_SESSION_HANDLE_PTR out);
CK_RV mdc_p11_close_session(CK_SESSION_HANDLE h);
CK_RV mdc_p11_close_all_sessions(CK_SLOT_ID id);
CK_RV mdc_p11_session_info(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info);
/* Count sessions of a slot (slot table callers). */
void mdc_p11_session_count(CK_SLOT_ID id, CK_ULONG *all, CK_ULONG *rw);
/* Find a session and lock its slot; release with mdc_p11_session_put. A
 * session whose card went away is closed here: CKR_SESSION_HANDLE_INVALID. */
CK_RV mdc_p11_session_get(CK_SESSION_HANDLE h, struct mdc_p11_session **s,
                          struct mdc_p11_slot **slot);
void mdc_p11_session_put(struct mdc_p11_slot *slot);
/* Release everything an operation holds and mark it inactive. */
void mdc_p11_op_end(struct mdc_p11_op *op);

/* ---- login.c ---- */
CK_RV mdc_p11_login(CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin, CK_ULONG len);
CK_RV mdc_p11_logout(CK_SESSION_HANDLE h);
/* Object-changing calls before the write side: CKR_SESSION_READ_ONLY in a
 * read-only session, else CKR_FUNCTION_NOT_SUPPORTED. */
CK_RV mdc_p11_write_not_supported(CK_SESSION_HANDLE h);

/* ---- create.c / keygen.c / pin.c: the write side ---- */
CK_RV mdc_p11_create_object(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR t, CK_ULONG n,
                            CK_OBJECT_HANDLE_PTR out);
CK_RV mdc_p11_destroy_object(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o);
CK_RV mdc_p11_set_attributes(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR t,
                             CK_ULONG n);
CK_RV mdc_p11_generate_key_pair(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_ATTRIBUTE_PTR pt,
                                CK_ULONG pn, CK_ATTRIBUTE_PTR st, CK_ULONG sn,
                                CK_OBJECT_HANDLE_PTR pub, CK_OBJECT_HANDLE_PTR priv);
CK_RV mdc_p11_set_pin(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR old_pin, CK_ULONG old_len,
                      CK_UTF8CHAR_PTR new_pin, CK_ULONG new_len);
CK_RV mdc_p11_init_pin(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pin, CK_ULONG len);
CK_RV mdc_p11_init_token(CK_SLOT_ID id, CK_UTF8CHAR_PTR pin, CK_ULONG len, CK_UTF8CHAR_PTR label);

/* ---- objects.c ---- */
CK_RV mdc_p11_find_init(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG n);
CK_RV mdc_p11_find(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR out, CK_ULONG max, CK_ULONG_PTR n);
CK_RV mdc_p11_find_final(CK_SESSION_HANDLE h);
CK_RV mdc_p11_get_attributes(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_PTR tmpl,
                             CK_ULONG n);
CK_RV mdc_p11_object_size(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE o, CK_ULONG_PTR size);

/* ---- sign.c / verify.c / decrypt.c (+ encrypt) / digest.c / random.c ---- */
CK_RV mdc_p11_sign_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key);
CK_RV mdc_p11_sign(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
                   CK_ULONG_PTR sig_len);
CK_RV mdc_p11_sign_update(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len);
CK_RV mdc_p11_sign_final(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len);
CK_RV mdc_p11_verify_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key);
CK_RV mdc_p11_verify(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
                     CK_ULONG sig_len);
CK_RV mdc_p11_verify_update(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len);
CK_RV mdc_p11_verify_final(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG sig_len);
CK_RV mdc_p11_decrypt_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key);
CK_RV mdc_p11_decrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG len, CK_BYTE_PTR out,
                      CK_ULONG_PTR out_len);
CK_RV mdc_p11_encrypt_init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m, CK_OBJECT_HANDLE key);
CK_RV mdc_p11_encrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG len, CK_BYTE_PTR out,
                      CK_ULONG_PTR out_len);
CK_RV mdc_p11_digest_init_op(CK_SESSION_HANDLE h, CK_MECHANISM_PTR m);
CK_RV mdc_p11_digest_op(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG len, CK_BYTE_PTR out,
                        CK_ULONG_PTR out_len);
CK_RV mdc_p11_digest_update_op(CK_SESSION_HANDLE h, CK_BYTE_PTR in, CK_ULONG len);
CK_RV mdc_p11_digest_final_op(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR out_len);
CK_RV mdc_p11_generate_random(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG len);
CK_RV mdc_p11_seed_random(CK_SESSION_HANDLE h);

/* Multi-part data of sign/verify: hashed, or collected (sign.c). */
CK_RV mdc_p11_op_update(struct mdc_p11_op *op, const CK_BYTE *data, CK_ULONG len);
/* Shared by sign/verify/encrypt/decrypt: set up op for a key operation. */
CK_RV mdc_p11_op_init(struct mdc_p11_op *op, struct mdc_tok *tok, CK_MECHANISM_PTR m,
                      CK_OBJECT_HANDLE key, CK_FLAGS what);

#endif
