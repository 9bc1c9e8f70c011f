/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * gids-fixture: turns a card freshly initialized by gids-tool into a
 * Windows-style minidriver card for the read-side tests, with raw APDUs.
 * It is an independent writer of the layout (GIDS-AND-MINIDRIVER.md §2, §3)
 * and links nothing from module/.
 *
 *   gids-fixture --out DIR [--pin PIN] [--reader NAME]
 *
 * The card (user PIN verified first), containers 0..10 (records 0..10):
 *   0  kx  RSA-2048  default  kxc00  compressed      CN "Fixture KX 00"
 *   1  kx  RSA-1024           KXC01  compressed      CN "Fixture KX 01"  (upper-case name)
 *   2  free; a leftover certificate kxc02 (compressed) stays in the table
 *   3  sig RSA-1024           ksc03  compressed      CN "Fixture Sig 03" (key type 9C, B6 only)
 *   4  kx  RSA-1024           kxc04  raw DER         CN "Fixture KX 04"
 *   5  kx  RSA-1024           no certificate
 *   6..9 free
 *  10  kx  RSA-1024           kxc0a  compressed      CN "Fixture KX 10"  (lower-case hex)
 * plus mscp/msroots (raw DER PKCS#7 certs-only with two CA certificates) and a
 * 10-byte cardcf, version 1, counters 05 / 0007 / 0009. Keys are made with
 * OpenSSL and imported with PUT DATA 3FFF; certificates are issued by a test
 * CA that is the first msroots certificate.
 *
 * DIR receives the DER certificates, PEM public keys and DIR/manifest, one
 * line per item (fields separated by one space; "-" = none; CN last):
 *   container IDX KIND BITS DEFAULT CERTFILE COMPRESSED CKA_ID PUBKEY_PEM CERT_DER NAME CN
 *   free IDX
 *   leftover IDX CERTFILE CERT_DER
 *   root N CKA_ID CERT_DER
 *   cardcf HEX
 * KIND is kx or sig, DEFAULT 1 or 0, COMPRESSED yes or no, CKA_ID the SHA-1 of
 * the RSA modulus in lower-case hex (for roots: of the certificate's modulus),
 * NAME the cmapfile container name.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winscard.h>
#include <zlib.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define N_RECORDS 11
#define CHAIN_LINK 240
#define MAX_RESP 8192

enum kind { FREE = 0, KX, SIG };

struct container {
    int index;
    enum kind kind;
    int bits;
    int is_default;
    const char *certfile; /* as stored in the master table, NULL = none */
    int compressed;
    const char *cn;
    EVP_PKEY *key;
    unsigned char *cert;
    size_t cert_len;
};

static struct container containers[] = {
    {0, KX, 2048, 1, "kxc00", 1, "Fixture KX 00", NULL, NULL, 0},
    {1, KX, 1024, 0, "KXC01", 1, "Fixture KX 01", NULL, NULL, 0},
    {3, SIG, 1024, 0, "ksc03", 1, "Fixture Sig 03", NULL, NULL, 0},
    {4, KX, 1024, 0, "kxc04", 0, "Fixture KX 04", NULL, NULL, 0},
    {5, KX, 1024, 0, NULL, 0, NULL, NULL, NULL, 0},
    {10, KX, 1024, 0, "kxc0a", 1, "Fixture KX 10", NULL, NULL, 0},
};
#define N_CONTAINERS (sizeof containers / sizeof containers[0])
#define LEFTOVER_INDEX 2
#define LEFTOVER_NAME "kxc02"

static const unsigned char cardcf_value[10] = {0x01, 0x05, 0x07, 0x00, 0x09,
                                               0x00, 0xA5, 0x5A, 0xC3, 0x3C};

static SCARDHANDLE card;
static const SCARD_IO_REQUEST *pci;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("gids-fixture: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* ---- APDUs ---- */

/* One APDU; 61xx answers are collected with GET RESPONSE. Returns SW. */
static unsigned transmit(const unsigned char *apdu, size_t n, unsigned char *resp, size_t *rlen)
{
    unsigned char buf[258];
    size_t total = 0;
    DWORD len = sizeof buf;
    LONG rv = SCardTransmit(card, pci, apdu, (DWORD)n, NULL, buf, &len);
    for (;;) {
        if (rv != SCARD_S_SUCCESS || len < 2)
            die("transmit: %s", pcsc_stringify_error(rv));
        unsigned sw = (unsigned)buf[len - 2] << 8 | buf[len - 1];
        size_t data = len - 2;
        if (resp && total + data > MAX_RESP)
            die("response too long");
        if (resp)
            memcpy(resp + total, buf, data);
        total += data;
        if ((sw & 0xFF00) != 0x6100) {
            if (rlen)
                *rlen = total;
            return sw;
        }
        unsigned char get_response[5] = {0x00, 0xC0, 0x00, 0x00, (unsigned char)(sw & 0xFF)};
        len = sizeof buf;
        rv = SCardTransmit(card, pci, get_response, sizeof get_response, NULL, buf, &len);
    }
}

static void expect_ok(unsigned sw, const char *what)
{
    if (sw != 0x9000)
        die("%s: SW %04X", what, sw);
}

/* A command with data, chained in 240-byte links when longer than 255 bytes. */
static unsigned send_chained(unsigned char ins, unsigned char p1, unsigned char p2,
                             const unsigned char *data, size_t n)
{
    unsigned char apdu[5 + 255];
    /* One APDU when it fits; otherwise 240-byte links as Windows sends them. */
    size_t block = n <= 255 ? n : CHAIN_LINK;
    size_t off = 0;
    for (;;) {
        size_t this_len = n - off < block ? n - off : block;
        int last = off + this_len == n;
        apdu[0] = last ? 0x00 : 0x10;
        apdu[1] = ins;
        apdu[2] = p1;
        apdu[3] = p2;
        apdu[4] = (unsigned char)this_len;
        memcpy(apdu + 5, data + off, this_len);
        unsigned sw = transmit(apdu, 5 + this_len, NULL, NULL);
        if (last || sw != 0x9000)
            return sw;
        off += this_len;
    }
}

/* Appends a BER length. */
static size_t ber_len(unsigned char *p, size_t len)
{
    if (len < 0x80) {
        p[0] = (unsigned char)len;
        return 1;
    }
    if (len < 0x100) {
        p[0] = 0x81;
        p[1] = (unsigned char)len;
        return 2;
    }
    p[0] = 0x82;
    p[1] = (unsigned char)(len >> 8);
    p[2] = (unsigned char)len;
    return 3;
}

/* PUT DATA <ef> with the DO <tag> = value (a complete TLV, chained when long). */
static void put_do(unsigned ef, unsigned tag, const unsigned char *v, size_t n, const char *what)
{
    if (n > 32767)
        die("%s: too long", what);
    unsigned char *tlv = malloc(n + 5);
    if (!tlv)
        die("out of memory");
    tlv[0] = (unsigned char)(tag >> 8);
    tlv[1] = (unsigned char)tag;
    size_t h = 2 + ber_len(tlv + 2, n);
    memcpy(tlv + h, v, n);
    expect_ok(send_chained(0xDB, (unsigned char)(ef >> 8), (unsigned char)ef, tlv, h + n), what);
    free(tlv);
}

/* GET DATA <ef>/<tag>; returns the value (TLV header checked and stripped). */
static size_t get_do(unsigned ef, unsigned tag, unsigned char *out, const char *what)
{
    unsigned char apdu[10] = {0x00, 0xCB, (unsigned char)(ef >> 8),  (unsigned char)ef,  0x04,
                              0x5C, 0x02, (unsigned char)(tag >> 8), (unsigned char)tag, 0x00};
    static unsigned char resp[MAX_RESP];
    size_t n = 0;
    expect_ok(transmit(apdu, sizeof apdu, resp, &n), what);
    if (n < 3 || resp[0] != (unsigned char)(tag >> 8) || resp[1] != (unsigned char)tag)
        die("%s: unexpected answer", what);
    size_t h = 3, len = resp[2];
    if (resp[2] == 0x81 && n >= 4) {
        len = resp[3];
        h = 4;
    } else if (resp[2] == 0x82 && n >= 5) {
        len = (size_t)resp[3] << 8 | resp[4];
        h = 5;
    } else if (resp[2] >= 0x80) {
        die("%s: bad length", what);
    }
    if (h + len != n)
        die("%s: length mismatch", what);
    memcpy(out, resp + h, len);
    return len;
}

/* ---- keys ---- */

static unsigned char alg_nibble(int bits)
{
    return bits == 1024 ? 0x06 : 0x07;
}

/* CREATE FILE B0kid with the Windows/OpenSC FCP (§2.11), then ACTIVATE. */
static void create_key_file(const struct container *c)
{
    unsigned char kid = (unsigned char)(0x81 + c->index), a = alg_nibble(c->bits);
    unsigned char fcp[80];
    size_t n = 0;
    static const unsigned char kx_algs[] = {0x00, 0x80, 0x40};
    static const unsigned char sig_algs[] = {0x10, 0x50};

    fcp[n++] = 0x62;
    n++; /* length, filled in below */
    const unsigned char head[] = {0x82, 0x01, 0x18, 0x83, 0x02, 0xB0, kid,
                                  0x8C, 0x05, 0x8F, 0x10, 0x10, 0x10, 0x00};
    memcpy(fcp + n, head, sizeof head);
    n += sizeof head;
    size_t ntempl = c->kind == KX ? 5 : 2;
    fcp[n++] = 0xA5;
    fcp[n++] = (unsigned char)(11 * ntempl);
    for (size_t t = 0; t < ntempl; t++) {
        int decipher = c->kind == KX && t < 3;
        unsigned char alg =
            (unsigned char)((decipher ? kx_algs[t] : sig_algs[c->kind == KX ? t - 3 : t]) | a);
        const unsigned char templ[] = {
            decipher ? 0xB8 : 0xB6, 0x09, 0x80, 0x01, alg, 0x83, 0x01, kid, 0x95, 0x01, 0x40};
        memcpy(fcp + n, templ, sizeof templ);
        n += sizeof templ;
    }
    fcp[1] = (unsigned char)(n - 2);

    unsigned char apdu[5 + sizeof fcp] = {0x00, 0xE0, 0x00, 0x00, (unsigned char)n};
    memcpy(apdu + 5, fcp, n);
    expect_ok(transmit(apdu, 5 + n, NULL, NULL), "CREATE FILE key EF");
    static const unsigned char activate[] = {0x00, 0x44, 0x00, 0x00};
    expect_ok(transmit(activate, sizeof activate, NULL, NULL), "ACTIVATE key EF");
}

/* PUT DATA 3FFF: 70 { 84 kid, A5 { 83 02, 84 00, 87 RSAPrivateKey } } (§2.14). */
static void import_key(const struct container *c)
{
    unsigned char *der = NULL;
    int dlen = i2d_PrivateKey(c->key, &der);
    if (dlen <= 0)
        die("cannot encode the private key");
    unsigned char *buf = malloc((size_t)dlen + 32);
    if (!buf)
        die("out of memory");
    unsigned char inner[8];
    size_t il = ber_len(inner, (size_t)dlen);
    size_t a5_len = 3 + 3 + 1 + il + (size_t)dlen;
    unsigned char a5l[4];
    size_t a5h = ber_len(a5l, a5_len);
    size_t t70_len = 3 + 1 + a5h + a5_len;
    size_t n = 0;
    buf[n++] = 0x70;
    n += ber_len(buf + n, t70_len);
    buf[n++] = 0x84;
    buf[n++] = 0x01;
    buf[n++] = (unsigned char)(0x81 + c->index);
    buf[n++] = 0xA5;
    memcpy(buf + n, a5l, a5h);
    n += a5h;
    const unsigned char type_wrap[] = {0x83, 0x01, 0x02, 0x84, 0x01, 0x00, 0x87};
    memcpy(buf + n, type_wrap, sizeof type_wrap);
    n += sizeof type_wrap;
    memcpy(buf + n, inner, il);
    n += il;
    memcpy(buf + n, der, (size_t)dlen);
    n += (size_t)dlen;
    expect_ok(send_chained(0xDB, 0x3F, 0xFF, buf, n), "key import");
    OPENSSL_cleanse(buf, n);
    OPENSSL_clear_free(der, (size_t)dlen);
    free(buf);
}

static size_t modulus(EVP_PKEY *k, unsigned char *out, size_t max)
{
    BIGNUM *bn = NULL;
    if (!EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &bn))
        die("no modulus");
    size_t n = (size_t)BN_num_bytes(bn);
    if (n > max)
        die("modulus too long");
    BN_bn2bin(bn, out);
    BN_free(bn);
    return n;
}

/* CKA_ID as DESIGN.md §4 defines it: SHA-1 of the modulus, as hex. */
static void key_id_hex(EVP_PKEY *k, char hex[41])
{
    unsigned char n[1024], md[20];
    size_t len = modulus(k, n, sizeof n);
    if (!EVP_Digest(n, len, md, NULL, EVP_sha1(), NULL))
        die("SHA-1 failed");
    for (int i = 0; i < 20; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* A Windows-style container name: a lower-case GUID without braces. */
static void container_name(const struct container *c, char *out, size_t max)
{
    snprintf(out, max, "f1a7e0%02d-5e1f-4c0d-9a11-0000000000%02d", c->index, c->index);
}

/* ---- certificates ---- */

static X509 *make_cert(EVP_PKEY *subject_key, const char *cn, EVP_PKEY *issuer_key, X509 *issuer,
                       int is_ca, long serial)
{
    X509 *x = X509_new();
    X509_NAME *name = X509_NAME_new();
    if (!x || !name)
        die("out of memory");
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), serial);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 30L * 24 * 3600);
    X509_set_pubkey(x, subject_key);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    X509_set_subject_name(x, name);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    const char *bc = is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
    const char *ku =
        is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment";
    X509_EXTENSION *e1 = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints, bc);
    X509_EXTENSION *e2 = X509V3_EXT_conf_nid(NULL, &ctx, NID_key_usage, ku);
    if (!e1 || !e2 || !X509_add_ext(x, e1, -1) || !X509_add_ext(x, e2, -1))
        die("cannot add extensions");
    X509_EXTENSION_free(e1);
    X509_EXTENSION_free(e2);
    if (!X509_sign(x, issuer_key, EVP_sha256()))
        die("cannot sign a certificate");
    X509_NAME_free(name);
    return x;
}

static size_t cert_der(X509 *x, unsigned char **out)
{
    *out = NULL;
    int n = i2d_X509(x, out);
    if (n <= 0)
        die("cannot encode a certificate");
    return (size_t)n;
}

static void write_file(const char *dir, const char *name, const unsigned char *d, size_t n,
                       char *path, size_t path_max)
{
    snprintf(path, path_max, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(d, 1, n, f) != n || fclose(f) != 0)
        die("cannot write %s", path);
}

static void write_pubkey(const char *dir, const struct container *c, char *path, size_t max)
{
    snprintf(path, max, "%s/pub%02d.pem", dir, c->index);
    FILE *f = fopen(path, "w");
    if (!f || !PEM_write_PUBKEY(f, c->key) || fclose(f) != 0)
        die("cannot write %s", path);
}

/* The certificate file format (§3.8): 01 00 LE16(len) zlib(DER), or raw DER. */
static unsigned char *cert_file(const unsigned char *der, size_t n, int compress_it,
                                size_t *out_len)
{
    uLongf zlen = compressBound((uLong)n);
    unsigned char *f = malloc(4 + zlen);
    if (!f || n > 65535)
        die("certificate too long");
    if (!compress_it) {
        memcpy(f, der, n);
        *out_len = n;
        return f;
    }
    f[0] = 0x01;
    f[1] = 0x00;
    f[2] = (unsigned char)n;
    f[3] = (unsigned char)(n >> 8);
    if (compress2(f + 4, &zlen, der, (uLong)n, Z_BEST_COMPRESSION) != Z_OK)
        die("zlib failed");
    *out_len = 4 + zlen;
    return f;
}

/* ---- master table ---- */

static unsigned char mft[2048];
static size_t mft_len;
static unsigned next_tag = 0xDF24;

/* Stores a file of mscp as a new DO in A010 and appends its table record. */
static void add_mscp_file(const char *name, const unsigned char *d, size_t n)
{
    unsigned tag = next_tag++;
    put_do(0xA010, tag, d, n, name);
    if (mft_len + 28 > sizeof mft)
        die("master table full");
    unsigned char *r = mft + mft_len;
    memset(r, 0, 28);
    memcpy(r, "mscp", 4);
    memcpy(r + 9, name, strlen(name));
    r[20] = (unsigned char)tag;
    r[21] = (unsigned char)(tag >> 8);
    r[24] = 0x10;
    r[25] = 0xA0;
    mft_len += 28;
}

/* ---- main ---- */

static void connect_card(const char *want)
{
    SCARDCONTEXT ctx;
    char readers[2048];
    DWORD len = sizeof readers, proto;
    LONG rv = SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &ctx);
    if (rv == SCARD_S_SUCCESS)
        rv = SCardListReaders(ctx, NULL, readers, &len);
    if (rv != SCARD_S_SUCCESS)
        die("PC/SC: %s", pcsc_stringify_error(rv));
    for (const char *r = readers; *r; r += strlen(r) + 1) {
        if (want && strcmp(want, r) != 0)
            continue;
        rv = SCardConnect(ctx, r, SCARD_SHARE_EXCLUSIVE, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1,
                          &card, &proto);
        if (rv == SCARD_S_SUCCESS) {
            pci = proto == SCARD_PROTOCOL_T0 ? SCARD_PCI_T0 : SCARD_PCI_T1;
            return;
        }
    }
    die("no card found");
}

int main(int argc, char **argv)
{
    const char *out = NULL, *pin = getenv("MDCARD_USER_PIN"), *reader = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--out") && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--pin") && i + 1 < argc)
            pin = argv[++i];
        else if (!strcmp(argv[i], "--reader") && i + 1 < argc)
            reader = argv[++i];
        else
            die("usage: gids-fixture --out DIR [--pin PIN] [--reader NAME]");
    }
    if (!out || !pin || strlen(pin) < 4 || strlen(pin) > 16)
        die("usage: gids-fixture --out DIR [--pin PIN] [--reader NAME]");

    /* The CA hierarchy: the issuing CA and a second root, both in msroots. */
    EVP_PKEY *ca_key = EVP_RSA_gen(2048), *root2_key = EVP_RSA_gen(1024);
    if (!ca_key || !root2_key)
        die("RSA key generation failed");
    X509 *ca = make_cert(ca_key, "Fixture Issuing CA", ca_key, NULL, 1, 1);
    X509 *root2 = make_cert(root2_key, "Fixture Second Root", root2_key, NULL, 1, 2);
    for (size_t i = 0; i < N_CONTAINERS; i++) {
        struct container *c = &containers[i];
        c->key = EVP_RSA_gen((unsigned)c->bits);
        if (!c->key)
            die("RSA key generation failed");
        if (c->cn) {
            X509 *x = make_cert(c->key, c->cn, ca_key, ca, 0, 100 + c->index);
            c->cert_len = cert_der(x, &c->cert);
            X509_free(x);
        }
    }
    /* The leftover certificate of free container 2 belongs to a key that is gone. */
    EVP_PKEY *gone = EVP_RSA_gen(1024);
    if (!gone)
        die("RSA key generation failed");
    X509 *gone_cert = make_cert(gone, "Fixture Leftover 02", ca_key, ca, 0, 102);
    unsigned char *leftover = NULL;
    size_t leftover_len = cert_der(gone_cert, &leftover);

    connect_card(reader);
    LONG rv = SCardBeginTransaction(card);
    if (rv != SCARD_S_SUCCESS)
        die("transaction: %s", pcsc_stringify_error(rv));
    static const unsigned char select_gids[] = {0x00, 0xA4, 0x04, 0x00, 0x09, 0xA0, 0x00, 0x00,
                                                0x03, 0x97, 0x42, 0x54, 0x46, 0x59, 0x00};
    expect_ok(transmit(select_gids, sizeof select_gids, NULL, NULL), "SELECT GIDS");
    unsigned char verify[5 + 16] = {0x00, 0x20, 0x00, 0x80, (unsigned char)strlen(pin)};
    memcpy(verify + 5, pin, strlen(pin));
    expect_ok(transmit(verify, 5 + strlen(pin), NULL, NULL), "VERIFY PIN");
    OPENSSL_cleanse(verify, sizeof verify);

    mft_len = get_do(0xA000, 0xDF1F, mft, "read master table");
    if (mft_len < 1 || mft[0] != 0x01 || (mft_len - 1) % 28 != 0 || mft_len > sizeof mft - 400)
        die("unexpected master table (not a fresh gids-tool card?)");

    /* Keys: key EF created and activated, then the key imported (§2.11, §2.14). */
    for (size_t i = 0; i < N_CONTAINERS; i++) {
        create_key_file(&containers[i]);
        import_key(&containers[i]);
    }

    /* cmapfile and keymap, records 0..10; free records stay zero / released. */
    unsigned char cmap[N_RECORDS * 86], keymap[1 + N_RECORDS * 12];
    memset(cmap, 0, sizeof cmap);
    keymap[0] = 0x01;
    for (int r = 0; r < N_RECORDS; r++) {
        static const unsigned char released[12] = {0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0};
        memcpy(keymap + 1 + 12 * r, released, 12);
    }
    for (size_t i = 0; i < N_CONTAINERS; i++) {
        const struct container *c = &containers[i];
        unsigned char *rec = cmap + 86 * c->index;
        char guid[40];
        container_name(c, guid, sizeof guid);
        for (size_t k = 0; guid[k]; k++)
            rec[2 * k] = (unsigned char)guid[k];
        rec[80] = (unsigned char)(0x01 | (c->is_default ? 0x02 : 0));
        unsigned char *size = rec + (c->kind == SIG ? 82 : 84);
        size[0] = (unsigned char)c->bits;
        size[1] = (unsigned char)(c->bits >> 8);
        unsigned char *km = keymap + 1 + 12 * c->index;
        const unsigned char in_use[12] = {0x01,
                                          0,
                                          0,
                                          0,
                                          alg_nibble(c->bits),
                                          c->kind == SIG ? 0x9C : 0x9A,
                                          (unsigned char)(0x81 + c->index),
                                          0xB0,
                                          0xFF,
                                          0xFF,
                                          0,
                                          0};
        memcpy(km, in_use, 12);
    }
    put_do(0xA000, 0xDF20, keymap, sizeof keymap, "keymap");
    put_do(0xA010, 0xDF23, cmap, sizeof cmap, "cmapfile");

    /* Certificate files, the leftover and msroots: data first, then the table. */
    for (size_t i = 0; i < N_CONTAINERS; i++) {
        const struct container *c = &containers[i];
        if (!c->certfile)
            continue;
        size_t flen;
        unsigned char *f = cert_file(c->cert, c->cert_len, c->compressed, &flen);
        add_mscp_file(c->certfile, f, flen);
        free(f);
    }
    size_t flen;
    unsigned char *f = cert_file(leftover, leftover_len, 1, &flen);
    add_mscp_file(LEFTOVER_NAME, f, flen);
    free(f);

    PKCS7 *p7 = PKCS7_new();
    if (!p7 || !PKCS7_set_type(p7, NID_pkcs7_signed) || !PKCS7_content_new(p7, NID_pkcs7_data) ||
        !PKCS7_add_certificate(p7, ca) || !PKCS7_add_certificate(p7, root2))
        die("cannot build msroots");
    /* certs-only: no signers and no content, as a saved certificate store */
    PKCS7_set_detached(p7, 1);
    unsigned char *roots = NULL;
    int roots_len = i2d_PKCS7(p7, &roots);
    if (roots_len <= 0)
        die("cannot encode msroots");
    add_mscp_file("msroots", roots, (size_t)roots_len);
    put_do(0xA000, 0xDF1F, mft, mft_len, "master table");
    put_do(0xA010, 0xDF22, cardcf_value, sizeof cardcf_value, "cardcf");

    static const unsigned char logout[] = {0x00, 0x20, 0x00, 0x82};
    transmit(logout, sizeof logout, NULL, NULL);
    SCardEndTransaction(card, SCARD_LEAVE_CARD);
    SCardDisconnect(card, SCARD_RESET_CARD);

    /* The manifest. */
    char path[4096], path2[4096];
    snprintf(path, sizeof path, "%s/manifest", out);
    FILE *m = fopen(path, "w");
    if (!m)
        die("cannot write %s", path);
    fputs(
        "# container IDX KIND BITS DEFAULT CERTFILE COMPRESSED CKA_ID PUBKEY_PEM CERT_DER NAME CN\n"
        "# free IDX | leftover IDX CERTFILE CERT_DER | root N CKA_ID CERT_DER | cardcf HEX\n",
        m);
    int used[N_RECORDS] = {0};
    for (size_t i = 0; i < N_CONTAINERS; i++) {
        const struct container *c = &containers[i];
        char id[41], name[32], guid[40];
        used[c->index] = 1;
        container_name(c, guid, sizeof guid);
        key_id_hex(c->key, id);
        write_pubkey(out, c, path, sizeof path);
        strcpy(path2, "-");
        if (c->cert) {
            snprintf(name, sizeof name, "cert%02d.der", c->index);
            write_file(out, name, c->cert, c->cert_len, path2, sizeof path2);
        }
        fprintf(m, "container %d %s %d %d %s %s %s %s %s %s %s\n", c->index,
                c->kind == SIG ? "sig" : "kx", c->bits, c->is_default,
                c->certfile ? c->certfile : "-", c->certfile ? (c->compressed ? "yes" : "no") : "-",
                id, path, path2, guid, c->cn ? c->cn : "-");
    }
    for (int r = 0; r < N_RECORDS; r++)
        if (!used[r])
            fprintf(m, "free %d\n", r);
    write_file(out, "leftover02.der", leftover, leftover_len, path, sizeof path);
    fprintf(m, "leftover %d %s %s\n", LEFTOVER_INDEX, LEFTOVER_NAME, path);
    X509 *rootv[2] = {ca, root2};
    for (int r = 0; r < 2; r++) {
        char id[41], name[32];
        unsigned char *der;
        size_t n = cert_der(rootv[r], &der);
        key_id_hex(X509_get0_pubkey(rootv[r]), id);
        snprintf(name, sizeof name, "root%d.der", r);
        write_file(out, name, der, n, path, sizeof path);
        fprintf(m, "root %d %s %s\n", r, id, path);
        OPENSSL_free(der);
    }
    fputs("cardcf ", m);
    for (size_t i = 0; i < sizeof cardcf_value; i++)
        fprintf(m, "%02x", cardcf_value[i]);
    fputc('\n', m);
    if (fclose(m) != 0)
        die("cannot write the manifest");

    OPENSSL_free(roots);
    PKCS7_free(p7);
    OPENSSL_free(leftover);
    X509_free(gone_cert);
    EVP_PKEY_free(gone);
    for (size_t i = 0; i < N_CONTAINERS; i++) {
        EVP_PKEY_free(containers[i].key);
        OPENSSL_free(containers[i].cert);
    }
    X509_free(ca);
    X509_free(root2);
    EVP_PKEY_free(ca_key);
    EVP_PKEY_free(root2_key);
    printf("gids-fixture: %zu containers, manifest in %s/manifest\n", N_CONTAINERS, out);
    return 0;
}
