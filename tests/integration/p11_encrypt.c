/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * p11-encrypt: C_Encrypt with a card's public key through a PKCS#11 module,
 * for app-openssl.sh (pkcs11-tool 0.23 encrypts with secret keys only).
 *
 *   p11-encrypt MODULE ID_HEX pkcs1|oaep-sha256 IN OUT
 *
 * Loads MODULE, finds the CKO_PUBLIC_KEY with CKA_ID = ID_HEX on the first
 * token, encrypts the bytes of IN with CKM_RSA_PKCS or CKM_RSA_PKCS_OAEP
 * (SHA-256, MGF1-SHA-256, no label) and writes the ciphertext to OUT. No
 * login. Exit status 0 on success, 1 with a message otherwise.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <p11-kit/pkcs11.h>

static CK_FUNCTION_LIST_PTR p11;

static int fail(const char *what, CK_RV rv)
{
    fprintf(stderr, "p11-encrypt: %s: 0x%lx\n", what, (unsigned long)rv);
    return 1;
}

static size_t read_file(const char *path, unsigned char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    size_t n;

    if (f == NULL)
        return 0;
    n = fread(buf, 1, size, f);
    fclose(f);
    return n;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The ciphertext of in under the public key with this ID on the first token. */
static int encrypt_with_key(unsigned char *id, size_t id_len, CK_MECHANISM *mech, unsigned char *in,
                            size_t in_len, unsigned char *out, CK_ULONG *out_len)
{
    CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
    CK_ATTRIBUTE tmpl[] = {{CKA_CLASS, &cls, sizeof(cls)}, {CKA_ID, id, id_len}};
    CK_SLOT_ID slot;
    CK_ULONG n = 1, found = 0;
    CK_SESSION_HANDLE s;
    CK_OBJECT_HANDLE key;
    CK_RV rv;

    rv = p11->C_GetSlotList(CK_TRUE, &slot, &n);
    if (rv != CKR_OK || n == 0)
        return fail("no token (C_GetSlotList)", rv);
    rv = p11->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
    if (rv != CKR_OK)
        return fail("C_OpenSession", rv);
    rv = p11->C_FindObjectsInit(s, tmpl, 2);
    if (rv == CKR_OK)
        rv = p11->C_FindObjects(s, &key, 1, &found);
    p11->C_FindObjectsFinal(s);
    if (rv != CKR_OK || found != 1)
        return fail("no public key with this ID (C_FindObjects)", rv);
    rv = p11->C_EncryptInit(s, mech, key);
    if (rv != CKR_OK)
        return fail("C_EncryptInit", rv);
    rv = p11->C_Encrypt(s, in, in_len, out, out_len);
    if (rv != CKR_OK)
        return fail("C_Encrypt", rv);
    p11->C_CloseSession(s);
    return 0;
}

int main(int argc, char **argv)
{
    CK_RSA_PKCS_OAEP_PARAMS oaep = {CKM_SHA256, CKG_MGF1_SHA256, CKZ_DATA_SPECIFIED, NULL, 0};
    CK_MECHANISM mech = {CKM_RSA_PKCS, NULL, 0};
    CK_C_GetFunctionList get_list;
    unsigned char id[64], in[512], out[2048];
    CK_ULONG out_len = sizeof(out);
    size_t id_len = 0, in_len;
    const char *hex;
    void *h;
    FILE *f;
    int rc;

    if (argc != 6) {
        fprintf(stderr, "usage: p11-encrypt MODULE ID_HEX pkcs1|oaep-sha256 IN OUT\n");
        return 1;
    }
    for (hex = argv[2]; hex[0] != '\0' && hex[1] != '\0' && id_len < sizeof(id); hex += 2) {
        if (hexval(hex[0]) < 0 || hexval(hex[1]) < 0)
            break;
        id[id_len++] = (unsigned char)(hexval(hex[0]) << 4 | hexval(hex[1]));
    }
    if (hex[0] != '\0' || id_len == 0) {
        fprintf(stderr, "p11-encrypt: bad ID %s\n", argv[2]);
        return 1;
    }
    if (strcmp(argv[3], "oaep-sha256") == 0) {
        mech.mechanism = CKM_RSA_PKCS_OAEP;
        mech.pParameter = &oaep;
        mech.ulParameterLen = sizeof(oaep);
    } else if (strcmp(argv[3], "pkcs1") != 0) {
        fprintf(stderr, "p11-encrypt: unknown mechanism %s\n", argv[3]);
        return 1;
    }
    in_len = read_file(argv[4], in, sizeof(in));
    if (in_len == 0) {
        fprintf(stderr, "p11-encrypt: cannot read %s\n", argv[4]);
        return 1;
    }

    h = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
        fprintf(stderr, "p11-encrypt: %s\n", dlerror());
        return 1;
    }
    *(void **)&get_list = dlsym(h, "C_GetFunctionList");
    if (get_list == NULL || get_list(&p11) != CKR_OK || p11->C_Initialize(NULL) != CKR_OK) {
        fprintf(stderr, "p11-encrypt: cannot initialize %s\n", argv[1]);
        return 1;
    }
    rc = encrypt_with_key(id, id_len, &mech, in, in_len, out, &out_len);
    p11->C_Finalize(NULL);
    if (rc != 0)
        return rc;
    f = fopen(argv[5], "wb");
    if (f == NULL || fwrite(out, 1, out_len, f) != out_len || fclose(f) != 0) {
        fprintf(stderr, "p11-encrypt: cannot write %s\n", argv[5]);
        return 1;
    }
    return 0;
}
