/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * p11-api-test modes for write-interrupted.sh:
 *   --cut-op OP CTL N ARG  one write (cert|keygen|delete) with the simulator
 *                          armed to cut the card after N of its APDUs (N < 0:
 *                          no cut); prints the APDU count before and after
 *   --check-all DIR        everything the token shows after login: each
 *                          certificate's value (saved in DIR), each public
 *                          key's SHA-1(modulus), each private key's signature
 *                          verified with the public key of the same CKA_ID
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p11_api.h"

static long log_lines(void)
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

static void put_hex(const unsigned char *p, CK_ULONG n)
{
    if (!p || n == 0)
        fputc('-', stdout);
    for (CK_ULONG i = 0; p && i < n; i++)
        printf("%02x", p[i]);
}

static size_t read_file(const char *path, unsigned char *buf, size_t max)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s", path);
    size_t n = fread(buf, 1, max, f);
    int more = !feof(f);
    fclose(f);
    if (more || n == 0)
        die("%s: empty or too long", path);
    return n;
}

static size_t unhex(const char *s, unsigned char *out, size_t max)
{
    size_t n = 0;
    for (; s[0] && s[1] && n < max; s += 2) {
        unsigned v;
        if (sscanf(s, "%2x", &v) != 1)
            die("bad hex id");
        out[n++] = (unsigned char)v;
    }
    return n;
}

static CK_RV do_cert(CK_SESSION_HANDLE s, const char *path)
{
    static unsigned char v[70000];
    size_t n = read_file(path, v, sizeof v);
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE ct = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls},
                        {CKA_CERTIFICATE_TYPE, &ct, sizeof ct},
                        {CKA_TOKEN, &yes, sizeof yes},
                        {CKA_VALUE, v, (CK_ULONG)n}};
    CK_OBJECT_HANDLE h;
    return p11->C_CreateObject(s, t, 4, &h);
}

static CK_RV do_keygen(CK_SESSION_HANDLE s)
{
    CK_MECHANISM m = {CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
    CK_ULONG bits = 1024;
    CK_BYTE e[] = {1, 0, 1};
    CK_BBOOL yes = CK_TRUE;
    char label[] = "cut";
    CK_ATTRIBUTE pub[] = {{CKA_TOKEN, &yes, sizeof yes},
                          {CKA_MODULUS_BITS, &bits, sizeof bits},
                          {CKA_PUBLIC_EXPONENT, e, sizeof e},
                          {CKA_VERIFY, &yes, sizeof yes},
                          {CKA_LABEL, label, strlen(label)}};
    CK_ATTRIBUTE priv[] = {{CKA_TOKEN, &yes, sizeof yes},
                           {CKA_PRIVATE, &yes, sizeof yes},
                           {CKA_SENSITIVE, &yes, sizeof yes},
                           {CKA_SIGN, &yes, sizeof yes},
                           {CKA_DECRYPT, &yes, sizeof yes},
                           {CKA_LABEL, label, strlen(label)}};
    CK_OBJECT_HANDLE hp, hq;
    return p11->C_GenerateKeyPair(s, &m, pub, 5, priv, 6, &hp, &hq);
}

static CK_OBJECT_HANDLE find_private(CK_SESSION_HANDLE s, const char *idhex)
{
    unsigned char id[64];
    size_t idl = unhex(idhex, id, sizeof id);
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, id, (CK_ULONG)idl}};
    CK_OBJECT_HANDLE h;
    CK_ULONG n = 0;
    must(p11->C_FindObjectsInit(s, t, 2), "C_FindObjectsInit");
    must(p11->C_FindObjects(s, &h, 1, &n), "C_FindObjects");
    must(p11->C_FindObjectsFinal(s), "C_FindObjectsFinal");
    if (n != 1)
        die("no private key with ID %s", idhex);
    return h;
}

int p11_api_cut_op(const char *op, const char *ctl, long cut, const char *arg)
{
    must(init_os_locking(), "C_Initialize");
    CK_SESSION_HANDLE s = open_session(token_slot(), CKF_RW_SESSION);
    must(login(s), "C_Login");
    CK_OBJECT_HANDLE objs[64];
    find(s, (CK_ULONG)-1, objs, 64); /* a warm token, as an application has it */
    /* Everything the operation needs is found before the cut is armed. */
    CK_OBJECT_HANDLE victim = !strcmp(op, "delete") ? find_private(s, arg) : CK_INVALID_HANDLE;
    printf("BEFORE %ld\n", log_lines());
    if (cut >= 0) {
        FILE *f = fopen(ctl, "w");
        if (!f || fprintf(f, "fail-after %ld\n", cut) < 0 || fclose(f) != 0)
            die("cannot arm %s", ctl);
    }
    CK_RV rv;
    if (!strcmp(op, "cert"))
        rv = do_cert(s, arg);
    else if (!strcmp(op, "keygen"))
        rv = do_keygen(s);
    else if (!strcmp(op, "delete"))
        rv = p11->C_DestroyObject(s, victim);
    else
        die("unknown operation %s", op);
    printf("AFTER %ld\n", log_lines());
    printf("OP %s\n", rv_name(rv));
    p11->C_CloseSession(s);
    p11->C_Finalize(NULL);
    return 0;
}

static void sha1_hex(const unsigned char *p, CK_ULONG n)
{
    unsigned char md[20];
    if (!p || EVP_Digest(p, n, md, NULL, EVP_sha1(), NULL) != 1) {
        fputc('-', stdout);
        return;
    }
    put_hex(md, sizeof md);
}

int p11_api_check_all(const char *dir)
{
    must(init_os_locking(), "C_Initialize");
    CK_SESSION_HANDLE s = open_session(token_slot(), CKF_RW_SESSION);
    CK_RV lr = login(s);
    printf("LOGIN %s\n", rv_name(lr));
    CK_OBJECT_HANDLE objs[128];
    CK_ULONG n = find(s, (CK_ULONG)-1, objs, 128);
    for (CK_ULONG i = 0; i < n; i++) {
        CK_OBJECT_CLASS cls = (CK_OBJECT_CLASS)-1;
        CK_ATTRIBUTE a = {CKA_CLASS, &cls, sizeof cls};
        CK_ULONG idl = 0, vl = 0;
        if (p11->C_GetAttributeValue(s, objs[i], &a, 1) != CKR_OK)
            continue;
        unsigned char *id = attr(s, objs[i], CKA_ID, &idl);
        if (cls == CKO_CERTIFICATE) {
            unsigned char *v = attr(s, objs[i], CKA_VALUE, &vl);
            char path[4096];
            snprintf(path, sizeof path, "%s/cert%lu.der", dir, (unsigned long)i);
            FILE *f = v ? fopen(path, "wb") : NULL;
            if (f) {
                fwrite(v, 1, vl, f);
                fclose(f);
            }
            printf("CERT ");
            put_hex(id, idl);
            printf(" %s\n", f ? path : "-");
            free(v);
        } else if (cls == CKO_PUBLIC_KEY) {
            unsigned char *m = attr(s, objs[i], CKA_MODULUS, &vl);
            printf("PUB ");
            put_hex(id, idl);
            printf(" ");
            sha1_hex(m, vl);
            printf("\n");
            free(m);
        } else if (cls == CKO_PRIVATE_KEY) {
            CK_OBJECT_CLASS pc = CKO_PUBLIC_KEY;
            CK_ATTRIBUTE t[] = {{CKA_CLASS, &pc, sizeof pc}, {CKA_ID, id, idl}};
            CK_OBJECT_HANDLE pub;
            CK_ULONG np = 0;
            EVP_PKEY *pk = NULL;
            if (id && p11->C_FindObjectsInit(s, t, 2) == CKR_OK) {
                p11->C_FindObjects(s, &pub, 1, &np);
                p11->C_FindObjectsFinal(s);
            }
            if (np == 1)
                pk = rsa_public(s, pub);
            unsigned char msg[32] = "interrupted writes", sig[1024];
            CK_ULONG sl = sizeof sig;
            CK_RV rv = sign_sha256(s, objs[i], msg, sizeof msg, sig, &sl);
            printf("PRIV ");
            put_hex(id, idl);
            printf(" SIGN %s %s\n", rv_name(rv),
                   !pk                                          ? "NOPUB"
                   : rv != CKR_OK                               ? "-"
                   : verify_sha256(pk, msg, sizeof msg, sig, sl) ? "VERIFIED"
                                                                 : "BAD-SIGNATURE");
            EVP_PKEY_free(pk);
        }
        free(id);
    }
    printf("ENUM-OK %lu\n", (unsigned long)n);
    p11->C_CloseSession(s);
    p11->C_Finalize(NULL);
    return 0;
}
