/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * p11-api-test: the modes besides the suite — PIN lock, read-only session
 * rules, the APDU budget of DESIGN.md §8, the object listing used by
 * mdcard-fixture.sh, and the long-running signers used by
 * mdcard-shared-card.sh and mdcard-card-pulled.sh.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "p11_api.h"

static long apdu_count(void)
{
    const char *path = getenv("MDCARD_SIM_LOG");
    FILE *f = path ? fopen(path, "r") : NULL;
    long n = 0;
    int c;
    if (!f)
        return -1;
    while ((c = getc(f)) != EOF)
        n += c == '\n';
    fclose(f);
    return n;
}

/* Prints the logged APDUs after the first `from` ones (diagnostics for a failed budget). */
static void print_apdus(long from)
{
    FILE *f = fopen(getenv("MDCARD_SIM_LOG"), "r");
    char line[512];
    long n = 0;
    while (f && fgets(line, sizeof line, f))
        if (n++ >= from)
            printf("    apdu: %s", line);
    if (f)
        fclose(f);
}

/* DESIGN.md §8 on a warm cache: login + one PKCS#1 v1.5 signature costs 4 APDUs (VERIFY;
 * cardcf check, MSE, PSO), each further signature 3 (MSE is never skipped). The key
 * search in between is not counted. */
static void test_apdu_budget(CK_SLOT_ID slot)
{
    CK_SESSION_HANDLE s = open_session(slot, 0);
    CK_OBJECT_HANDLE objs[64], priv;
    EVP_PKEY *pub = NULL;
    unsigned char msg[20] = "budget", sig[1024];
    CK_ULONG sl = sizeof sig;
    find(s, CKO_CERTIFICATE, objs, 64); /* warm */
    long c0 = apdu_count();
    if (c0 < 0) {
        CHECK(0, "MDCARD_SIM_LOG readable");
        p11->C_CloseSession(s);
        return;
    }
    EXPECT_RV(login(s), CKR_OK);
    long c1 = apdu_count();
    if (!signing_key(s, &priv, &pub)) {
        CHECK(0, "a signing key");
        p11->C_CloseSession(s);
        return;
    }
    long c2 = apdu_count();
    EXPECT_RV(sign_sha256(s, priv, msg, sizeof msg, sig, &sl), CKR_OK);
    long c3 = apdu_count();
    long first = (c1 - c0) + (c3 - c2);
    CHECK(first <= 4, "login + first signature: %ld APDUs, at most 4", first);
    if (first > 4) {
        print_apdus(c0);
        printf("    (the key search in between: %ld APDUs)\n", c2 - c1);
    }
    long before = apdu_count();
    sl = sizeof sig;
    EXPECT_RV(sign_sha256(s, priv, msg, sizeof msg, sig, &sl), CKR_OK);
    long further = apdu_count() - before;
    CHECK(further <= 3, "a further signature: %ld APDUs, at most 3", further);
    if (further > 3)
        print_apdus(before);
    EVP_PKEY_free(pub);
    p11->C_Logout(s);
    p11->C_CloseSession(s);
}

int p11_api_apdu_budget(void)
{
    must(init_os_locking(), "C_Initialize");
    test_apdu_budget(token_slot());
    p11->C_Finalize(NULL);
    return report();
}

/* After fork() the child must initialize again (DESIGN.md §6). */

/* Read-only sessions refuse every change to the token (needs the write side). */
int p11_api_ro_session(void)
{
    must(init_os_locking(), "C_Initialize");
    CK_SLOT_ID slot = token_slot();
    CK_SESSION_HANDLE s = open_session(slot, 0);
    CK_OBJECT_HANDLE o, certs[8], pub, priv;
    must(login(s), "C_Login");
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE ct = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    CK_BYTE value[] = {0x30, 0x03, 0x02, 0x01, 0x00};
    CK_ATTRIBUTE cert_obj[] = {{CKA_CLASS, &cls, sizeof cls},
                               {CKA_CERTIFICATE_TYPE, &ct, sizeof ct},
                               {CKA_TOKEN, &yes, sizeof yes},
                               {CKA_VALUE, value, sizeof value}};
    EXPECT_RV(p11->C_CreateObject(s, cert_obj, 4, &o), CKR_SESSION_READ_ONLY);
    CK_ULONG n = find(s, CKO_CERTIFICATE, certs, 8);
    CHECK(n >= 1, "a certificate to try to destroy");
    if (n >= 1)
        EXPECT_RV(p11->C_DestroyObject(s, certs[0]), CKR_SESSION_READ_ONLY);
    CHECK(find(s, CKO_CERTIFICATE, certs, 8) == n, "the certificate is still there");
    CK_MECHANISM gen = {CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
    CK_ULONG bits = 1024;
    CK_ATTRIBUTE pub_t[] = {{CKA_TOKEN, &yes, sizeof yes}, {CKA_MODULUS_BITS, &bits, sizeof bits}};
    CK_ATTRIBUTE priv_t[] = {{CKA_TOKEN, &yes, sizeof yes}};
    EXPECT_RV(p11->C_GenerateKeyPair(s, &gen, pub_t, 2, priv_t, 1, &pub, &priv),
              CKR_SESSION_READ_ONLY);
    EXPECT_RV(p11->C_SetPIN(s, (CK_UTF8CHAR_PTR)(uintptr_t)pin, strlen(pin),
                            (CK_UTF8CHAR_PTR)(uintptr_t)pin, strlen(pin)),
              CKR_SESSION_READ_ONLY);
    p11->C_Logout(s);
    EXPECT_RV(p11->C_Login(s, CKU_SO,
                           (CK_UTF8CHAR_PTR) "0102030405060708090A0B0C0D0E0F1011121314"
                                             "15161718",
                           48),
              CKR_SESSION_READ_ONLY_EXISTS);
    p11->C_CloseSession(s);
    p11->C_Finalize(NULL);
    return report();
}

int p11_api_pin_lock(void)
{
    const char *wrong = "999999";
    must(init_os_locking(), "C_Initialize");
    CK_SLOT_ID slot = token_slot();
    CK_SESSION_HANDLE s = open_session(slot, 0);
    CK_TOKEN_INFO ti;
    CK_RV rv;
    EXPECT_RV(p11->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)wrong, 6), CKR_PIN_INCORRECT);
    EXPECT_RV(p11->C_GetTokenInfo(slot, &ti), CKR_OK);
    CHECK(ti.flags & CKF_USER_PIN_COUNT_LOW, "CKF_USER_PIN_COUNT_LOW after a wrong PIN");
    EXPECT_RV(p11->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)wrong, 6), CKR_PIN_INCORRECT);
    EXPECT_RV(p11->C_GetTokenInfo(slot, &ti), CKR_OK);
    CHECK(ti.flags & CKF_USER_PIN_FINAL_TRY, "CKF_USER_PIN_FINAL_TRY with one try left");
    rv = p11->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)wrong, 6);
    CHECK(rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED, "third wrong PIN: %s", rv_name(rv));
    /* Now even the right PIN is refused as locked. */
    EXPECT_RV(login(s), CKR_PIN_LOCKED);
    EXPECT_RV(p11->C_GetTokenInfo(slot, &ti), CKR_OK);
    CHECK(ti.flags & CKF_USER_PIN_LOCKED, "CKF_USER_PIN_LOCKED");
    p11->C_CloseSession(s);
    p11->C_Finalize(NULL);
    return report();
}

static void hex(FILE *f, const unsigned char *p, CK_ULONG n)
{
    for (CK_ULONG i = 0; i < n; i++)
        fprintf(f, "%02x", p[i]);
}

static void print_bool(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE t,
                       const char *name)
{
    CK_BBOOL b = 0;
    CK_ATTRIBUTE a = {t, &b, sizeof b};
    if (p11->C_GetAttributeValue(s, o, &a, 1) == CKR_OK)
        printf(" %s=%d", name, b ? 1 : 0);
    else
        printf(" %s=-", name);
}

/* One line per object: "OBJ n class=.. id=.. [cat=..] sign=.. decrypt=.. bits=.. label=..". */
int p11_api_list(const char *dir, int do_login)
{
    must(init_os_locking(), "C_Initialize");
    CK_SESSION_HANDLE s = open_session(token_slot(), 0);
    if (do_login)
        must(login(s), "C_Login");
    CK_OBJECT_HANDLE objs[128];
    CK_ULONG n = find(s, (CK_ULONG)-1, objs, 128);
    for (CK_ULONG i = 0; i < n; i++) {
        CK_ULONG len = 0;
        CK_OBJECT_CLASS cls = (CK_OBJECT_CLASS)-1;
        CK_ATTRIBUTE a = {CKA_CLASS, &cls, sizeof cls};
        p11->C_GetAttributeValue(s, objs[i], &a, 1);
        const char *cn = cls == CKO_CERTIFICATE             ? "cert"
                         : cls == CKO_PUBLIC_KEY            ? "pubkey"
                         : cls == CKO_PRIVATE_KEY           ? "privkey"
                         : cls == CKO_DATA                  ? "data"
                         : cls == 9 /* CKO_PROFILE (3.0) */ ? "profile"
                                                            : "other";
        printf("OBJ %lu class=%s id=", (unsigned long)i, cn);
        unsigned char *id = attr(s, objs[i], CKA_ID, &len);
        if (id)
            hex(stdout, id, len);
        else
            fputc('-', stdout);
        free(id);
        if (cls == CKO_CERTIFICATE) {
            CK_ULONG cat = (CK_ULONG)-1;
            CK_ATTRIBUTE c = {CKA_CERTIFICATE_CATEGORY, &cat, sizeof cat};
            if (p11->C_GetAttributeValue(s, objs[i], &c, 1) == CKR_OK)
                printf(" cat=%lu", (unsigned long)cat);
            else
                printf(" cat=-");
            unsigned char *v = attr(s, objs[i], CKA_VALUE, &len);
            char path[4096];
            snprintf(path, sizeof path, "%s/obj%lu.der", dir, (unsigned long)i);
            FILE *f = v ? fopen(path, "wb") : NULL;
            if (f) {
                fwrite(v, 1, len, f);
                fclose(f);
                printf(" value=%s", path);
            } else {
                printf(" value=-");
            }
            free(v);
        } else {
            print_bool(s, objs[i], CKA_SIGN, "sign");
            print_bool(s, objs[i], CKA_DECRYPT, "decrypt");
            unsigned char *mod = attr(s, objs[i], CKA_MODULUS, &len);
            printf(" bits=%lu", mod ? (unsigned long)len * 8 : 0UL);
            free(mod);
        }
        print_bool(s, objs[i], CKA_PRIVATE, "private");
        unsigned char *label = attr(s, objs[i], CKA_LABEL, &len);
        printf(" label=%s\n", label ? (char *)label : "-");
        free(label);
    }
    p11->C_CloseSession(s);
    p11->C_Finalize(NULL);
    return 0;
}

static CK_ULONG count_certs(CK_SESSION_HANDLE s)
{
    CK_OBJECT_HANDLE objs[64];
    return find(s, CKO_CERTIFICATE, objs, 64);
}

/* Logs in, signs, prints READY, waits for a file, signs again in the same session. */
int p11_api_sign_twice_wait(const char *file)
{
    must(init_os_locking(), "C_Initialize");
    CK_SESSION_HANDLE s = open_session(token_slot(), CKF_RW_SESSION);
    CK_OBJECT_HANDLE priv;
    EVP_PKEY *pub = NULL;
    unsigned char msg[32] = "the first message", sig[1024];
    CK_ULONG sl = sizeof sig;
    must(login(s), "C_Login");
    if (!signing_key(s, &priv, &pub))
        die("no signing key");
    printf("CERTS1 %lu\n", (unsigned long)count_certs(s));
    CK_RV rv = sign_sha256(s, priv, msg, sizeof msg, sig, &sl);
    printf("SIGN1 %s%s\n", rv_name(rv),
           rv == CKR_OK && !verify_sha256(pub, msg, sizeof msg, sig, sl) ? " BAD-SIGNATURE" : "");
    printf("READY\n");
    fflush(stdout);
    struct stat st;
    for (int i = 0; stat(file, &st) != 0; i++) {
        if (i > 1200)
            die("timed out waiting for %s", file);
        sleep_ms(50);
    }
    memcpy(msg, "the second message", 19);
    sl = sizeof sig;
    rv = sign_sha256(s, priv, msg, sizeof msg, sig, &sl);
    printf("SIGN2 %s%s\n", rv_name(rv),
           rv == CKR_OK && !verify_sha256(pub, msg, sizeof msg, sig, sl) ? " BAD-SIGNATURE" : "");
    printf("CERTS2 %lu\n", (unsigned long)count_certs(s));
    fflush(stdout);
    EVP_PKEY_free(pub);
    p11->C_CloseSession(s);
    p11->C_Finalize(NULL);
    return 0;
}

/* Signs while the simulator cuts the card, then waits for it and signs again. */
int p11_api_sign_pulled(const char *ctl)
{
    must(init_os_locking(), "C_Initialize");
    CK_SLOT_ID slot = token_slot();
    CK_SESSION_HANDLE s = open_session(slot, 0);
    CK_OBJECT_HANDLE priv;
    EVP_PKEY *pub = NULL;
    unsigned char msg[32] = "pulled", sig[1024];
    CK_ULONG sl = sizeof sig;
    must(login(s), "C_Login");
    if (!signing_key(s, &priv, &pub))
        die("no signing key");
    CK_RV rv = sign_sha256(s, priv, msg, sizeof msg, sig, &sl);
    CHECK(rv == CKR_OK && verify_sha256(pub, msg, sizeof msg, sig, sl),
          "signature before the cut (%s)", rv_name(rv));

    FILE *f = fopen(ctl, "w");
    if (!f || fputs("fail-after 1\n", f) < 0 || fclose(f) != 0)
        die("cannot write %s", ctl);
    sl = sizeof sig;
    rv = sign_sha256(s, priv, msg, sizeof msg, sig, &sl);
    printf("PULLED %s\n", rv_name(rv));
    CHECK(rv != CKR_OK, "a signature across the card cut fails");
    CHECK(rv == CKR_DEVICE_REMOVED || rv == CKR_DEVICE_ERROR || rv == CKR_SESSION_CLOSED ||
              rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_FUNCTION_FAILED ||
              rv == CKR_SESSION_HANDLE_INVALID || rv == CKR_USER_NOT_LOGGED_IN,
          "the cut gives a device/session error, not %s", rv_name(rv));
    p11->C_CloseAllSessions(slot);

    /* The card comes back after 500 ms: a new session, login and signature work. */
    CK_TOKEN_INFO ti;
    int back = 0;
    for (int i = 0; i < 100 && !back; i++) {
        sleep_ms(100);
        CK_SESSION_HANDLE s2;
        CK_SLOT_ID slots[8];
        CK_ULONG ns = 8;
        /* Applications re-list the slots after a removal; the slot ID stays. */
        if ((rv = p11->C_GetSlotList(CK_TRUE, slots, &ns)) != CKR_OK || ns == 0 ||
            (rv = p11->C_GetTokenInfo(slot, &ti)) != CKR_OK ||
            (rv = p11->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s2)) != CKR_OK)
            continue;
        rv = login(s2);
        if (rv == CKR_OK) {
            CK_OBJECT_HANDLE priv2;
            EVP_PKEY *pub2 = NULL;
            if (signing_key(s2, &priv2, &pub2)) {
                sl = sizeof sig;
                rv = sign_sha256(s2, priv2, msg, sizeof msg, sig, &sl);
                back = rv == CKR_OK && verify_sha256(pub2, msg, sizeof msg, sig, sl);
            }
            EVP_PKEY_free(pub2);
        }
        p11->C_CloseSession(s2);
    }
    CHECK(back, "after the card is back a new login and signature succeed (last: %s)", rv_name(rv));
    EVP_PKEY_free(pub);
    EXPECT_RV(p11->C_Finalize(NULL), CKR_OK);
    return report();
}
