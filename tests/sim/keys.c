// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: keys in key EFs: GENERATE ASYMMETRIC KEY PAIR, public key read-back,
 * key import (PUT DATA 3FFF), MSE SET for signature/decipherment and PERFORM
 * SECURITY OPERATION (GIDS-AND-MINIDRIVER.md §2.8, §2.12-§2.15). RSA via OpenSSL 3 EVP.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "sim.h"

static int rsa_bits_ok(int bits)
{
    return bits == 1024 || bits == 2048 || bits == 3072 || bits == 4096;
}

/* 7F49 { 81 modulus, 82 exponent }, both big-endian without sign byte (§2.8). */
int sim_pubkey_encode(EVP_PKEY *pk, struct sim_buf *out)
{
    BIGNUM *n = NULL, *e = NULL;
    struct sim_buf in = {0};
    unsigned char buf[512], eb[16];
    int nl, el, r = -1;

    if (EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_N, &n) != 1 ||
        EVP_PKEY_get_bn_param(pk, OSSL_PKEY_PARAM_RSA_E, &e) != 1)
        goto out;
    nl = BN_num_bytes(n);
    el = BN_num_bytes(e);
    if (nl > (int)sizeof buf || el > (int)sizeof eb)
        goto out;
    BN_bn2bin(n, buf);
    BN_bn2bin(e, eb);
    if (sim_tlv_put(&in, 0x81, buf, (size_t)nl) || sim_tlv_put(&in, 0x82, eb, (size_t)el) ||
        sim_tlv_put(out, 0x7F49, in.p, in.len))
        goto out;
    r = 0;
out:
    BN_free(n);
    BN_free(e);
    sim_buf_free(&in);
    return r;
}

/* Key EF for kid: 6984 unknown, 6985 not activated, 6982 ACL for op. */
static unsigned key_file(struct sim *sim, uint8_t kid, unsigned op, struct sim_file **out)
{
    struct sim_file *f = sim_fs_key(&sim->card, kid);
    unsigned sw;

    if (!f)
        return SW_INVALID_DATA;
    sw = sim_file_usable(sim, f, op);
    if (sw)
        return sw;
    *out = f;
    return 0;
}

unsigned sim_read_pubkey(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    static const unsigned char tmpl[] = {0x70, 0x08, 0x84, 0x01, 0x00,
                                         0xA5, 0x03, 0x7F, 0x49, 0x80};
    struct sim_file *f;
    unsigned sw;

    if (memcmp(a->data, tmpl, 4) || memcmp(a->data + 5, tmpl + 5, 5))
        return SW_INVALID_DATA;
    sw = key_file(sim, a->data[4], 0x01, &f);
    if (sw)
        return sw;
    if (f->key_type != KEY_RSA)
        return SW_REF_NOT_FOUND;
    return sim_pubkey_encode(f->rsa, out) ? SW_INTERNAL : SW_OK;
}

unsigned sim_cmd_generate(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    static const int bits[] = {1024, 2048, 3072, 4096};
    const unsigned char *p = a->data, *crt, *alg, *kid;
    size_t n = a->lc, cl, al, kl;
    unsigned tag, sw;
    struct sim_file *f;
    EVP_PKEY_CTX *ctx;
    EVP_PKEY *pk = NULL;

    if (a->p1 != 0x00 || a->p2 != 0x00)
        return SW_WRONG_P1P2;
    if (sim_tlv_next(&p, &n, &tag, &crt, &cl) || tag != 0xAC || n != 0)
        return SW_INVALID_DATA;
    alg = sim_tlv_find(crt, cl, 0x80, &al);
    kid = sim_tlv_find(crt, cl, 0x83, &kl);
    if (!alg || al != 1 || !kid || kl != 1)
        return SW_INVALID_DATA;
    sw = key_file(sim, kid[0], 0x08, &f);
    if (sw)
        return sw;
    if (alg[0] < 0x06 || alg[0] > 0x09)
        return SW_FUNC_UNSUPPORTED;
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 ||
        EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits[alg[0] - 6]) != 1 ||
        EVP_PKEY_generate(ctx, &pk) != 1) {
        EVP_PKEY_CTX_free(ctx);
        return SW_INTERNAL;
    }
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(f->rsa);
    f->rsa = pk;
    f->key_type = KEY_RSA;
    if (sim->s.se_kid == kid[0])
        sim->s.se_op = 0;
    sim_persist(sim);
    return sim_pubkey_encode(pk, out) ? SW_INTERNAL : SW_OK;
}

/* 70 { 84 kid, A5 { 83 type, 84 wrapping key, 87 key, 88 ignored } } (§2.14). */
unsigned sim_import_key(struct sim *sim, const struct sim_apdu *a)
{
    const unsigned char *p = a->data, *body, *kid, *a5, *v;
    size_t n = a->lc, bl, kl, a5l, vl;
    unsigned tag, sw;
    int type = KEY_3DES;
    struct sim_file *f;

    if (sim_tlv_next(&p, &n, &tag, &body, &bl) || tag != 0x70 || n != 0)
        return SW_INVALID_DATA;
    kid = sim_tlv_find(body, bl, 0x84, &kl);
    a5 = sim_tlv_find(body, bl, 0xA5, &a5l);
    if (!kid || kl != 1 || !a5)
        return SW_INVALID_DATA;
    sw = key_file(sim, kid[0], 0x02, &f);
    if (sw)
        return sw;
    v = sim_tlv_find(a5, a5l, 0x83, &vl);
    if (v && (vl != 1 || (v[0] != 0x01 && v[0] != 0x02)))
        return SW_FUNC_UNSUPPORTED;
    if (v && v[0] == 0x02)
        type = KEY_RSA;
    v = sim_tlv_find(a5, a5l, 0x84, &vl);
    if (v && (vl != 1 || v[0] != 0x00))
        return SW_FUNC_UNSUPPORTED; /* wrapped import */
    v = sim_tlv_find(a5, a5l, 0x87, &vl);
    if (!v)
        return SW_INVALID_DATA;
    if (type == KEY_3DES) {
        if (vl != 24)
            return SW_WRONG_LENGTH;
        memcpy(f->des, v, 24);
        EVP_PKEY_free(f->rsa);
        f->rsa = NULL;
    } else {
        const unsigned char *d = v;
        EVP_PKEY *pk = d2i_PrivateKey(EVP_PKEY_RSA, NULL, &d, (long)vl);
        if (!pk)
            return SW_WRONG_DATA;
        if (!rsa_bits_ok(EVP_PKEY_get_bits(pk))) {
            EVP_PKEY_free(pk);
            return SW_FUNC_UNSUPPORTED;
        }
        EVP_PKEY_free(f->rsa);
        f->rsa = pk;
        OPENSSL_cleanse(f->des, sizeof f->des);
    }
    f->key_type = type;
    if (sim->s.se_kid == kid[0])
        sim->s.se_op = 0;
    sim_persist(sim);
    return SW_OK;
}

/* Does the key EF's FCP have a B6/B8 template with exactly 80 01 <alg>? */
static int template_allows(const struct sim_file *f, unsigned op, uint8_t alg)
{
    size_t n, tl, al;
    const unsigned char *t = sim_fcp_templates(f, &n), *v, *x;
    unsigned tag;

    while (t && n > 0) {
        if (sim_tlv_next(&t, &n, &tag, &v, &tl))
            return 0;
        x = tag == op ? sim_tlv_find(v, tl, 0x80, &al) : NULL;
        if (x && al == 1 && x[0] == alg)
            return 1;
    }
    return 0;
}

static unsigned mse_pso(struct sim *sim, const struct sim_apdu *a)
{
    const unsigned char *alg, *kid;
    size_t al, kl;
    struct sim_file *f;
    unsigned sw;

    sim->s.se_op = 0;
    alg = sim_tlv_find(a->data, a->lc, 0x80, &al);
    kid = sim_tlv_find(a->data, a->lc, 0x84, &kl);
    if (!alg || al != 1 || !kid || kl != 1)
        return SW_INVALID_DATA;
    sw = key_file(sim, kid[0], 0x04, &f);
    if (sw)
        return sw;
    if (!template_allows(f, a->p2, alg[0]))
        return SW_INVALID_DATA;
    if (f->key_type != KEY_RSA)
        return SW_REF_NOT_FOUND;
    sim->s.se_op = a->p2;
    sim->s.se_alg = alg[0];
    sim->s.se_kid = kid[0];
    return SW_OK;
}

unsigned sim_cmd_mse(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    if ((a->p1 == 0x81 || a->p1 == 0xC1) && a->p2 == 0xA4)
        return sim_mse_auth(sim, a);
    if (a->p1 == 0x41 && (a->p2 == 0xB6 || a->p2 == 0xB8))
        return mse_pso(sim, a);
    if (a->p1 == 0xF3)
        return SW_INVALID_DATA; /* RESTORE */
    if (a->p1 == 0xF2 || a->p1 == 0xF4)
        return SW_FUNC_UNSUPPORTED; /* STORE, ERASE */
    return SW_WRONG_P1P2;
}

/* Raw private-key operation on exactly k bytes. */
static int rsa_raw(EVP_PKEY *pk, const unsigned char *in, size_t k, unsigned char *out)
{
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);
    size_t ol = k;
    int ok = ctx && EVP_PKEY_decrypt_init(ctx) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_NO_PADDING) == 1 &&
             EVP_PKEY_decrypt(ctx, out, &ol, in, k) == 1 && ol == k;
    EVP_PKEY_CTX_free(ctx);
    return ok ? 0 : -1;
}

static unsigned pso_sign(struct sim *sim, EVP_PKEY *pk, const struct sim_apdu *a,
                         struct sim_buf *out)
{
    size_t k = (size_t)EVP_PKEY_get_size(pk);
    unsigned char em[512], sig[512];
    unsigned sw = SW_OK;

    switch (sim->s.se_alg >> 4) {
    case 0x5: /* PKCS#1 v1.5 type 1 around the host's DigestInfo */
        if (a->lc > 247 || a->lc + 11 > k || a->lc == 0)
            return SW_WRONG_LENGTH;
        em[0] = 0x00;
        em[1] = 0x01;
        memset(em + 2, 0xFF, k - a->lc - 3);
        em[k - a->lc - 1] = 0x00;
        memcpy(em + k - a->lc, a->data, a->lc);
        break;
    case 0x1: /* pre-formatted by the host */
        if (a->lc != k)
            return SW_WRONG_LENGTH;
        memcpy(em, a->data, k);
        break;
    default:
        return SW_CONDITIONS;
    }
    if (rsa_raw(pk, em, k, sig))
        sw = SW_WRONG_DATA;
    else if (sim_buf_put(out, sig, k))
        sw = SW_INTERNAL;
    OPENSSL_cleanse(em, sizeof em);
    return sw;
}

/* PKCS#1 v1.5 type 2: 00 02 PS (>= 8 non-zero bytes) 00 M. */
static int unpad_type2(const unsigned char *em, size_t k, size_t *off)
{
    size_t i;
    if (k < 11 || em[0] != 0x00 || em[1] != 0x02)
        return -1;
    for (i = 2; i < k && em[i] != 0x00; i++)
        ;
    if (i == k || i < 10)
        return -1;
    *off = i + 1;
    return 0;
}

static unsigned pso_decipher(struct sim *sim, EVP_PKEY *pk, const struct sim_apdu *a,
                             struct sim_buf *out)
{
    size_t k = (size_t)EVP_PKEY_get_size(pk), off = 0, ol = k;
    unsigned char pt[512];
    unsigned sw = SW_OK;
    unsigned scheme = sim->s.se_alg >> 4;

    if (scheme != 0x0 && scheme != 0x4 && scheme != 0x8)
        return SW_FUNC_UNSUPPORTED;
    if (a->lc != k)
        return SW_WRONG_LENGTH;
    if (scheme == 0x8) {
        /* OAEP with SHA-1 and an empty label: the provider's defaults. */
        EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(pk, NULL);
        int ok = ctx && EVP_PKEY_decrypt_init(ctx) == 1 &&
                 EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
                 EVP_PKEY_decrypt(ctx, pt, &ol, a->data, k) == 1;
        EVP_PKEY_CTX_free(ctx);
        if (!ok)
            return SW_WRONG_DATA;
    } else {
        if (rsa_raw(pk, a->data, k, pt))
            return SW_WRONG_DATA;
        /* Type-2 padding is removed here: OpenSSL's own would hide errors in later versions. */
        if (scheme == 0x4 && unpad_type2(pt, k, &off))
            sw = SW_WRONG_DATA;
        ol = k - off;
    }
    if (sw == SW_OK && sim_buf_put(out, pt + off, ol))
        sw = SW_INTERNAL;
    OPENSSL_cleanse(pt, sizeof pt);
    return sw;
}

/* For the first link of a chained PSO: the environment must exist and allow chaining. */
unsigned sim_pso_precheck(struct sim *sim, const struct sim_apdu *a)
{
    unsigned op = a->p1 == 0x9E && a->p2 == 0x9A ? 0xB6 : a->p1 == 0x80 && a->p2 == 0x86 ? 0xB8 : 0;
    if (!op)
        return SW_WRONG_P1P2;
    if (sim->s.se_op != (int)op)
        return SW_CONDITIONS;
    if (op == 0xB6 && (sim->s.se_alg >> 4) == 0x5)
        return SW_CHAIN_UNSUPPORTED;
    return 0;
}

unsigned sim_cmd_pso(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    unsigned op = a->p1 == 0x9E && a->p2 == 0x9A ? 0xB6 : a->p1 == 0x80 && a->p2 == 0x86 ? 0xB8 : 0;
    struct sim_file *f;

    if (!op)
        return SW_WRONG_P1P2;
    if (sim->s.se_op != (int)op)
        return SW_CONDITIONS;
    /* GidsApplet checks the PIN at MSE only, not here (§2.15). */
    f = sim_fs_key(&sim->card, sim->s.se_kid);
    if (!f || f->key_type != KEY_RSA)
        return SW_CONDITIONS;
    if (EVP_PKEY_get_size(f->rsa) > 512)
        return SW_INTERNAL; /* beyond RSA-4096: not a key this card can hold */
    return op == 0xB6 ? pso_sign(sim, f->rsa, a, out) : pso_decipher(sim, f->rsa, a, out);
}
