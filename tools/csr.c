/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdcard csr: a PKCS#10 certificate request signed on the card. The request
 * carries the card key's public key; its to-be-signed part is DER-encoded
 * here, hashed, wrapped in a DigestInfo and signed by the card (PKCS#1
 * v1.5) through the token layer; the result is verified with
 * X509_REQ_verify before it is printed as PEM.
 */
#include "tool.h"

#include "token/objects.h"

#include "util/hex.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "usage: mdcard csr --key ID --subject DN [--out FILE] [--hash sha256|sha384|sha512]\n"
    "Makes a PKCS#10 certificate request for the card key ID (hex CKA_ID, as printed by\n"
    "'mdcard keygen' or 'mdcard show'), signed on the card, and writes it as PEM to FILE\n"
    "or stdout. DN is '/CN=Name/O=Org' or 'CN=Name,O=Org'. Needs the user PIN.\n";

/* Adds "type=value" to name; false when the type is unknown or value empty. */
static bool add_rdn(X509_NAME *name, const char *s, size_t len)
{
    const char *eq = memchr(s, '=', len);
    char type[64], value[1024];
    size_t tl, vl = 0;

    if (eq == NULL || eq == s || (size_t)(eq - s) >= sizeof(type))
        return false;
    tl = (size_t)(eq - s);
    memcpy(type, s, tl);
    type[tl] = '\0';
    for (const char *p = eq + 1; p < s + len; p++) {
        if (*p == '\\' && p + 1 < s + len)
            p++;
        if (vl + 1 >= sizeof(value))
            return false;
        value[vl++] = *p;
    }
    value[vl] = '\0';
    return vl > 0 && X509_NAME_add_entry_by_txt(name, type, MBSTRING_UTF8,
                                                (const unsigned char *)value, -1, -1, 0) == 1;
}

/* "/CN=a/O=b" (openssl req style) or "CN=a,O=b"; '\' escapes a separator. */
static X509_NAME *parse_dn(const char *dn)
{
    X509_NAME *name = X509_NAME_new();
    char sep = dn[0] == '/' ? '/' : ',';
    const char *p = dn[0] == '/' ? dn + 1 : dn;

    if (name == NULL)
        return NULL;
    while (*p != '\0') {
        const char *q = p;

        while (*q != '\0' && *q != sep) {
            if (*q == '\\' && q[1] != '\0')
                q++;
            q++;
        }
        while (p < q && *p == ' ')
            p++;
        if (!add_rdn(name, p, (size_t)(q - p))) {
            X509_NAME_free(name);
            return NULL;
        }
        p = *q == sep ? q + 1 : q;
    }
    if (X509_NAME_entry_count(name) == 0) {
        X509_NAME_free(name);
        return NULL;
    }
    return name;
}

static EVP_PKEY *rsa_public(const struct mdc_tok_key_info *k)
{
    uint8_t *spki = NULL;
    size_t spki_len = 0;
    const unsigned char *p;
    EVP_PKEY *pkey = NULL;

    /* The token layer's own SubjectPublicKeyInfo (the bytes C_GetAttributeValue
     * gives as CKA_PUBLIC_KEY_INFO), decoded by OpenSSL: no key-construction
     * API that a loaded engine or provider could redirect. */
    if (!mdc_tok_rsa_spki(k->modulus, k->modulus_len, k->exponent, k->exponent_len, &spki,
                          &spki_len))
        return NULL;
    p = spki;
    if (spki_len <= (size_t)INT32_MAX)
        pkey = d2i_PUBKEY(NULL, &p, (long)spki_len);
    if (pkey != NULL && p != spki + spki_len) {
        EVP_PKEY_free(pkey);
        pkey = NULL;
    }
    free(spki);
    ERR_clear_error();
    return pkey;
}

/* DER DigestInfo of the hash of data. */
static bool digest_info(const EVP_MD *md, const uint8_t *data, size_t len, uint8_t **out,
                        size_t *out_len)
{
    unsigned char h[EVP_MAX_MD_SIZE];
    unsigned hl = 0;
    X509_SIG *sig = X509_SIG_new();
    X509_ALGOR *alg;
    ASN1_OCTET_STRING *dig;
    unsigned char *der = NULL;
    int n;
    bool ok = false;

    if (sig == NULL || EVP_Digest(data, len, h, &hl, md, NULL) != 1)
        goto out;
    X509_SIG_getm(sig, &alg, &dig);
    if (X509_ALGOR_set0(alg, OBJ_nid2obj(EVP_MD_get_type(md)), V_ASN1_NULL, NULL) != 1 ||
        ASN1_OCTET_STRING_set(dig, h, (int)hl) != 1)
        goto out;
    n = i2d_X509_SIG(sig, &der);
    if (n <= 0)
        goto out;
    *out = der;
    *out_len = (size_t)n;
    ok = true;
out:
    X509_SIG_free(sig);
    return ok;
}

static int sig_nid(const EVP_MD *md)
{
    int nid = 0;

    if (OBJ_find_sigid_by_algs(&nid, EVP_MD_get_type(md), NID_rsaEncryption) != 1)
        return 0;
    return nid;
}

/* Builds, signs on the card and verifies the request. */
static int make_request(struct tool_tok *s, CK_OBJECT_HANDLE priv, const struct mdc_tok_key_info *k,
                        X509_NAME *subject, const EVP_MD *md, X509_REQ **out)
{
    X509_REQ *req = X509_REQ_new();
    EVP_PKEY *pkey = rsa_public(k);
    unsigned char *tbs = NULL;
    uint8_t *di = NULL;
    size_t di_len = 0;
    struct mdc_buf sig = MDC_BUF_INIT;
    X509_ALGOR *alg = X509_ALGOR_new();
    ASN1_BIT_STRING *bits = ASN1_BIT_STRING_new();
    int tbs_len, st = TOOL_FAIL;
    CK_RV rv;

    if (req == NULL || pkey == NULL || alg == NULL || bits == NULL) {
        tool_err("cannot build the request (the card key is not a usable RSA key)");
        goto out;
    }
    if (X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 ||
        X509_REQ_set_subject_name(req, subject) != 1 || X509_REQ_set_pubkey(req, pkey) != 1 ||
        X509_ALGOR_set0(alg, OBJ_nid2obj(sig_nid(md)), V_ASN1_NULL, NULL) != 1 ||
        X509_REQ_set1_signature_algo(req, alg) != 1)
        goto out;
    tbs_len = i2d_re_X509_REQ_tbs(req, &tbs);
    if (tbs_len <= 0 || !digest_info(md, tbs, (size_t)tbs_len, &di, &di_len))
        goto out;
    rv = mdc_tok_sign(s->tok, priv, MDC_SIGN_PKCS1, di, di_len, &sig);
    if (rv != CKR_OK) {
        tool_err("the card did not sign: %s", tool_rv_text(rv));
        st = tool_rv_status(rv);
        goto out;
    }
    if (ASN1_BIT_STRING_set(bits, sig.data, (int)sig.len) != 1)
        goto out;
    /* A whole number of bytes: zero unused bits, stated explicitly (otherwise
     * the encoder drops trailing zero bits of the signature). */
    bits->flags &= ~(long)0x07;
    bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
    X509_REQ_set0_signature(req, bits);
    bits = NULL;
    if (X509_REQ_verify(req, pkey) != 1) {
        tool_err("the card's signature does not verify with the card key's public key");
        goto out;
    }
    *out = req;
    req = NULL;
    st = TOOL_OK;
out:
    if (st == TOOL_FAIL)
        ERR_clear_error();
    X509_REQ_free(req);
    EVP_PKEY_free(pkey);
    OPENSSL_free(tbs);
    OPENSSL_free(di);
    mdc_buf_free(&sig);
    X509_ALGOR_free(alg);
    ASN1_BIT_STRING_free(bits);
    return st;
}

int tool_cmd_csr(struct tool *t, int argc, char **argv)
{
    const char *key = NULL, *subj = NULL, *out = NULL, *hash = "sha256";
    uint8_t id[64];
    size_t id_len = 0;
    X509_NAME *subject = NULL;
    X509_REQ *req = NULL;
    const EVP_MD *md;
    struct tool_tok s;
    struct mdc_tok_key_info k;
    CK_OBJECT_HANDLE priv = CK_INVALID_HANDLE;
    CK_RV rv;
    int st;

    if (tool_wants_help(argc, argv, usage))
        return TOOL_OK;
    for (int i = 1; i < argc; i++) {
        const char **dst = strcmp(argv[i], "--key") == 0       ? &key
                           : strcmp(argv[i], "--subject") == 0 ? &subj
                           : strcmp(argv[i], "--out") == 0     ? &out
                           : strcmp(argv[i], "--hash") == 0    ? &hash
                                                               : NULL;

        if (dst == NULL || i + 1 >= argc)
            return tool_usage_error(usage, "unexpected argument '%s'", argv[i]);
        *dst = argv[++i];
    }
    if (key == NULL || subj == NULL)
        return tool_usage_error(usage, "--key and --subject are required");
    if (!mdc_util_hex_decode(key, strlen(key), id, sizeof(id), &id_len) || id_len == 0)
        return tool_usage_error(usage, "--key takes the key ID in hex");
    if (strcmp(hash, "sha256") == 0)
        md = EVP_sha256();
    else if (strcmp(hash, "sha384") == 0)
        md = EVP_sha384();
    else if (strcmp(hash, "sha512") == 0)
        md = EVP_sha512();
    else
        return tool_usage_error(usage, "--hash must be sha256, sha384 or sha512");
    subject = parse_dn(subj);
    if (subject == NULL) {
        ERR_clear_error();
        return tool_usage_error(usage, "cannot read the subject '%s'", subj);
    }
    memset(&k, 0, sizeof(k));
    st = tool_tok_open(t, &s);
    if (st != TOOL_OK)
        goto done;
    st = tool_tok_login(t, &s);
    if (st != TOOL_OK)
        goto close;
    rv = tool_tok_find_id(&s, CKO_PRIVATE_KEY, id, id_len, &priv);
    if (rv == CKR_OK && priv == CK_INVALID_HANDLE) {
        tool_err("no private key with ID %s on the card (see 'mdcard show')", key);
        st = TOOL_FAIL;
        goto close;
    }
    if (rv == CKR_OK)
        rv = mdc_tok_key_info(s.tok, priv, &k);
    if (rv != CKR_OK) {
        tool_err("cannot use key %s: %s", key, tool_rv_text(rv));
        st = tool_rv_status(rv);
        goto close;
    }
    st = make_request(&s, priv, &k, subject, md, &req);
    if (st == TOOL_OK) {
        FILE *f = out != NULL ? fopen(out, "w") : stdout;
        BIO *bio;

        if (f == NULL) {
            tool_err("cannot write %s", out);
            st = TOOL_FAIL;
        } else if (t->json) {
            char *pem = NULL;
            long n;

            bio = BIO_new(BIO_s_mem());
            if (bio != NULL && PEM_write_bio_X509_REQ(bio, req) == 1 &&
                (n = BIO_get_mem_data(bio, &pem)) > 0) {
                json_init(&t->json_out, f);
                json_begin_object(&t->json_out, NULL);
                json_string(&t->json_out, "key_id", key);
                json_string(&t->json_out, "hash", hash);
                json_string_n(&t->json_out, "pem", pem, (size_t)n);
                json_end_object(&t->json_out);
                json_finish(&t->json_out);
            } else {
                st = TOOL_FAIL;
            }
            BIO_free(bio);
        } else if (PEM_write_X509_REQ(f, req) != 1) {
            tool_err("cannot write the request");
            st = TOOL_FAIL;
        }
        if (f != NULL && f != stdout && fclose(f) != 0) {
            tool_err("cannot write %s", out);
            st = TOOL_FAIL;
        }
    }
close:
    mdc_tok_key_info_clear(&k);
    tool_tok_close(&s);
done:
    X509_REQ_free(req);
    X509_NAME_free(subject);
    return st;
}
