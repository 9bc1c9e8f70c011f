/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdcard-bench: one benchmark scenario over the PKCS#11 API of the module named
 * on the command line (mdcard or OpenSC, driven identically), run inside
 * tests/with-card. Each run is a new process, measured from C_Initialize to
 * C_Finalize, with the operation of the scenario measured on its own too;
 * APDUs and bytes are counted from $MDCARD_SIM_LOG. It prints one line:
 *   RESULT <scenario> apdus=N bytes=N us=N op_apdus=N op_bytes=N op_us=N
 * or "UNSUPPORTED" and exit status 3 when the module lacks the mechanism.
 *
 *   mdcard-bench MODULE prime | cold-list | warm-list | sign-pkcs1 | sign-pss |
 *                sign-10 | decrypt | keygen | cert-write CERT.der ID-HEX
 *
 * Every scenario starts like an application: token info, a session, every
 * object listed. The runner calls `prime` (a listing, not reported) in the
 * same card instance before every scenario except cold-list, so a module with
 * a persistent cache finds it populated: those are the warm rows. The
 * operation: the listing (cold-list, warm-list); C_Login plus the operation,
 * key search included (sign-pkcs1, sign-pss, decrypt, keygen, cert-write);
 * ten further signatures after a login and a first signature (sign-10).
 * Results are checked (signatures verified, decryption compared), so a wrong
 * answer fails the run instead of producing a number.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <p11-kit/pkcs11.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>

static CK_FUNCTION_LIST_PTR p11;
static const char *pin;
static const char *sim_log;

static void die(const char *what, CK_RV rv)
{
    fprintf(stderr, "mdcard-bench: %s: 0x%lx\n", what, (unsigned long)rv);
    exit(1);
}

static void must(CK_RV rv, const char *what)
{
    if (rv != CKR_OK)
        die(what, rv);
}

/* ---- measurement: APDUs and bytes from the simulator's log, wall time ---- */

/* A measured stretch: log offsets and times at its start and end. */
struct stretch {
    long from, to;
    struct timespec t0, t1;
};
static struct stretch whole, op;

static long log_size(void)
{
    struct stat st;
    return stat(sim_log, &st) == 0 ? (long)st.st_size : 0;
}

static void mark(struct stretch *m)
{
    m->from = log_size();
    clock_gettime(CLOCK_MONOTONIC, &m->t0);
}

static void measure(struct stretch *m)
{
    clock_gettime(CLOCK_MONOTONIC, &m->t1);
    m->to = log_size();
}

/* One log line: "TIME CLA INS P1 P2 Lc=XX|- Le=XX|- resp=N sw=XXXX us=N ...".
 * Bytes: 4 header bytes + Lc data + response data + 2 status bytes. */
static int line_bytes(const char *line, long *bytes)
{
    char when[64], lc[16], le[16], sw[16];
    unsigned cla, ins, p1, p2;
    unsigned long resp;
    if (sscanf(line, "%63s %x %x %x %x Lc=%15s Le=%15s resp=%lu sw=%15s", when, &cla, &ins, &p1,
               &p2, lc, le, &resp, sw) != 9)
        return 0;
    if (strcmp(sw, "----") == 0) /* cut: never answered */
        return 0;
    long data = lc[0] == '-' ? 0 : strtol(lc, NULL, 16);
    *bytes = 4 + data + (long)resp + 2;
    return 1;
}

/* APDUs and bytes logged by the simulator within a stretch. */
static void count(const struct stretch *m, long *apdus, long *bytes)
{
    long b;
    char line[1024];
    FILE *f = fopen(sim_log, "r");
    *apdus = *bytes = 0;
    if (!f || fseek(f, m->from, SEEK_SET) != 0) {
        fprintf(stderr, "mdcard-bench: cannot read %s\n", sim_log);
        exit(1);
    }
    while (ftell(f) < m->to && fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        if (n && line[n - 1] != '\n') { /* longer than the buffer: skip the rest */
            int c;
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
        }
        if (line_bytes(line, &b)) {
            (*apdus)++;
            *bytes += b;
        }
    }
    fclose(f);
}

static long micros(const struct stretch *m)
{
    return (m->t1.tv_sec - m->t0.tv_sec) * 1000000L + (m->t1.tv_nsec - m->t0.tv_nsec) / 1000L;
}

static void report(const char *scenario)
{
    long apdus, bytes, op_apdus, op_bytes;
    count(&whole, &apdus, &bytes);
    count(&op, &op_apdus, &op_bytes);
    printf("RESULT %s apdus=%ld bytes=%ld us=%ld op_apdus=%ld op_bytes=%ld op_us=%ld\n", scenario,
           apdus, bytes, micros(&whole), op_apdus, op_bytes, micros(&op));
}

/* ---- PKCS#11 helpers ---- */

static void load(const char *path)
{
    CK_C_GetFunctionList get_list;
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "mdcard-bench: dlopen %s: %s\n", path, dlerror());
        exit(1);
    }
    /* POSIX: a function pointer survives the round trip through void *. */
    *(void **)&get_list = dlsym(h, "C_GetFunctionList");
    if (!get_list) {
        fprintf(stderr, "mdcard-bench: %s has no C_GetFunctionList\n", path);
        exit(1);
    }
    must(get_list(&p11), "C_GetFunctionList");
}

static CK_SLOT_ID first_token(void)
{
    CK_SLOT_ID slots[8];
    CK_ULONG n = 8;
    must(p11->C_GetSlotList(CK_TRUE, slots, &n), "C_GetSlotList");
    if (n == 0)
        die("no token", 0);
    return slots[0];
}

/* What an application does to show a token: token info, a session, every
 * object with its class, label and ID, certificate values and moduli. */
static CK_SESSION_HANDLE list(CK_SLOT_ID slot)
{
    CK_TOKEN_INFO ti;
    CK_SESSION_HANDLE s;
    CK_OBJECT_HANDLE objs[64];
    CK_ULONG n = 0;
    must(p11->C_GetTokenInfo(slot, &ti), "C_GetTokenInfo");
    must(p11->C_OpenSession(slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &s),
         "C_OpenSession");
    must(p11->C_FindObjectsInit(s, NULL, 0), "C_FindObjectsInit");
    must(p11->C_FindObjects(s, objs, 64, &n), "C_FindObjects");
    must(p11->C_FindObjectsFinal(s), "C_FindObjectsFinal");
    if (n == 0)
        die("the token lists no objects", 0);
    for (CK_ULONG i = 0; i < n; i++) {
        CK_OBJECT_CLASS cls;
        unsigned char label[256], id[64];
        CK_ATTRIBUTE a[] = {{CKA_CLASS, &cls, sizeof cls},
                            {CKA_LABEL, label, sizeof label},
                            {CKA_ID, id, sizeof id}};
        /* Some objects lack a label or an ID: that answer is fine, cls is still set. */
        CK_RV rv = p11->C_GetAttributeValue(s, objs[i], a, 3);
        if (rv != CKR_OK && rv != CKR_ATTRIBUTE_TYPE_INVALID && rv != CKR_ATTRIBUTE_SENSITIVE)
            die("C_GetAttributeValue", rv);
        if (a[0].ulValueLen != sizeof cls)
            die("an object without CKA_CLASS", rv);
        CK_ATTRIBUTE big = {cls == CKO_CERTIFICATE ? CKA_VALUE : CKA_MODULUS, NULL, 0};
        if (cls != CKO_CERTIFICATE && cls != CKO_PUBLIC_KEY)
            continue;
        must(p11->C_GetAttributeValue(s, objs[i], &big, 1), "C_GetAttributeValue (size)");
        big.pValue = malloc(big.ulValueLen ? big.ulValueLen : 1);
        if (!big.pValue)
            die("out of memory", 0);
        must(p11->C_GetAttributeValue(s, objs[i], &big, 1), "C_GetAttributeValue (value)");
        free(big.pValue);
    }
    return s;
}

static void login(CK_SESSION_HANDLE s)
{
    must(p11->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)(uintptr_t)pin, strlen(pin)), "C_Login");
}

/* The first object matching a template. */
static CK_OBJECT_HANDLE find_one(CK_SESSION_HANDLE s, CK_ATTRIBUTE *t, CK_ULONG n, const char *what)
{
    CK_OBJECT_HANDLE o;
    CK_ULONG got = 0;
    must(p11->C_FindObjectsInit(s, t, n), "C_FindObjectsInit");
    must(p11->C_FindObjects(s, &o, 1, &got), "C_FindObjects");
    must(p11->C_FindObjectsFinal(s), "C_FindObjectsFinal");
    if (got == 0)
        die(what, 0);
    return o;
}

/* The token's first public key as an OpenSSL key (for checks), with its CKA_ID. */
static unsigned char key_id[64];
static CK_ULONG key_id_len;

static EVP_PKEY *first_public(CK_SESSION_HANDLE s)
{
    unsigned char mod[1024], exp[16];
    CK_OBJECT_CLASS cls = CKO_PUBLIC_KEY;
    CK_ATTRIBUTE t = {CKA_CLASS, &cls, sizeof cls};
    CK_OBJECT_HANDLE pub = find_one(s, &t, 1, "no public key");
    CK_ATTRIBUTE a[] = {{CKA_MODULUS, mod, sizeof mod},
                        {CKA_PUBLIC_EXPONENT, exp, sizeof exp},
                        {CKA_ID, key_id, sizeof key_id}};
    must(p11->C_GetAttributeValue(s, pub, a, 3), "public key attributes");
    key_id_len = a[2].ulValueLen;
    BIGNUM *bn = BN_bin2bn(mod, (int)a[0].ulValueLen, NULL);
    BIGNUM *be = BN_bin2bn(exp, (int)a[1].ulValueLen, NULL);
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY *pk = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (bn && be && bld && ctx && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn) &&
        OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, be) &&
        (params = OSSL_PARAM_BLD_to_param(bld)) != NULL && EVP_PKEY_fromdata_init(ctx) > 0)
        EVP_PKEY_fromdata(ctx, &pk, EVP_PKEY_PUBLIC_KEY, params);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(bld);
    EVP_PKEY_CTX_free(ctx);
    BN_free(bn);
    BN_free(be);
    if (!pk)
        die("cannot build the public key", 0);
    return pk;
}

/* The private key with the ID of first_public(): what an application looks up after login. */
static CK_OBJECT_HANDLE private_key(CK_SESSION_HANDLE s)
{
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}, {CKA_ID, key_id, key_id_len}};
    return find_one(s, t, 2, "no private key with the public key's ID");
}

static const unsigned char message[] = "mdcard benchmark message";

static void sign_once(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, EVP_PKEY *pub, int pss)
{
    CK_RSA_PKCS_PSS_PARAMS pp = {CKM_SHA256, CKG_MGF1_SHA256, 32};
    CK_MECHANISM m = {pss ? CKM_SHA256_RSA_PKCS_PSS : CKM_SHA256_RSA_PKCS, pss ? &pp : NULL,
                      pss ? sizeof pp : 0};
    unsigned char sig[1024];
    CK_ULONG slen = sizeof sig;
    CK_RV rv = p11->C_SignInit(s, &m, key);
    if (rv == CKR_MECHANISM_INVALID) { /* OpenSC's GIDS driver has no PSS: not a failure */
        printf("UNSUPPORTED\n");
        exit(3);
    }
    must(rv, "C_SignInit");
    must(p11->C_Sign(s, (CK_BYTE_PTR)(uintptr_t)message, sizeof message - 1, sig, &slen),
         "C_Sign");
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = md && EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, pub) > 0;
    if (ok && pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) > 0;
    ok = ok && EVP_DigestVerify(md, sig, slen, message, sizeof message - 1) == 1;
    EVP_MD_CTX_free(md);
    if (!ok)
        die("the signature does not verify", 0);
}

static void decrypt_once(CK_SESSION_HANDLE s, CK_OBJECT_HANDLE key, EVP_PKEY *pub)
{
    unsigned char secret[32], ct[1024], pt[1024];
    size_t clen = sizeof ct;
    CK_ULONG plen = sizeof pt;
    CK_MECHANISM m = {CKM_RSA_PKCS, NULL, 0};
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL);
    if (RAND_bytes(secret, sizeof secret) != 1 || !ctx || EVP_PKEY_encrypt_init(ctx) <= 0 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0 ||
        EVP_PKEY_encrypt(ctx, ct, &clen, secret, sizeof secret) <= 0)
        die("cannot encrypt", 0);
    EVP_PKEY_CTX_free(ctx);
    must(p11->C_DecryptInit(s, &m, key), "C_DecryptInit");
    must(p11->C_Decrypt(s, ct, clen, pt, &plen), "C_Decrypt");
    if (plen != sizeof secret || memcmp(pt, secret, sizeof secret) != 0)
        die("decryption gave other data", 0);
}

static void keygen(CK_SESSION_HANDLE s)
{
    CK_MECHANISM m = {CKM_RSA_PKCS_KEY_PAIR_GEN, NULL, 0};
    CK_ULONG bits = 2048;
    CK_BYTE e[] = {1, 0, 1};
    CK_BBOOL yes = CK_TRUE;
    char label[] = "bench";
    CK_ATTRIBUTE pub_t[] = {{CKA_TOKEN, &yes, sizeof yes},
                            {CKA_MODULUS_BITS, &bits, sizeof bits},
                            {CKA_PUBLIC_EXPONENT, e, sizeof e},
                            {CKA_VERIFY, &yes, sizeof yes},
                            {CKA_LABEL, label, sizeof label - 1}};
    CK_ATTRIBUTE priv_t[] = {{CKA_TOKEN, &yes, sizeof yes},
                             {CKA_PRIVATE, &yes, sizeof yes},
                             {CKA_SIGN, &yes, sizeof yes},
                             {CKA_LABEL, label, sizeof label - 1}};
    CK_OBJECT_HANDLE pub, priv;
    must(p11->C_GenerateKeyPair(s, &m, pub_t, 5, priv_t, 4, &pub, &priv), "C_GenerateKeyPair");
}

static size_t unhex(const char *h, unsigned char *out, size_t max)
{
    size_t n = strlen(h) / 2;
    if (strlen(h) % 2 || n > max)
        die("bad ID hex", 0);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(h + 2 * i, "%2x", &v) != 1)
            die("bad ID hex", 0);
        out[i] = (unsigned char)v;
    }
    return n;
}

static void cert_write(CK_SESSION_HANDLE s, const char *path, const char *idhex)
{
    static unsigned char der[8192];
    unsigned char id[64];
    size_t idlen = unhex(idhex, id, sizeof id);
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(der, 1, sizeof der, f) : 0;
    if (f)
        fclose(f);
    if (n == 0 || n == sizeof der)
        die("cannot read the certificate", 0);
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_CERTIFICATE_TYPE ct = CKC_X_509;
    CK_BBOOL yes = CK_TRUE;
    char label[] = "bench cert";
    CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls},
                        {CKA_CERTIFICATE_TYPE, &ct, sizeof ct},
                        {CKA_TOKEN, &yes, sizeof yes},
                        {CKA_ID, id, idlen},
                        {CKA_LABEL, label, sizeof label - 1},
                        {CKA_VALUE, der, n}};
    CK_OBJECT_HANDLE o;
    must(p11->C_CreateObject(s, t, 6, &o), "C_CreateObject");
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: mdcard-bench MODULE SCENARIO [CERT.der ID-HEX]\n");
        return 2;
    }
    const char *sc = argv[2];
    pin = getenv("MDCARD_USER_PIN");
    sim_log = getenv("MDCARD_SIM_LOG");
    if (!pin || !sim_log) {
        fprintf(stderr, "mdcard-bench: run inside tests/with-card\n");
        return 2;
    }
    if (strcmp(sc, "cert-write") == 0 && argc < 5) {
        fprintf(stderr, "mdcard-bench: cert-write needs CERT.der ID-HEX\n");
        return 2;
    }
    load(argv[1]);
    CK_C_INITIALIZE_ARGS args;
    memset(&args, 0, sizeof args);
    args.flags = CKF_OS_LOCKING_OK;

    /* The whole process is measured; the operation itself too (op_*). */
    mark(&whole);
    must(p11->C_Initialize(&args), "C_Initialize");
    CK_SLOT_ID slot = first_token();
    if (strcmp(sc, "prime") == 0 || strcmp(sc, "cold-list") == 0 ||
        strcmp(sc, "warm-list") == 0) {
        mark(&op);
        CK_SESSION_HANDLE s = list(slot);
        measure(&op);
        p11->C_CloseSession(s);
        must(p11->C_Finalize(NULL), "C_Finalize");
        measure(&whole);
        if (strcmp(sc, "prime") != 0)
            report(sc);
        return 0;
    }
    CK_SESSION_HANDLE s = list(slot); /* what an application does first */
    EVP_PKEY *pub = NULL;
    if (strcmp(sc, "sign-pkcs1") == 0 || strcmp(sc, "sign-pss") == 0) {
        pub = first_public(s);
        mark(&op);
        login(s);
        sign_once(s, private_key(s), pub, strcmp(sc, "sign-pss") == 0);
        measure(&op);
    } else if (strcmp(sc, "sign-10") == 0) {
        pub = first_public(s);
        login(s);
        CK_OBJECT_HANDLE k = private_key(s);
        sign_once(s, k, pub, 0);
        mark(&op);
        for (int i = 0; i < 10; i++)
            sign_once(s, k, pub, 0);
        measure(&op);
    } else if (strcmp(sc, "decrypt") == 0) {
        pub = first_public(s);
        mark(&op);
        login(s);
        decrypt_once(s, private_key(s), pub);
        measure(&op);
    } else if (strcmp(sc, "keygen") == 0) {
        mark(&op);
        login(s);
        keygen(s);
        measure(&op);
    } else if (strcmp(sc, "cert-write") == 0) {
        mark(&op);
        login(s);
        cert_write(s, argv[3], argv[4]);
        measure(&op);
    } else {
        fprintf(stderr, "mdcard-bench: unknown scenario %s\n", sc);
        return 2;
    }
    EVP_PKEY_free(pub);
    p11->C_Logout(s);
    p11->C_CloseSession(s);
    must(p11->C_Finalize(NULL), "C_Finalize");
    measure(&whole);
    report(sc);
    return 0;
}
