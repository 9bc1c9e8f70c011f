// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: data objects in BER-TLV EFs: GET DATA and PUT DATA with GidsApplet's
 * empty-write semantics (GIDS-AND-MINIDRIVER.md §2.5, §2.6), plus the routing of
 * P1P2 = 3FFF (PIN status, public keys, key import) and EF.ATR (§2.3).
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

static const unsigned char ef_atr[] = {0x43, 0x01, 0xF4, 0x47, 0x03, 0x08, 0x01, 0x80,
                                       0x46, 0x0C, 0x4D, 0x79, 0x53, 0x6D, 0x61, 0x72,
                                       0x74, 0x4C, 0x6F, 0x67, 0x6F, 0x6E};

struct sim_do *sim_do_find(struct sim_file *f, unsigned tag)
{
    for (size_t i = 0; i < f->ndo; i++)
        if (f->dos[i].tag == tag)
            return &f->dos[i];
    return NULL;
}

/* Creates or replaces a DO in place (storage order is kept); -1 when the EF is full. */
int sim_do_set(struct sim_file *f, unsigned tag, const unsigned char *v, size_t len)
{
    struct sim_do *d = sim_do_find(f, tag);
    unsigned char *copy = malloc(len ? len : 1);

    if (!copy)
        return -1;
    if (len)
        memcpy(copy, v, len);
    if (!d) {
        if (f->ndo >= SIM_MAX_DOS) {
            free(copy);
            return -1;
        }
        d = &f->dos[f->ndo++];
        d->tag = tag;
    } else {
        free(d->val);
    }
    d->val = copy;
    d->len = len;
    return 0;
}

void sim_do_remove(struct sim_file *f, unsigned tag)
{
    struct sim_do *d = sim_do_find(f, tag);
    if (!d)
        return;
    free(d->val);
    size_t i = (size_t)(d - f->dos);
    memmove(&f->dos[i], &f->dos[i + 1], (f->ndo - i - 1) * sizeof f->dos[0]);
    f->ndo--;
}

/* Resolves P1P2 to a BER-TLV EF usable for op (0x01 read, 0x02 write); selects it. */
static unsigned resolve_ef(struct sim *sim, uint8_t p1, uint8_t p2, unsigned op,
                           struct sim_file **out)
{
    uint16_t fid = (uint16_t)(p1 << 8 | p2);
    struct sim_file *f;
    unsigned sw;

    if (fid == 0x0000)
        fid = sim->s.cur;
    if (fid == SIM_APP_FID || fid == 0)
        return SW_NOT_FOUND;
    f = sim_fs_find(&sim->card, fid);
    if (!f)
        return SW_NOT_FOUND;
    if (f->fdb != 0x39)
        return SW_NOT_BERTLV;
    sw = sim_file_usable(sim, f, op);
    if (sw)
        return sw;
    sim->s.cur = fid;
    *out = f;
    return 0;
}

static unsigned get_app_data(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    if (a->lc == 0x0A && a->data[0] == 0x70)
        return sim_read_pubkey(sim, a, out);
    if (a->lc == 4 && a->data[0] == 0x5C && a->data[1] == 0x02) {
        unsigned tag = (unsigned)a->data[2] << 8 | a->data[3];
        if (tag == 0x7F71 || tag == 0x7F72)
            return sim_pin_status(sim, tag, out);
        if (tag == 0x7F73)
            return SW_REF_NOT_FOUND;
    }
    return SW_INVALID_DATA;
}

unsigned sim_cmd_get_data(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    struct sim_file *f = NULL;
    unsigned sw, tag = 0;
    size_t taglen;
    int all;

    if (a->p1 == 0x3F && a->p2 == 0xFF)
        return get_app_data(sim, a, out);
    if (a->p1 == 0x2F && a->p2 == 0x01)
        return sim_buf_put(out, ef_atr, sizeof ef_atr) ? SW_INTERNAL : SW_OK;
    /* Tag list: 5C 00 (all DOs) or 5C with one tag of 1..3 bytes. */
    if (a->lc < 2 || a->data[0] != 0x5C || a->data[1] != a->lc - 2 || a->lc > 5)
        return SW_INVALID_DATA;
    taglen = a->lc - 2;
    all = taglen == 0;
    for (size_t i = 0; i < taglen; i++)
        tag = tag << 8 | a->data[2 + i];
    sw = resolve_ef(sim, a->p1, a->p2, 0x01, &f);
    if (sw)
        return sw;
    for (size_t i = 0; i < f->ndo; i++) {
        const struct sim_do *d = &f->dos[i];
        if (!all && d->tag != tag)
            continue;
        if (sim_tlv_put(out, d->tag, d->val, d->len))
            return SW_INTERNAL;
        if (!all)
            return SW_OK;
    }
    return all ? SW_OK : SW_REF_NOT_FOUND;
}

/* Checks done on the first link of a chained PUT DATA, so errors come before the data. */
unsigned sim_put_data_precheck(struct sim *sim, const struct sim_apdu *a)
{
    struct sim_file *f;
    unsigned sw, tag;
    size_t hdr, vlen;

    if (a->p1 == 0x3F && a->p2 == 0xFF)
        return 0;
    sw = resolve_ef(sim, a->p1, a->p2, 0x02, &f);
    if (sw)
        return sw;
    if (sim_tlv_head(a->data, a->lc, &tag, &hdr, &vlen))
        return SW_INVALID_DATA;
    return vlen > SIM_MAX_DO_LEN ? SW_NO_MEMORY : 0;
}

/* Applies one complete TLV to a DO with GidsApplet's empty-write table. */
static unsigned write_do(struct sim_file *f, unsigned tag, const unsigned char *v, size_t len)
{
    struct sim_do *d = sim_do_find(f, tag);

    if (d && len == 0) {
        if (d->len == 0)
            sim_do_remove(f, tag); /* present + empty, empty write: deleted */
        else
            d->len = 0; /* present + non-empty, empty write: pruned */
        return SW_OK;
    }
    return sim_do_set(f, tag, v, len) ? SW_NO_MEMORY : SW_OK;
}

unsigned sim_cmd_put_data(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    struct sim_file *f = NULL;
    unsigned sw, tag;
    size_t hdr, vlen;

    if (a->p1 == 0x3F && a->p2 == 0xFF)
        return sim_import_key(sim, a);
    sw = resolve_ef(sim, a->p1, a->p2, 0x02, &f);
    if (sw)
        return sw;
    if (sim_tlv_head(a->data, a->lc, &tag, &hdr, &vlen))
        return SW_INVALID_DATA;
    if (vlen > SIM_MAX_DO_LEN)
        return SW_NO_MEMORY;
    if (hdr + vlen != a->lc)
        return SW_INVALID_DATA;
    sw = write_do(f, tag, a->data + hdr, vlen);
    if (sw == SW_OK)
        sim_persist(sim);
    return sw;
}

/*
 * --torn: a chained PUT DATA that never completes leaves the DO allocated at its
 * declared length and zero-filled, as GidsApplet allocates it on the first link.
 */
void sim_put_data_torn(struct sim *sim, uint8_t p1, uint8_t p2, const struct sim_buf *chain)
{
    struct sim_file *f;
    unsigned tag;
    size_t hdr, vlen;
    unsigned char *zero;

    if (p1 == 0x3F && p2 == 0xFF)
        return;
    if (sim_tlv_head(chain->p, chain->len, &tag, &hdr, &vlen) || vlen > SIM_MAX_DO_LEN)
        return;
    uint16_t fid = (uint16_t)(p1 << 8 | p2);
    f = sim_fs_find(&sim->card, fid ? fid : sim->s.cur);
    if (!f || f->fdb != 0x39)
        return;
    zero = calloc(1, vlen ? vlen : 1);
    if (!zero)
        return;
    if (sim_do_set(f, tag, zero, vlen) == 0)
        sim_persist(sim);
    free(zero);
}
