/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * p11-api-test --create-cert: C_CreateObject(CKO_CERTIFICATE, CKC_X_509) with
 * a file's bytes as CKA_VALUE, exactly as given (pkcs11-tool would convert PEM
 * itself), optionally without login. Prints "CREATE CKR_..." for the scripts.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "p11_api.h"

#define MAX_VALUE 70000

int p11_api_create_cert(const char *path, int do_login)
{
    static unsigned char value[MAX_VALUE];
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s", path);
    size_t n = fread(value, 1, sizeof value, f);
    int too_long = !feof(f);
    fclose(f);
    if (too_long || n == 0)
        die("%s: empty or longer than %d bytes", path, MAX_VALUE);

    must(init_os_locking(), "C_Initialize");
    CK_SESSION_HANDLE s = open_session(token_slot(), CKF_RW_SESSION);
    if (do_login)
        must(login(s), "C_Login");
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE ct = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    char label[] = "raw value";
    CK_ATTRIBUTE t[] = {
        {CKA_CLASS, &cls, sizeof cls},
        {CKA_CERTIFICATE_TYPE, &ct, sizeof ct},
        {CKA_TOKEN, &yes, sizeof yes},
        {CKA_LABEL, label, strlen(label)},
        {CKA_VALUE, value, (CK_ULONG)n},
    };
    CK_OBJECT_HANDLE h = CK_INVALID_HANDLE;
    CK_RV rv = p11->C_CreateObject(s, t, sizeof t / sizeof t[0], &h);
    printf("CREATE %s\n", rv_name(rv));
    p11->C_CloseSession(s);
    p11->C_Finalize(NULL);
    return 0;
}
