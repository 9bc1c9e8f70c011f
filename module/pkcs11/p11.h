/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * PKCS#11 front end internals: library state (C_Initialize/C_Finalize,
 * locking per CK_C_INITIALIZE_ARGS, fork detection), the slot table, and
 * the functions the thin entry points in exports.c call.
 */
#ifndef MDC_P11_H
#define MDC_P11_H

#include "mdcard/pkcs11.h"

#include <stdbool.h>

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

#endif
