// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: administrator authentication with the 3DES key in B080: MSE SET A4 and
 * GENERAL AUTHENTICATE in its mutual (40-byte) and external (8-byte) forms
 * (GIDS-AND-MINIDRIVER.md §2.9). Cryptograms are 3DES-EDE CBC, zero IV, no padding.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sim.h"

static int des3(const unsigned char key[24], int enc, const unsigned char *in, size_t n,
                unsigned char *out)
{
    static const unsigned char iv[8];
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0, ok;

    if (!ctx)
        return -1;
    ok = EVP_CipherInit_ex(ctx, EVP_des_ede3_cbc(), NULL, key, iv, enc) == 1 &&
         EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
         EVP_CipherUpdate(ctx, out, &l1, in, (int)n) == 1 &&
         EVP_CipherFinal_ex(ctx, out + l1, &l2) == 1 && (size_t)(l1 + l2) == n;
    EVP_CIPHER_CTX_free(ctx);
    return ok ? 0 : -1;
}

/* The admin key EF must declare algorithm 02 in an A4 template. */
static int has_auth_template(const struct sim_file *f)
{
    size_t n, tl, al;
    const unsigned char *t = sim_fcp_templates(f, &n), *v, *alg;
    unsigned tag;

    while (t && n > 0) {
        if (sim_tlv_next(&t, &n, &tag, &v, &tl))
            return 0;
        alg = tag == 0xA4 ? sim_tlv_find(v, tl, 0x80, &al) : NULL;
        if (alg && al == 1 && alg[0] == 0x02)
            return 1;
    }
    return 0;
}

/* MSE SET 81|C1 A4 83 01 <kid>: selects the key for GENERAL AUTHENTICATE. */
unsigned sim_mse_auth(struct sim *sim, const struct sim_apdu *a)
{
    const unsigned char *ref;
    size_t rl;
    struct sim_file *f;
    unsigned sw;

    sim->s.auth_key_set = 0;
    ref = sim_tlv_find(a->data, a->lc, 0x83, &rl);
    if (!ref || rl != 1)
        return SW_INVALID_DATA;
    f = sim_fs_key(&sim->card, ref[0]);
    if (!f || !has_auth_template(f))
        return SW_INVALID_DATA;
    sw = sim_file_usable(sim, f, 0x04);
    if (sw)
        return sw;
    if (f->key_type != KEY_3DES)
        return SW_REF_NOT_FOUND;
    sim->s.auth_key_set = ref[0];
    return SW_OK;
}

static unsigned step1(struct sim *sim, int mutual, const unsigned char *r1, struct sim_buf *out)
{
    unsigned char body[20];
    size_t n = mutual ? 16 : 8;

    if (sim_random(sim->s.ga_card, n))
        return SW_INTERNAL;
    if (mutual)
        memcpy(sim->s.ga_host, r1, 16);
    sim->s.ga_step = mutual ? GA_MUTUAL : GA_EXTERNAL;
    body[0] = 0x81;
    body[1] = (unsigned char)n;
    memcpy(body + 2, sim->s.ga_card, n);
    return sim_tlv_put(out, 0x7C, body, n + 2) ? SW_INTERNAL : SW_OK;
}

static unsigned step2_mutual(struct sim *sim, const unsigned char *key, const unsigned char *c1,
                             struct sim_buf *out)
{
    unsigned char p[40], c2[42];
    unsigned sw = SW_OK;

    if (des3(key, 0, c1, 40, p))
        return SW_INTERNAL;
    if (CRYPTO_memcmp(p, sim->s.ga_card, 16) || CRYPTO_memcmp(p + 16, sim->s.ga_host, 16) ||
        p[39] != 0x80) {
        sw = SW_SECURITY;
        goto done;
    }
    memcpy(p, sim->s.ga_host, 16);
    memcpy(p + 16, sim->s.ga_card, 16);
    if (sim_random(p + 32, 7)) {
        sw = SW_INTERNAL;
        goto done;
    }
    p[39] = 0x80;
    c2[0] = 0x82;
    c2[1] = 40;
    if (des3(key, 1, p, 40, c2 + 2) || sim_tlv_put(out, 0x7C, c2, sizeof c2)) {
        sw = SW_INTERNAL;
        goto done;
    }
    sim->s.admin_ok = 1;
done:
    OPENSSL_cleanse(p, sizeof p);
    return sw;
}

static unsigned step2_external(struct sim *sim, const unsigned char *key, const unsigned char *e)
{
    unsigned char want[8];
    unsigned sw = SW_SECURITY;

    if (des3(key, 1, sim->s.ga_card, 8, want))
        return SW_INTERNAL;
    if (CRYPTO_memcmp(want, e, 8) == 0) {
        sim->s.admin_ok = 1;
        sw = SW_OK;
    }
    OPENSSL_cleanse(want, sizeof want);
    return sw;
}

unsigned sim_cmd_general_auth(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    const unsigned char *p = a->data, *dyn, *v;
    size_t n = a->lc, dl, vl;
    unsigned tag;
    int pending = sim->s.ga_step;
    struct sim_file *f;

    if (a->p1 != 0x00 || a->p2 != 0x00)
        return SW_WRONG_P1P2;
    if (!sim->card.activated)
        return SW_NOT_ALLOWED;
    if (sim_tlv_next(&p, &n, &tag, &dyn, &dl) || tag != 0x7C || n != 0)
        return SW_INVALID_DATA;
    p = dyn;
    n = dl;
    if (sim_tlv_next(&p, &n, &tag, &v, &vl) || n != 0)
        return SW_INVALID_DATA;
    if (tag == 0x81) {
        if (vl != 0 && vl != 16)
            return SW_INVALID_DATA;
        /* A new challenge always drops an existing admin login. */
        sim->s.admin_ok = 0;
        sim->s.ga_step = GA_NONE;
        if (!sim->s.auth_key_set)
            return SW_CONDITIONS;
        return step1(sim, vl == 16, v, out);
    }
    if (tag != 0x82 || (vl != 40 && vl != 8))
        return SW_INVALID_DATA;
    sim->s.ga_step = GA_NONE; /* one answer per challenge: no replay */
    if ((vl == 40 && pending != GA_MUTUAL) || (vl == 8 && pending != GA_EXTERNAL))
        return SW_CONDITIONS;
    f = sim_fs_key(&sim->card, (uint8_t)sim->s.auth_key_set);
    if (!sim->s.auth_key_set || !f || f->key_type != KEY_3DES)
        return SW_CONDITIONS;
    return vl == 40 ? step2_mutual(sim, f->des, v, out) : step2_external(sim, f->des, v);
}
