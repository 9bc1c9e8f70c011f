// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: the application DF and its EFs: SELECT, CREATE FILE, ACTIVATE FILE,
 * DELETE FILE, TERMINATE DF, the compact access rules (tag 8C) and the file life cycle
 * (GIDS-AND-MINIDRIVER.md §2.2, §2.10, §2.11).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "sim.h"

static const unsigned char gids_aid[] = {0xA0, 0x00, 0x00, 0x03, 0x97, 0x42,
                                         0x54, 0x46, 0x59, 0x02, 0x01};
static const unsigned char app_fci[] = {0x61, 0x12, 0x4F, 0x0B, 0xA0, 0x00, 0x00, 0x03, 0x97, 0x42,
                                        0x54, 0x46, 0x59, 0x02, 0x01, 0x73, 0x03, 0x40, 0x01, 0xC0};
static const unsigned char app_fcp[] = {0x62, 0x08, 0x82, 0x01, 0x38, 0x8C, 0x03, 0x03, 0x30, 0x30};
static const unsigned char app_fmd[] = {0x64, 0x09, 0x5F, 0x2F, 0x01, 0x60,
                                        0x7F, 0x65, 0x02, 0x80, 0x00};

struct sim_file *sim_fs_find(struct sim_card *c, uint16_t fid)
{
    for (size_t i = 0; i < c->nfiles; i++)
        if (c->files[i]->fid == fid)
            return c->files[i];
    return NULL;
}

struct sim_file *sim_fs_key(struct sim_card *c, uint8_t kid)
{
    struct sim_file *f = sim_fs_find(c, (uint16_t)(0xB000 | kid));
    return f && f->fdb == 0x18 ? f : NULL;
}

void sim_file_free(struct sim_file *f)
{
    if (!f)
        return;
    for (size_t i = 0; i < f->ndo; i++)
        free(f->dos[i].val);
    EVP_PKEY_free(f->rsa);
    OPENSSL_cleanse(f->des, sizeof f->des);
    free(f);
}

void sim_card_free(struct sim_card *c)
{
    for (size_t i = 0; i < c->nfiles; i++)
        sim_file_free(c->files[i]);
    OPENSSL_cleanse(c, sizeof *c);
}

/* One security-condition byte: PIN 0x10, admin 0x20, b8 = all of them (§2.10). */
static int sc_ok(const struct sim *sim, unsigned sc)
{
    int pin, admin;

    if (sc == 0x00)
        return 1;
    if (sc == 0xFF)
        return 0;
    /* Low nibble 2 = contactless only; we are a contact card. Other bits are unknown. */
    if ((sc & 0x0F) > 1 || (sc & 0x40))
        return 0;
    pin = sim->s.pin_ok || !sim->card.activated;
    admin = sim->s.admin_ok || !sim->card.activated;
    if ((sc & 0x30) == 0)
        return 1;
    if (sc & 0x80)
        return (!(sc & 0x10) || pin) && (!(sc & 0x20) || admin);
    return ((sc & 0x10) && pin) || ((sc & 0x20) && admin);
}

/* Checks operation bit op (0x40..0x01) against the 8C of an FCP; 0 or SW_SECURITY. */
unsigned sim_acl(const struct sim *sim, const unsigned char *fcp, size_t fcp_len, unsigned op)
{
    const unsigned char *inner, *acl;
    size_t ilen, alen, idx = 1;

    inner = sim_tlv_find(fcp, fcp_len, 0x62, &ilen);
    if (!inner)
        return 0;
    acl = sim_tlv_find(inner, ilen, 0x8C, &alen);
    if (!acl || alen < 1 || !(acl[0] & op))
        return 0; /* no condition for this operation */
    for (unsigned bit = 0x40; bit > op; bit >>= 1)
        if (acl[0] & bit)
            idx++;
    if (idx >= alen)
        return SW_SECURITY;
    return sc_ok(sim, acl[idx]) ? 0 : SW_SECURITY;
}

/* Life cycle then access rule for an operation on an EF. */
unsigned sim_file_usable(const struct sim *sim, const struct sim_file *f, unsigned op)
{
    if (f->lcs != LCS_ACTIVE)
        return SW_CONDITIONS;
    return sim_acl(sim, f->fcp, f->fcp_len, op);
}

/* The A5 list of control reference templates of a key EF. */
const unsigned char *sim_fcp_templates(const struct sim_file *f, size_t *n)
{
    size_t ilen;
    const unsigned char *inner = sim_tlv_find(f->fcp, f->fcp_len, 0x62, &ilen);
    return inner ? sim_tlv_find(inner, ilen, 0xA5, n) : NULL;
}

static int is_gids_aid(const unsigned char *d, size_t n)
{
    return n >= 9 && n <= sizeof gids_aid && memcmp(d, gids_aid, n) == 0;
}

static int is_other_aid(const struct sim *sim, const unsigned char *d, size_t n)
{
    return sim->opt->other_aid_len && n >= 5 && n <= sim->opt->other_aid_len &&
           memcmp(d, sim->opt->other_aid, n) == 0;
}

static unsigned select_aid(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    if (a->p2 != 0x00 && a->p2 != 0x04 && a->p2 != 0x08 && a->p2 != 0x0C)
        return SW_WRONG_P1P2;
    if (is_other_aid(sim, a->data, a->lc)) {
        /* Deselecting GIDS wipes its volatile state, as GidsApplet's deselect does. */
        sim_session_reset(sim);
        sim->s.app = APP_OTHER;
        return SW_OK;
    }
    if (!is_gids_aid(a->data, a->lc))
        return SW_NOT_FOUND;
    /* Java Card re-selection runs deselect() too: re-selecting GIDS also logs out. */
    sim_session_reset(sim);
    sim->s.app = APP_GIDS;
    sim->s.cur = SIM_APP_FID;
    if (a->p2 == 0x00)
        return sim_buf_put(out, app_fci, sizeof app_fci) ? SW_INTERNAL : SW_OK;
    if (a->p2 == 0x04)
        return sim_buf_put(out, app_fcp, sizeof app_fcp) ? SW_INTERNAL : SW_OK;
    if (a->p2 == 0x08)
        return sim_buf_put(out, app_fmd, sizeof app_fmd) ? SW_INTERNAL : SW_OK;
    return SW_OK;
}

unsigned sim_cmd_select(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    uint16_t fid;
    struct sim_file *f;

    if (a->p1 == 0x04)
        return select_aid(sim, a, out);
    if (sim->s.app != APP_GIDS)
        return a->p1 == 0x00 ? SW_NOT_FOUND : SW_WRONG_P1P2;
    if (a->p1 != 0x00)
        return SW_WRONG_P1P2;
    if (a->lc != 2)
        return SW_WRONG_LENGTH;
    if (a->p2 != 0x00 && a->p2 != 0x04 && a->p2 != 0x0C)
        return SW_WRONG_P1P2;
    fid = (uint16_t)(a->data[0] << 8 | a->data[1]);
    if (fid == SIM_APP_FID) {
        sim->s.cur = SIM_APP_FID;
        if (a->p2 != 0x0C && sim_buf_put(out, app_fcp, sizeof app_fcp))
            return SW_INTERNAL;
        return SW_OK;
    }
    f = sim_fs_find(&sim->card, fid);
    if (!f)
        return SW_NOT_FOUND;
    sim->s.cur = fid;
    if (a->p2 != 0x0C && sim_buf_put(out, f->fcp, f->fcp_len))
        return SW_INTERNAL;
    return SW_OK;
}

static size_t count_key_efs(const struct sim_card *c)
{
    size_t n = 0;
    for (size_t i = 0; i < c->nfiles; i++)
        if (c->files[i]->fdb == 0x18 && c->files[i]->fid != (0xB000 | SIM_ADMIN_KID))
            n++;
    return n;
}

unsigned sim_cmd_create(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    const unsigned char *p = a->data, *inner, *v;
    size_t n = a->lc, ilen, vlen;
    unsigned tag, sw;
    uint16_t fid;
    uint8_t fdb;
    struct sim_file *f;

    if (a->p1 != 0x00 || a->p2 != 0x00)
        return SW_WRONG_P1P2;
    sw = sim_acl(sim, app_fcp, sizeof app_fcp, 0x02);
    if (sw)
        return sw;
    if (sim_tlv_next(&p, &n, &tag, &inner, &ilen) || n != 0 || (tag != 0x62 && tag != 0x6F))
        return SW_INVALID_DATA;
    if (a->lc > SIM_FCP_MAX)
        return SW_INVALID_DATA;
    v = sim_tlv_find(inner, ilen, 0x82, &vlen);
    if (!v || vlen < 1 || (v[0] != 0x39 && v[0] != 0x18))
        return SW_INVALID_DATA;
    fdb = v[0];
    v = sim_tlv_find(inner, ilen, 0x83, &vlen);
    if (!v || vlen != 2)
        return SW_INVALID_DATA;
    fid = (uint16_t)(v[0] << 8 | v[1]);
    if (fid == SIM_APP_FID || fid == 0x0000 || fid == 0x3F00 || fid == 0xFFFF ||
        sim_fs_find(&sim->card, fid))
        return SW_INVALID_DATA;
    if (fdb == 0x18) {
        v = sim_tlv_find(inner, ilen, 0xA5, &vlen);
        if (!v || vlen < 11 || vlen > 127)
            return SW_INVALID_DATA;
        if (fid != (0xB000 | SIM_ADMIN_KID) && count_key_efs(&sim->card) >= SIM_MAX_KEY_EFS)
            return SW_NO_MEMORY;
    }
    if (sim->card.nfiles >= SIM_MAX_FILES)
        return SW_NO_MEMORY;
    f = calloc(1, sizeof *f);
    if (!f)
        return SW_NO_MEMORY;
    f->fid = fid;
    f->fdb = fdb;
    f->lcs = LCS_CREATION;
    /* Stored as a 62 template whatever the outer tag, so the ACL lookup has one form. */
    memcpy(f->fcp, a->data, a->lc);
    f->fcp[0] = 0x62;
    f->fcp_len = a->lc;
    sim->card.files[sim->card.nfiles++] = f;
    sim->s.cur = fid;
    sim_persist(sim);
    return SW_OK;
}

unsigned sim_cmd_activate(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    struct sim_file *f;
    unsigned sw;

    if (a->p1 != 0x00 || a->p2 != 0x00 || a->lc)
        return SW_WRONG_P1P2;
    if (sim->s.cur == SIM_APP_FID) {
        sw = sim_acl(sim, app_fcp, sizeof app_fcp, 0x10);
        if (sw)
            return sw;
        if (!sim->card.activated) {
            /* End of initialization mode, for good. */
            sim->card.activated = 1;
            sim_persist(sim);
        }
        return SW_OK;
    }
    f = sim_fs_find(&sim->card, sim->s.cur);
    if (!f)
        return SW_NOT_FOUND;
    sw = sim_acl(sim, f->fcp, f->fcp_len, 0x10);
    if (sw)
        return sw;
    if (f->lcs != LCS_ACTIVE) {
        f->lcs = LCS_ACTIVE;
        sim_persist(sim);
    }
    return SW_OK;
}

unsigned sim_cmd_delete(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    struct sim_file *f;
    unsigned sw;
    size_t i;

    if (a->p1 != 0x00 || a->p2 != 0x00 || a->lc)
        return SW_WRONG_P1P2;
    if (sim->s.cur == SIM_APP_FID)
        return SW_NOT_ALLOWED;
    f = sim_fs_find(&sim->card, sim->s.cur);
    if (!f)
        return SW_NOT_FOUND;
    sw = sim_file_usable(sim, f, 0x40);
    if (sw)
        return sw;
    for (i = 0; sim->card.files[i] != f; i++)
        ;
    memmove(&sim->card.files[i], &sim->card.files[i + 1],
            (sim->card.nfiles - i - 1) * sizeof sim->card.files[0]);
    sim->card.nfiles--;
    if (sim->s.se_op && sim->s.cur == (0xB000 | sim->s.se_kid))
        sim->s.se_op = 0;
    sim_file_free(f);
    sim->s.cur = SIM_APP_FID;
    sim_persist(sim);
    return SW_OK;
}

unsigned sim_cmd_terminate(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    unsigned sw;

    if (a->p1 != 0x00 || a->p2 != 0x00)
        return SW_WRONG_P1P2;
    sw = sim_acl(sim, app_fcp, sizeof app_fcp, 0x20);
    if (sw)
        return sw;
    sim->card.terminated = 1;
    sim_persist(sim);
    return SW_OK;
}
