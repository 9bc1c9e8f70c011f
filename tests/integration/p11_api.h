/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * p11-api-test: what its parts share — the module's function list, the check
 * runner (CHECK/EXPECT_RV count passes and print failures with file:line) and
 * small PKCS#11/OpenSSL helpers (sessions, searches, attributes, SHA256-RSA-PKCS
 * signatures verified with the key's own modulus and exponent).
 */
#ifndef P11_API_H
#define P11_API_H

#include <stddef.h>

#include <p11-kit/pkcs11.h>

#include <openssl/evp.h>

extern CK_FUNCTION_LIST_PTR p11;
extern const char *pin; /* $MDCARD_USER_PIN */
extern int passed, failed;

void check(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *rv_name(CK_RV rv);
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void must(CK_RV rv, const char *what);
void sleep_ms(long ms);
int report(void); /* prints "N passed, M failed"; the exit status */

#define CHECK(cond, ...) check((cond) != 0, __FILE__, __LINE__, __VA_ARGS__)
/* A call must return exactly the expected CK_RV. */
#define EXPECT_RV(call, want)                                                                      \
    do {                                                                                           \
        CK_RV got_ = (call);                                                                       \
        check(got_ == (want), __FILE__, __LINE__, "%s: got %s, want %s", #call, rv_name(got_),     \
              rv_name(want));                                                                      \
    } while (0)

void load_module(void);
CK_RV init_os_locking(void);
CK_SLOT_ID token_slot(void);
CK_SESSION_HANDLE open_session(CK_SLOT_ID slot, CK_FLAGS extra);
CK_RV login(CK_SESSION_HANDLE s);
/* Up to max objects of a class; class (CK_ULONG)-1 = every object. */
CK_ULONG find(CK_SESSION_HANDLE s, CK_ULONG cls, CK_OBJECT_HANDLE *out, CK_ULONG max);
/* One attribute in a fresh, NUL-terminated buffer; NULL when it cannot be read. */
unsigned char *attr(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, CK_ULONG *len);
EVP_PKEY *rsa_public(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o);
int verify_sha256(EVP_PKEY *pk, const unsigned char *msg, size_t mlen, const unsigned char *sig,
                  size_t slen);
/* A private key with CKA_SIGN and the public key paired with it by CKA_ID. */
int signing_key(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *priv, EVP_PKEY **pub);
CK_RV sign_sha256(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, const unsigned char *msg, size_t mlen,
                  unsigned char *sig, CK_ULONG *slen);

/* The modes (p11_api_test.c: the suite; p11_api_modes.c: the others). */
int p11_api_suite(void);
int p11_api_pin_lock(void);
int p11_api_ro_session(void);
int p11_api_apdu_budget(void);
int p11_api_list(const char *dir, int do_login);
int p11_api_sign_twice_wait(const char *file);
int p11_api_sign_pulled(const char *ctl);
int p11_api_create_cert(const char *path, int do_login);
int p11_api_cut_op(const char *op, const char *ctl, long cut, const char *arg);
int p11_api_check_all(const char *dir);

#endif
