/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * p11-api-test: the check runner and the PKCS#11/OpenSSL helpers every mode
 * uses (declared in p11_api.h).
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "p11_api.h"

CK_FUNCTION_LIST_PTR p11;
const char *pin;
int passed, failed;

/* ---- runner ---- */

void check(int ok, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    if (ok) {
        passed++;
        return;
    }
    failed++;
    va_start(ap, fmt);
    const char *base = strrchr(file, '/');
    fprintf(stdout, "FAIL (%s:%d): ", base ? base + 1 : file, line);
    vfprintf(stdout, fmt, ap);
    fputc('\n', stdout);
    va_end(ap);
    fflush(stdout);
}

#define RV(x)                                                                                      \
    {                                                                                              \
        x, #x                                                                                      \
    }
static const struct {
    CK_RV rv;
    const char *name;
} rv_names[] = {
    RV(CKR_OK),
    RV(CKR_HOST_MEMORY),
    RV(CKR_SLOT_ID_INVALID),
    RV(CKR_GENERAL_ERROR),
    RV(CKR_FUNCTION_FAILED),
    RV(CKR_ARGUMENTS_BAD),
    RV(CKR_NO_EVENT),
    RV(CKR_ATTRIBUTE_SENSITIVE),
    RV(CKR_ATTRIBUTE_TYPE_INVALID),
    RV(CKR_ATTRIBUTE_VALUE_INVALID),
    RV(CKR_DATA_LEN_RANGE),
    RV(CKR_DEVICE_ERROR),
    RV(CKR_DEVICE_MEMORY),
    RV(CKR_DEVICE_REMOVED),
    RV(CKR_ENCRYPTED_DATA_INVALID),
    RV(CKR_FUNCTION_CANCELED),
    RV(CKR_FUNCTION_NOT_SUPPORTED),
    RV(CKR_KEY_HANDLE_INVALID),
    RV(CKR_KEY_TYPE_INCONSISTENT),
    RV(CKR_KEY_FUNCTION_NOT_PERMITTED),
    RV(CKR_MECHANISM_INVALID),
    RV(CKR_MECHANISM_PARAM_INVALID),
    RV(CKR_OBJECT_HANDLE_INVALID),
    RV(CKR_OPERATION_ACTIVE),
    RV(CKR_OPERATION_NOT_INITIALIZED),
    RV(CKR_PIN_INCORRECT),
    RV(CKR_PIN_LEN_RANGE),
    RV(CKR_PIN_LOCKED),
    RV(CKR_SESSION_CLOSED),
    RV(CKR_SESSION_HANDLE_INVALID),
    RV(CKR_SESSION_PARALLEL_NOT_SUPPORTED),
    RV(CKR_SESSION_READ_ONLY),
    RV(CKR_SESSION_READ_ONLY_EXISTS),
    RV(CKR_SIGNATURE_INVALID),
    RV(CKR_TEMPLATE_INCOMPLETE),
    RV(CKR_TOKEN_NOT_PRESENT),
    RV(CKR_TOKEN_NOT_RECOGNIZED),
    RV(CKR_USER_ALREADY_LOGGED_IN),
    RV(CKR_USER_NOT_LOGGED_IN),
    RV(CKR_USER_TYPE_INVALID),
    RV(CKR_RANDOM_NO_RNG),
    RV(CKR_BUFFER_TOO_SMALL),
    RV(CKR_CRYPTOKI_NOT_INITIALIZED),
    RV(CKR_CRYPTOKI_ALREADY_INITIALIZED),
};
#undef RV

/* Not thread-safe for unknown values; only the main thread prints those. */
const char *rv_name(CK_RV rv)
{
    static char other[32];
    for (size_t i = 0; i < sizeof rv_names / sizeof rv_names[0]; i++)
        if (rv_names[i].rv == rv)
            return rv_names[i].name;
    snprintf(other, sizeof other, "0x%lx", (unsigned long)rv);
    return other;
}

void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("p11-api-test: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(2);
}

void must(CK_RV rv, const char *what)
{
    if (rv != CKR_OK)
        die("%s: %s", what, rv_name(rv));
}

void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* ---- module helpers ---- */

void load_module(void)
{
    const char *path = getenv("MDCARD_MODULE");
    CK_C_GetFunctionList get_list;
    if (!path)
        die("MDCARD_MODULE is not set");
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h)
        die("dlopen %s: %s", path, dlerror());
    /* POSIX guarantees that a function pointer survives the round trip through void *. */
    *(void **)&get_list = dlsym(h, "C_GetFunctionList");
    if (!get_list)
        die("no C_GetFunctionList");
    must(get_list(&p11), "C_GetFunctionList");
}

CK_RV init_os_locking(void)
{
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.flags = CKF_OS_LOCKING_OK;
    return p11->C_Initialize(&args);
}

/* The first slot with a token, and (optionally) the number of slots. */
CK_SLOT_ID token_slot(void)
{
    CK_SLOT_ID slots[8];
    CK_ULONG n = 8;
    must(p11->C_GetSlotList(CK_TRUE, slots, &n), "C_GetSlotList");
    if (n == 0)
        die("no token");
    return slots[0];
}

CK_SESSION_HANDLE open_session(CK_SLOT_ID slot, CK_FLAGS extra)
{
    CK_SESSION_HANDLE s;
    must(p11->C_OpenSession(slot, CKF_SERIAL_SESSION | extra, NULL, NULL, &s), "C_OpenSession");
    return s;
}

CK_RV login(CK_SESSION_HANDLE s)
{
    return p11->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)pin, strlen(pin));
}

/* Finds up to max objects of a class (class (CK_ULONG)-1 = every object). */
CK_ULONG find(CK_SESSION_HANDLE s, CK_ULONG cls, CK_OBJECT_HANDLE *out, CK_ULONG max)
{
    CK_ATTRIBUTE t = {CKA_CLASS, &cls, sizeof cls};
    CK_ULONG n = 0;
    must(p11->C_FindObjectsInit(s, cls == (CK_ULONG)-1 ? NULL : &t, cls == (CK_ULONG)-1 ? 0 : 1),
         "C_FindObjectsInit");
    must(p11->C_FindObjects(s, out, max, &n), "C_FindObjects");
    must(p11->C_FindObjectsFinal(s), "C_FindObjectsFinal");
    return n;
}

/* Reads one attribute into a fresh buffer; NULL when it cannot be read. */
unsigned char *attr(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, CK_ULONG *len)
{
    CK_ATTRIBUTE a = {type, NULL, 0};
    if (p11->C_GetAttributeValue(s, o, &a, 1) != CKR_OK ||
        a.ulValueLen == CK_UNAVAILABLE_INFORMATION)
        return NULL;
    a.pValue = malloc(a.ulValueLen + 1);
    if (!a.pValue)
        die("out of memory");
    if (p11->C_GetAttributeValue(s, o, &a, 1) != CKR_OK) {
        free(a.pValue);
        return NULL;
    }
    ((unsigned char *)a.pValue)[a.ulValueLen] = 0;
    *len = a.ulValueLen;
    return a.pValue;
}

/* An RSA public key from the CKA_MODULUS / CKA_PUBLIC_EXPONENT of a key object. */
EVP_PKEY *rsa_public(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o)
{
    CK_ULONG nl = 0, el = 0;
    unsigned char *n = attr(s, o, CKA_MODULUS, &nl), *e = attr(s, o, CKA_PUBLIC_EXPONENT, &el);
    EVP_PKEY *pk = NULL;
    if (n && e) {
        BIGNUM *bn = BN_bin2bn(n, (int)nl, NULL), *be = BN_bin2bn(e, (int)el, NULL);
        OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
        OSSL_PARAM *params = NULL;
        EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
        if (bn && be && b && c && OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn) &&
            OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, be) &&
            (params = OSSL_PARAM_BLD_to_param(b)) != NULL && EVP_PKEY_fromdata_init(c) == 1 &&
            EVP_PKEY_fromdata(c, &pk, EVP_PKEY_PUBLIC_KEY, params) != 1)
            pk = NULL;
        EVP_PKEY_CTX_free(c);
        OSSL_PARAM_free(params);
        OSSL_PARAM_BLD_free(b);
        BN_free(bn);
        BN_free(be);
    }
    free(n);
    free(e);
    return pk;
}

int verify_sha256(EVP_PKEY *pk, const unsigned char *msg, size_t mlen, const unsigned char *sig,
                  size_t slen)
{
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    int ok = m && EVP_DigestVerifyInit(m, NULL, EVP_sha256(), NULL, pk) == 1 &&
             EVP_DigestVerify(m, sig, slen, msg, mlen) == 1;
    EVP_MD_CTX_free(m);
    return ok;
}

/* A private key that can sign (after login), and the public key paired with it by CKA_ID. */
int signing_key(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE *priv, EVP_PKEY **pub)
{
    CK_OBJECT_HANDLE keys[32], pubs[32];
    CK_ULONG n = find(s, CKO_PRIVATE_KEY, keys, 32), np = find(s, CKO_PUBLIC_KEY, pubs, 32);
    for (CK_ULONG i = 0; i < n; i++) {
        CK_BBOOL can_sign = CK_FALSE;
        CK_ATTRIBUTE a = {CKA_SIGN, &can_sign, sizeof can_sign};
        CK_ULONG idl = 0, pidl = 0;
        if (p11->C_GetAttributeValue(s, keys[i], &a, 1) != CKR_OK || !can_sign)
            continue;
        unsigned char *id = attr(s, keys[i], CKA_ID, &idl);
        for (CK_ULONG j = 0; id && j < np; j++) {
            unsigned char *pid = attr(s, pubs[j], CKA_ID, &pidl);
            int same = pid && pidl == idl && memcmp(pid, id, idl) == 0;
            free(pid);
            if (same) {
                *priv = keys[i];
                *pub = rsa_public(s, pubs[j]);
                free(id);
                return *pub != NULL;
            }
        }
        free(id);
    }
    return 0;
}

/* SHA256-RSA-PKCS over msg; returns the C_Sign result, signature in sig/slen. */
CK_RV sign_sha256(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, const unsigned char *msg, size_t mlen,
                  unsigned char *sig, CK_ULONG *slen)
{
    CK_MECHANISM m = {CKM_SHA256_RSA_PKCS, NULL, 0};
    CK_RV rv = p11->C_SignInit(s, &m, key);
    if (rv != CKR_OK)
        return rv;
    return p11->C_Sign(s, (CK_BYTE_PTR)(uintptr_t)msg, mlen, sig, slen);
}
int report(void)
{
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
