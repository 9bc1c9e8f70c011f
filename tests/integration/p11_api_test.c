/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * p11-api-test: drives the module under test ($MDCARD_MODULE, dlopen()ed)
 * through the PKCS#11 C API directly, inside tests/with-card. It owns the
 * checks pkcs11-tool cannot make: argument and handle errors, session
 * states, the C_GetAttributeValue protocol, C_Finalize against a blocked
 * C_WaitForSlotEvent, two threads signing at once, fork. Expected values come
 * from the PKCS#11 2.40 standard; signatures are verified with OpenSSL.
 * This file is the suite and main(); p11_api_modes.c has the other modes.
 *
 *   p11-api-test                       the API suite (needs an RSA key with a certificate)
 *   p11-api-test --pin-lock            wrong PINs until CKR_PIN_LOCKED (blocks the card)
 *   p11-api-test --ro-session          a read-only session refuses token changes (write side)
 *   p11-api-test --apdu-budget         APDUs for login + signatures on a warm cache (DESIGN.md §8)
 *   p11-api-test --list DIR [--login]  one line per object; certificate values to DIR
 *   p11-api-test --sign-twice-wait F   log in, sign, print READY, wait for file F, sign again
 *   p11-api-test --sign-pulled CTL     sign while the simulator cuts the card, then recover
 *
 * Checking modes print "N passed, M failed" and exit 1 when anything failed;
 * 2 means the test could not run. The PIN comes from $MDCARD_USER_PIN.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/rsa.h>

#include "p11_api.h"

static void test_before_initialize(void)
{
    CK_INFO info;
    CK_ULONG n = 0;
    CK_SESSION_HANDLE s;
    EXPECT_RV(p11->C_GetInfo(&info), CKR_CRYPTOKI_NOT_INITIALIZED);
    EXPECT_RV(p11->C_GetSlotList(CK_FALSE, NULL, &n), CKR_CRYPTOKI_NOT_INITIALIZED);
    EXPECT_RV(p11->C_OpenSession(0, CKF_SERIAL_SESSION, NULL, NULL, &s),
              CKR_CRYPTOKI_NOT_INITIALIZED);
    EXPECT_RV(p11->C_Finalize(NULL), CKR_CRYPTOKI_NOT_INITIALIZED);
}

static void test_initialize(void)
{
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.pReserved = &args;
    EXPECT_RV(p11->C_Initialize(&args), CKR_ARGUMENTS_BAD);
    EXPECT_RV(init_os_locking(), CKR_OK);
    EXPECT_RV(p11->C_Initialize(NULL), CKR_CRYPTOKI_ALREADY_INITIALIZED);
    EXPECT_RV(p11->C_Finalize(&args), CKR_ARGUMENTS_BAD);
}

static void test_slots_and_token(CK_SLOT_ID slot)
{
    CK_SLOT_ID slots[8], empty = (CK_SLOT_ID)-1;
    CK_ULONG n = 0, all = 0;
    CK_TOKEN_INFO ti;
    CK_SLOT_INFO si;
    CK_SESSION_HANDLE s;

    EXPECT_RV(p11->C_GetSlotList(CK_FALSE, NULL, NULL), CKR_ARGUMENTS_BAD);
    EXPECT_RV(p11->C_GetSlotList(CK_FALSE, NULL, &all), CKR_OK);
    CHECK(all == 2, "two readers in the test pcscd, %lu slots", (unsigned long)all);
    n = 1;
    EXPECT_RV(p11->C_GetSlotList(CK_FALSE, slots, &n), CKR_BUFFER_TOO_SMALL);
    CHECK(n == all, "C_GetSlotList too small returns the count (%lu)", (unsigned long)n);
    n = 8;
    EXPECT_RV(p11->C_GetSlotList(CK_FALSE, slots, &n), CKR_OK);
    for (CK_ULONG i = 0; i < n; i++)
        if (slots[i] != slot)
            empty = slots[i];

    EXPECT_RV(p11->C_GetSlotInfo(slot, NULL), CKR_ARGUMENTS_BAD);
    EXPECT_RV(p11->C_GetSlotInfo(0xDEAD, &si), CKR_SLOT_ID_INVALID);
    EXPECT_RV(p11->C_GetTokenInfo(0xDEAD, &ti), CKR_SLOT_ID_INVALID);
    EXPECT_RV(p11->C_GetTokenInfo(slot, NULL), CKR_ARGUMENTS_BAD);
    EXPECT_RV(p11->C_OpenSession(0xDEAD, CKF_SERIAL_SESSION, NULL, NULL, &s), CKR_SLOT_ID_INVALID);
    if (empty != (CK_SLOT_ID)-1) {
        EXPECT_RV(p11->C_GetTokenInfo(empty, &ti), CKR_TOKEN_NOT_PRESENT);
        EXPECT_RV(p11->C_OpenSession(empty, CKF_SERIAL_SESSION, NULL, NULL, &s),
                  CKR_TOKEN_NOT_PRESENT);
    } else {
        CHECK(0, "no empty slot found");
    }

    EXPECT_RV(p11->C_GetTokenInfo(slot, &ti), CKR_OK);
    CHECK(!(ti.flags & CKF_RNG), "CKF_RNG clear (the card has no GET CHALLENGE)");
    CHECK(ti.flags & CKF_TOKEN_INITIALIZED, "CKF_TOKEN_INITIALIZED");
    CHECK(ti.flags & CKF_USER_PIN_INITIALIZED, "CKF_USER_PIN_INITIALIZED");
    CHECK(ti.flags & CKF_LOGIN_REQUIRED, "CKF_LOGIN_REQUIRED");
    CHECK(!(ti.flags & (CKF_USER_PIN_LOCKED | CKF_USER_PIN_COUNT_LOW)), "PIN not low/locked");
}

static void test_mechanisms(CK_SLOT_ID slot)
{
    static const CK_MECHANISM_TYPE want[] = {
        CKM_RSA_PKCS,
        CKM_RSA_X_509,
        CKM_RSA_PKCS_PSS,
        CKM_RSA_PKCS_OAEP,
        CKM_SHA1_RSA_PKCS,
        CKM_SHA256_RSA_PKCS,
        CKM_SHA384_RSA_PKCS,
        CKM_SHA512_RSA_PKCS,
        CKM_SHA256_RSA_PKCS_PSS,
        CKM_SHA384_RSA_PKCS_PSS,
        CKM_SHA512_RSA_PKCS_PSS,
    };
    CK_MECHANISM_TYPE list[128];
    CK_ULONG n = 0;
    CK_MECHANISM_INFO mi;

    EXPECT_RV(p11->C_GetMechanismList(slot, NULL, &n), CKR_OK);
    CHECK(n >= sizeof want / sizeof want[0] && n <= 128, "mechanism count %lu", (unsigned long)n);
    CK_ULONG small = 1;
    EXPECT_RV(p11->C_GetMechanismList(slot, list, &small), CKR_BUFFER_TOO_SMALL);
    CHECK(small == n, "C_GetMechanismList too small returns the count");
    n = 128;
    EXPECT_RV(p11->C_GetMechanismList(slot, list, &n), CKR_OK);
    for (size_t w = 0; w < sizeof want / sizeof want[0]; w++) {
        int found = 0;
        for (CK_ULONG i = 0; i < n; i++)
            found |= list[i] == want[w];
        CHECK(found, "mechanism 0x%lx listed", (unsigned long)want[w]);
    }
    /* The private-key operation of these runs on the card. */
    static const CK_MECHANISM_TYPE hw[] = {CKM_RSA_PKCS, CKM_RSA_X_509, CKM_RSA_PKCS_PSS,
                                           CKM_RSA_PKCS_OAEP};
    for (size_t i = 0; i < sizeof hw / sizeof hw[0]; i++) {
        memset(&mi, 0, sizeof mi);
        EXPECT_RV(p11->C_GetMechanismInfo(slot, hw[i], &mi), CKR_OK);
        CHECK(mi.flags & CKF_HW, "mechanism 0x%lx has CKF_HW", (unsigned long)hw[i]);
        CHECK(mi.ulMinKeySize <= 1024 && mi.ulMaxKeySize >= 2048,
              "mechanism 0x%lx key sizes %lu..%lu", (unsigned long)hw[i],
              (unsigned long)mi.ulMinKeySize, (unsigned long)mi.ulMaxKeySize);
    }
    memset(&mi, 0, sizeof mi);
    EXPECT_RV(p11->C_GetMechanismInfo(slot, CKM_RSA_PKCS, &mi), CKR_OK);
    CHECK((mi.flags & (CKF_SIGN | CKF_DECRYPT)) == (CKF_SIGN | CKF_DECRYPT),
          "CKM_RSA_PKCS signs and decrypts");
    memset(&mi, 0, sizeof mi);
    EXPECT_RV(p11->C_GetMechanismInfo(slot, CKM_SHA256_RSA_PKCS_PSS, &mi), CKR_OK);
    CHECK(mi.flags & CKF_SIGN, "CKM_SHA256_RSA_PKCS_PSS signs");
    CHECK(!(mi.flags & CKF_DECRYPT), "CKM_SHA256_RSA_PKCS_PSS does not decrypt");
    EXPECT_RV(p11->C_GetMechanismInfo(slot, CKM_AES_CBC, &mi), CKR_MECHANISM_INVALID);
    EXPECT_RV(p11->C_GetMechanismInfo(slot, CKM_RSA_PKCS, NULL), CKR_ARGUMENTS_BAD);
}

static void test_sessions(CK_SLOT_ID slot)
{
    CK_SESSION_HANDLE s, rw;
    CK_SESSION_INFO si;
    CK_BYTE rnd[16];
    CK_OBJECT_HANDLE o;
    CK_ULONG n;
    CK_BYTE buf[512];

    EXPECT_RV(p11->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, NULL), CKR_ARGUMENTS_BAD);
    EXPECT_RV(p11->C_OpenSession(slot, 0, NULL, NULL, &s), CKR_SESSION_PARALLEL_NOT_SUPPORTED);
    EXPECT_RV(p11->C_CloseSession(0xDEAD), CKR_SESSION_HANDLE_INVALID);
    EXPECT_RV(p11->C_GetSessionInfo(0xDEAD, &si), CKR_SESSION_HANDLE_INVALID);

    s = open_session(slot, 0);
    EXPECT_RV(p11->C_GetSessionInfo(s, NULL), CKR_ARGUMENTS_BAD);
    EXPECT_RV(p11->C_GetSessionInfo(s, &si), CKR_OK);
    CHECK(si.state == CKS_RO_PUBLIC_SESSION, "new RO session is CKS_RO_PUBLIC_SESSION (%lu)",
          (unsigned long)si.state);
    CHECK(si.slotID == slot, "session info names its slot");

    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    EXPECT_RV(p11->C_Login(s, 7, (CK_UTF8CHAR_PTR)(uintptr_t)pin, strlen(pin)),
              CKR_USER_TYPE_INVALID);
    EXPECT_RV(p11->C_Login(s, CKU_USER, NULL, 6), CKR_ARGUMENTS_BAD);

    /* Operations that were never initialized, and ones already active. */
    n = sizeof buf;
    EXPECT_RV(p11->C_Sign(s, buf, 20, buf, &n), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT_RV(p11->C_SignUpdate(s, buf, 20), CKR_OPERATION_NOT_INITIALIZED);
    n = sizeof buf;
    EXPECT_RV(p11->C_Decrypt(s, buf, 128, buf, &n), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT_RV(p11->C_FindObjects(s, &o, 1, &n), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT_RV(p11->C_FindObjectsFinal(s), CKR_OPERATION_NOT_INITIALIZED);
    EXPECT_RV(p11->C_FindObjectsInit(s, NULL, 0), CKR_OK);
    EXPECT_RV(p11->C_FindObjectsInit(s, NULL, 0), CKR_OPERATION_ACTIVE);
    EXPECT_RV(p11->C_FindObjects(s, NULL, 1, &n), CKR_ARGUMENTS_BAD);
    EXPECT_RV(p11->C_FindObjectsFinal(s), CKR_OK);

    EXPECT_RV(p11->C_SignInit(s, NULL, 0xDEAD), CKR_ARGUMENTS_BAD);
    CK_ATTRIBUTE a = {CKA_CLASS, &cls, sizeof cls};
    EXPECT_RV(p11->C_GetAttributeValue(s, 0xDEAD, &a, 1), CKR_OBJECT_HANDLE_INVALID);

    EXPECT_RV(p11->C_GenerateRandom(s, rnd, sizeof rnd), CKR_RANDOM_NO_RNG);

    rw = open_session(slot, CKF_RW_SESSION);
    EXPECT_RV(p11->C_GetSessionInfo(rw, &si), CKR_OK);
    CHECK(si.state == CKS_RW_PUBLIC_SESSION, "new RW session is CKS_RW_PUBLIC_SESSION");
    EXPECT_RV(p11->C_CloseSession(rw), CKR_OK);
    EXPECT_RV(p11->C_CloseSession(rw), CKR_SESSION_HANDLE_INVALID);
    EXPECT_RV(p11->C_CloseSession(s), CKR_OK);
}

/* Private keys hidden before login; login states; the attribute protocol; one signature. */
static void test_login_objects_sign(CK_SLOT_ID slot)
{
    CK_SESSION_HANDLE s = open_session(slot, 0);
    CK_OBJECT_HANDLE objs[64], priv, pubh[32], certs[32];
    CK_SESSION_INFO si;
    CK_ULONG n;

    n = find(s, CKO_PRIVATE_KEY, objs, 64);
    CHECK(n == 0, "no private key visible before login (%lu)", (unsigned long)n);
    CK_ULONG npub = find(s, CKO_PUBLIC_KEY, pubh, 32);
    CK_ULONG ncert = find(s, CKO_CERTIFICATE, certs, 32);
    CHECK(npub >= 1, "public keys visible before login");
    CHECK(ncert >= 1, "certificates visible before login");

    EXPECT_RV(p11->C_Logout(s), CKR_USER_NOT_LOGGED_IN);
    EXPECT_RV(login(s), CKR_OK);
    EXPECT_RV(login(s), CKR_USER_ALREADY_LOGGED_IN);
    EXPECT_RV(p11->C_GetSessionInfo(s, &si), CKR_OK);
    CHECK(si.state == CKS_RO_USER_FUNCTIONS, "logged-in RO session is CKS_RO_USER_FUNCTIONS");
    n = find(s, CKO_PRIVATE_KEY, objs, 64);
    CHECK(n == npub, "after login one private key per public key (%lu vs %lu)", (unsigned long)n,
          (unsigned long)npub);

    EVP_PKEY *pub = NULL;
    if (!signing_key(s, &priv, &pub)) {
        CHECK(0, "a signing private key paired by CKA_ID with a public key");
        p11->C_CloseSession(s);
        return;
    }

    /* CKA_ID = SHA-1 of the modulus, the same on key and certificate. */
    CK_ULONG idl = 0, ml = 0;
    unsigned char *id = attr(s, priv, CKA_ID, &idl), *mod = attr(s, priv, CKA_MODULUS, &ml);
    unsigned char md[20];
    CHECK(id && mod && idl == 20 && EVP_Digest(mod, ml, md, NULL, EVP_sha1(), NULL) &&
              memcmp(md, id, 20) == 0,
          "private key CKA_ID is SHA-1 of CKA_MODULUS");
    int paired = 0;
    for (CK_ULONG i = 0; id && i < ncert; i++) {
        CK_ULONG cl = 0;
        unsigned char *cid = attr(s, certs[i], CKA_ID, &cl);
        paired |= cid && cl == idl && memcmp(cid, id, idl) == 0;
        free(cid);
    }
    CHECK(paired, "a certificate carries the key's CKA_ID");

    /* C_GetAttributeValue protocol on the private key. */
    CK_OBJECT_CLASS cls = 0;
    CK_KEY_TYPE kt = 0;
    CK_BYTE small[8];
    CK_ATTRIBUTE t1[] = {{CKA_MODULUS, NULL, 0}, {CKA_CLASS, NULL, 0}};
    EXPECT_RV(p11->C_GetAttributeValue(s, priv, t1, 2), CKR_OK);
    CHECK(t1[0].ulValueLen == ml && t1[1].ulValueLen == sizeof(CK_OBJECT_CLASS),
          "NULL pValue returns the lengths (%lu, %lu)", (unsigned long)t1[0].ulValueLen,
          (unsigned long)t1[1].ulValueLen);
    CK_ATTRIBUTE t2[] = {{CKA_CLASS, &cls, sizeof cls},
                         {CKA_MODULUS, small, sizeof small},
                         {CKA_KEY_TYPE, &kt, sizeof kt}};
    EXPECT_RV(p11->C_GetAttributeValue(s, priv, t2, 3), CKR_BUFFER_TOO_SMALL);
    CHECK(t2[1].ulValueLen == CK_UNAVAILABLE_INFORMATION,
          "too small: that attribute's length is CK_UNAVAILABLE_INFORMATION");
    CHECK(cls == CKO_PRIVATE_KEY && t2[0].ulValueLen == sizeof cls,
          "too small: others filled (class)");
    CHECK(kt == CKK_RSA && t2[2].ulValueLen == sizeof kt, "too small: others filled (key type)");
    CK_BYTE big[1024];
    CK_ATTRIBUTE t3[] = {{CKA_PRIVATE_EXPONENT, big, sizeof big}, {CKA_CLASS, &cls, sizeof cls}};
    cls = 0;
    EXPECT_RV(p11->C_GetAttributeValue(s, priv, t3, 2), CKR_ATTRIBUTE_SENSITIVE);
    CHECK(t3[0].ulValueLen == CK_UNAVAILABLE_INFORMATION && cls == CKO_PRIVATE_KEY,
          "sensitive attribute unavailable, the rest filled");
    CK_ATTRIBUTE t4 = {CKA_PRIME_1, big, sizeof big};
    EXPECT_RV(p11->C_GetAttributeValue(s, priv, &t4, 1), CKR_ATTRIBUTE_SENSITIVE);
    /* CKA_VALUE is secret material too; for an RSA key the standard also allows
     * "not an attribute of this object". */
    CK_ATTRIBUTE t4v = {CKA_VALUE, big, sizeof big};
    CK_RV rv4 = p11->C_GetAttributeValue(s, priv, &t4v, 1);
    CHECK((rv4 == CKR_ATTRIBUTE_SENSITIVE || rv4 == CKR_ATTRIBUTE_TYPE_INVALID) &&
              t4v.ulValueLen == CK_UNAVAILABLE_INFORMATION,
          "CKA_VALUE of a private key: %s", rv_name(rv4));
    CK_ATTRIBUTE t5[] = {{0x0FFFFFF0UL, big, sizeof big}, {CKA_CLASS, &cls, sizeof cls}};
    cls = 0;
    EXPECT_RV(p11->C_GetAttributeValue(s, priv, t5, 2), CKR_ATTRIBUTE_TYPE_INVALID);
    CHECK(t5[0].ulValueLen == CK_UNAVAILABLE_INFORMATION && cls == CKO_PRIVATE_KEY,
          "unknown attribute unavailable, the rest filled");
    CK_BBOOL sens = CK_FALSE, extr = CK_TRUE, priv_attr = CK_FALSE;
    CK_ATTRIBUTE t6[] = {
        {CKA_SENSITIVE, &sens, 1}, {CKA_EXTRACTABLE, &extr, 1}, {CKA_PRIVATE, &priv_attr, 1}};
    EXPECT_RV(p11->C_GetAttributeValue(s, priv, t6, 3), CKR_OK);
    CHECK(sens == CK_TRUE && extr == CK_FALSE && priv_attr == CK_TRUE,
          "private key: sensitive, not extractable, private");

    /* C_Sign length protocol, then a signature OpenSSL verifies. */
    unsigned char msg[100], sig[1024];
    memset(msg, 0x5A, sizeof msg);
    CK_MECHANISM m = {CKM_SHA256_RSA_PKCS, NULL, 0};
    EXPECT_RV(p11->C_SignInit(s, &m, 0xDEAD), CKR_KEY_HANDLE_INVALID);
    CK_ULONG sl = 0;
    EXPECT_RV(p11->C_SignInit(s, &m, priv), CKR_OK);
    EXPECT_RV(p11->C_SignInit(s, &m, priv), CKR_OPERATION_ACTIVE);
    EXPECT_RV(p11->C_Sign(s, msg, sizeof msg, NULL, &sl), CKR_OK);
    CHECK(sl == ml, "C_Sign with NULL returns the modulus length (%lu)", (unsigned long)sl);
    sl = 8;
    EXPECT_RV(p11->C_Sign(s, msg, sizeof msg, sig, &sl), CKR_BUFFER_TOO_SMALL);
    CHECK(sl == ml, "CKR_BUFFER_TOO_SMALL returns the needed length (%lu)", (unsigned long)sl);
    sl = sizeof sig;
    EXPECT_RV(p11->C_Sign(s, msg, sizeof msg, sig, &sl), CKR_OK);
    CHECK(sl == ml && verify_sha256(pub, msg, sizeof msg, sig, sl), "signature verifies");
    CK_ULONG sig_len = sl;
    sl = sizeof sig;
    EXPECT_RV(p11->C_Sign(s, msg, sizeof msg, big, &sl), CKR_OPERATION_NOT_INITIALIZED);

    /* Multi-part signing gives the same PKCS#1 v1.5 signature. */
    unsigned char sig2[1024];
    CK_ULONG sl2 = sizeof sig2;
    EXPECT_RV(p11->C_SignInit(s, &m, priv), CKR_OK);
    EXPECT_RV(p11->C_SignUpdate(s, msg, 40), CKR_OK);
    EXPECT_RV(p11->C_SignUpdate(s, msg + 40, sizeof msg - 40), CKR_OK);
    EXPECT_RV(p11->C_SignFinal(s, sig2, &sl2), CKR_OK);
    CHECK(sl2 == sig_len && memcmp(sig, sig2, sig_len) == 0,
          "multi-part signature equals single-part");

    EXPECT_RV(p11->C_Logout(s), CKR_OK);
    n = find(s, CKO_PRIVATE_KEY, objs, 64);
    CHECK(n == 0, "private keys hidden again after logout (%lu)", (unsigned long)n);
    EVP_PKEY_free(pub);
    free(id);
    free(mod);
    EXPECT_RV(p11->C_CloseSession(s), CKR_OK);
}

struct signer {
    CK_SLOT_ID slot;
    int ok, rounds;
};

static void *signer_thread(void *arg)
{
    struct signer *t = arg;
    CK_SESSION_HANDLE s = open_session(t->slot, 0);
    CK_OBJECT_HANDLE priv;
    EVP_PKEY *pub = NULL;
    t->ok = 0;
    if (!signing_key(s, &priv, &pub))
        return NULL;
    for (int i = 0; i < t->rounds; i++) {
        unsigned char msg[64], sig[1024];
        CK_ULONG sl = sizeof sig;
        snprintf((char *)msg, sizeof msg, "thread %p round %d", (void *)t, i);
        if (sign_sha256(s, priv, msg, sizeof msg, sig, &sl) != CKR_OK ||
            !verify_sha256(pub, msg, sizeof msg, sig, sl))
            break;
        t->ok++;
    }
    EVP_PKEY_free(pub);
    p11->C_CloseSession(s);
    return NULL;
}

static void test_two_threads_sign(CK_SLOT_ID slot)
{
    CK_SESSION_HANDLE s = open_session(slot, 0);
    EXPECT_RV(login(s), CKR_OK); /* login is per token: both threads' sessions are logged in */
    struct signer a = {slot, 0, 5}, b = {slot, 0, 5};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, signer_thread, &a);
    pthread_create(&tb, NULL, signer_thread, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(a.ok == 5 && b.ok == 5, "two threads signing at once: %d and %d of 5 verified", a.ok,
          b.ok);
    p11->C_Logout(s);
    p11->C_CloseSession(s);
}

static void test_finalize_with_sessions(CK_SLOT_ID slot)
{
    CK_SESSION_HANDLE s = open_session(slot, 0);
    CK_SESSION_INFO si;
    EXPECT_RV(p11->C_Finalize(NULL), CKR_OK);
    EXPECT_RV(p11->C_GetSessionInfo(s, &si), CKR_CRYPTOKI_NOT_INITIALIZED);
    EXPECT_RV(init_os_locking(), CKR_OK);
    EXPECT_RV(p11->C_GetSessionInfo(s, &si), CKR_SESSION_HANDLE_INVALID);
}

struct waiter {
    pthread_mutex_t lock;
    int done;
    CK_RV rv;
};

static void *wait_thread(void *arg)
{
    struct waiter *w = arg;
    CK_SLOT_ID slot;
    CK_RV rv = p11->C_WaitForSlotEvent(0, &slot, NULL);
    pthread_mutex_lock(&w->lock);
    w->rv = rv;
    w->done = 1;
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

static void test_finalize_wakes_waiter(void)
{
    CK_SLOT_ID slot;
    CK_RV rv;
    /* Drain pending events (the initial insertion may be one) so the wait blocks. */
    for (int i = 0; i < 10; i++) {
        rv = p11->C_WaitForSlotEvent(CKF_DONT_BLOCK, &slot, NULL);
        if (rv != CKR_OK)
            break;
    }
    CHECK(rv == CKR_NO_EVENT, "C_WaitForSlotEvent(CKF_DONT_BLOCK) ends in CKR_NO_EVENT (%s)",
          rv_name(rv));
    if (rv != CKR_NO_EVENT)
        return;
    struct waiter w = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
    pthread_t t;
    pthread_create(&t, NULL, wait_thread, &w);
    sleep_ms(500);
    pthread_mutex_lock(&w.lock);
    int early = w.done;
    pthread_mutex_unlock(&w.lock);
    CHECK(!early, "C_WaitForSlotEvent blocks while nothing happens");
    EXPECT_RV(p11->C_Finalize(NULL), CKR_OK);
    int done = 0;
    for (int i = 0; i < 100 && !done; i++) {
        sleep_ms(50);
        pthread_mutex_lock(&w.lock);
        done = w.done;
        pthread_mutex_unlock(&w.lock);
    }
    CHECK(done, "C_Finalize wakes a blocked C_WaitForSlotEvent within 5 s");
    if (!done) {
        printf("%d passed, %d failed\n", passed, failed);
        fflush(stdout);
        _exit(1); /* the thread is stuck inside the module */
    }
    pthread_join(t, NULL);
    CHECK(w.rv == CKR_CRYPTOKI_NOT_INITIALIZED, "the waiter gets CKR_CRYPTOKI_NOT_INITIALIZED (%s)",
          rv_name(w.rv));
    EXPECT_RV(init_os_locking(), CKR_OK);
}

/* Login state is per token: a second session sees it; closing every session logs out. */
static void test_login_shared_and_close_all(CK_SLOT_ID slot)
{
    CK_SESSION_HANDLE a = open_session(slot, 0), b;
    CK_SESSION_INFO si;
    CK_OBJECT_HANDLE objs[8];
    EXPECT_RV(login(a), CKR_OK);
    b = open_session(slot, CKF_RW_SESSION);
    EXPECT_RV(p11->C_GetSessionInfo(b, &si), CKR_OK);
    CHECK(si.state == CKS_RW_USER_FUNCTIONS, "a session opened after login is logged in (%lu)",
          (unsigned long)si.state);
    CHECK(find(b, CKO_PRIVATE_KEY, objs, 8) >= 1, "the other session sees the private keys");
    EXPECT_RV(p11->C_CloseAllSessions(slot), CKR_OK);
    EXPECT_RV(p11->C_GetSessionInfo(a, &si), CKR_SESSION_HANDLE_INVALID);
    b = open_session(slot, 0);
    EXPECT_RV(p11->C_GetSessionInfo(b, &si), CKR_OK);
    CHECK(si.state == CKS_RO_PUBLIC_SESSION, "closing every session logged the user out (%lu)",
          (unsigned long)si.state);
    CHECK(find(b, CKO_PRIVATE_KEY, objs, 8) == 0, "private keys hidden after closing all sessions");
    p11->C_CloseSession(b);
}

/* C_Decrypt length protocol with a PKCS#1 v1.5 cryptogram made by OpenSSL. */
static void test_decrypt(CK_SLOT_ID slot)
{
    CK_SESSION_HANDLE s = open_session(slot, 0);
    CK_OBJECT_HANDLE priv;
    EVP_PKEY *pub = NULL;
    EXPECT_RV(login(s), CKR_OK);
    if (!signing_key(s, &priv, &pub)) {
        CHECK(0, "a key to decrypt with");
        p11->C_CloseSession(s);
        return;
    }
    unsigned char secret[24] = "a secret for the card!!", ct[1024], pt[1024];
    size_t ctl = sizeof ct;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
    if (!c || EVP_PKEY_encrypt_init(c) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(c, RSA_PKCS1_PADDING) != 1 ||
        EVP_PKEY_encrypt(c, ct, &ctl, secret, sizeof secret) != 1)
        die("OpenSSL cannot encrypt");
    EVP_PKEY_CTX_free(c);
    CK_MECHANISM m = {CKM_RSA_PKCS, NULL, 0};
    CK_ULONG ptl = 0;
    EXPECT_RV(p11->C_DecryptInit(s, &m, priv), CKR_OK);
    EXPECT_RV(p11->C_Decrypt(s, ct, ctl, NULL, &ptl), CKR_OK);
    CHECK(ptl >= sizeof secret, "C_Decrypt with NULL gives room for the plaintext (%lu)",
          (unsigned long)ptl);
    ptl = 4;
    EXPECT_RV(p11->C_Decrypt(s, ct, ctl, pt, &ptl), CKR_BUFFER_TOO_SMALL);
    CHECK(ptl >= sizeof secret, "CKR_BUFFER_TOO_SMALL returns a sufficient length (%lu)",
          (unsigned long)ptl);
    ptl = sizeof pt;
    EXPECT_RV(p11->C_Decrypt(s, ct, ctl, pt, &ptl), CKR_OK);
    CHECK(ptl == sizeof secret && memcmp(pt, secret, sizeof secret) == 0,
          "the card decrypts what OpenSSL encrypted");
    ptl = sizeof pt;
    EXPECT_RV(p11->C_Decrypt(s, ct, ctl, pt, &ptl), CKR_OPERATION_NOT_INITIALIZED);
    EVP_PKEY_free(pub);
    p11->C_Logout(s);
    p11->C_CloseSession(s);
}

/* APDUs the simulator logged so far (one line each), or -1 without a log. */
static void test_fork(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        CK_ULONG n = 0;
        int st = p11->C_GetSlotList(CK_FALSE, NULL, &n) == CKR_CRYPTOKI_NOT_INITIALIZED ? 0 : 1;
        if (!st)
            st = init_os_locking() == CKR_OK ? 0 : 2;
        if (!st)
            st = p11->C_GetSlotList(CK_TRUE, NULL, &n) == CKR_OK && n >= 1 ? 0 : 3;
        if (!st)
            st = p11->C_Finalize(NULL) == CKR_OK ? 0 : 4;
        _exit(st);
    }
    int status = -1;
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "fork");
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0,
          "child after fork: not initialized, then re-initializes (step %d failed)",
          WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int p11_api_suite(void)
{
    test_before_initialize();
    test_initialize();
    CK_SLOT_ID slot = token_slot();
    test_slots_and_token(slot);
    test_mechanisms(slot);
    test_sessions(slot);
    test_login_objects_sign(slot);
    test_login_shared_and_close_all(slot);
    test_decrypt(slot);
    test_two_threads_sign(slot);
    test_fork();
    test_finalize_with_sessions(slot);
    test_finalize_wakes_waiter();
    p11->C_Finalize(NULL);
    return report();
}

int main(int argc, char **argv)
{
    pin = getenv("MDCARD_USER_PIN");
    if (!pin)
        die("MDCARD_USER_PIN is not set");
    alarm(120); /* never hang a test run: SIGALRM ends the process */
    setvbuf(stdout, NULL, _IOLBF, 0);
    load_module();
    if (argc == 1)
        return p11_api_suite();
    if (argc == 2 && !strcmp(argv[1], "--pin-lock"))
        return p11_api_pin_lock();
    if (argc == 2 && !strcmp(argv[1], "--ro-session"))
        return p11_api_ro_session();
    if (argc == 2 && !strcmp(argv[1], "--apdu-budget"))
        return p11_api_apdu_budget();
    if ((argc == 3 || argc == 4) && !strcmp(argv[1], "--list"))
        return p11_api_list(argv[2], argc == 4 && !strcmp(argv[3], "--login"));
    if (argc == 3 && !strcmp(argv[1], "--sign-twice-wait"))
        return p11_api_sign_twice_wait(argv[2]);
    if (argc == 3 && !strcmp(argv[1], "--sign-pulled"))
        return p11_api_sign_pulled(argv[2]);
    if ((argc == 3 || argc == 4) && !strcmp(argv[1], "--create-cert"))
        return p11_api_create_cert(argv[2], !(argc == 4 && !strcmp(argv[3], "--no-login")));
    if (argc == 6 && !strcmp(argv[1], "--cut-op"))
        return p11_api_cut_op(argv[2], argv[3], strtol(argv[4], NULL, 10), argv[5]);
    if (argc == 3 && !strcmp(argv[1], "--check-all"))
        return p11_api_check_all(argv[2]);
    die("usage: p11-api-test [--pin-lock | --ro-session | --apdu-budget | --list DIR [--login] | "
        "--sign-twice-wait FILE | "
        "--sign-pulled CTL | --create-cert FILE [--no-login] | --cut-op OP CTL N ARG | "
        "--check-all DIR]");
}
