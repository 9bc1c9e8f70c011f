// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: APDU parsing and dispatch: CLA checks, command chaining (DB/2A/47 only),
 * response chaining with 61xx and GET RESPONSE, the application selection gate and the
 * volatile session reset (GIDS-AND-MINIDRIVER.md §2.1, §2.17).
 */
#include <string.h>

#include "sim.h"

#define RESP_MAX 256

typedef unsigned (*sim_handler)(struct sim *, const struct sim_apdu *, struct sim_buf *);

static unsigned cmd_get_challenge(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    return SW_INS; /* as GidsApplet */
}

static const struct {
    uint8_t ins;
    sim_handler run;
} handlers[] = {
    {0xA4, sim_cmd_select}, {0xCB, sim_cmd_get_data},     {0xDB, sim_cmd_put_data},
    {0x20, sim_cmd_verify}, {0x24, sim_cmd_change_ref},   {0x2C, sim_cmd_reset_retry},
    {0x22, sim_cmd_mse},    {0x87, sim_cmd_general_auth}, {0x47, sim_cmd_generate},
    {0x2A, sim_cmd_pso},    {0xE0, sim_cmd_create},       {0x44, sim_cmd_activate},
    {0xE4, sim_cmd_delete}, {0xE6, sim_cmd_terminate},    {0x84, cmd_get_challenge},
};

static sim_handler handler_for(uint8_t ins)
{
    for (size_t i = 0; i < sizeof handlers / sizeof handlers[0]; i++)
        if (handlers[i].ins == ins)
            return handlers[i].run;
    return NULL;
}

/* Largest data a chain of this command may carry in total. */
static size_t chain_cap(uint8_t ins, uint8_t p1, uint8_t p2)
{
    if (ins == 0xDB)
        return p1 == 0x3F && p2 == 0xFF ? SIM_IMPORT_MAX : SIM_MAX_DO_LEN + 5;
    if (ins == 0x2A)
        return 512;
    return 255;
}

/* Drops an unfinished chain; with --torn a PUT DATA chain leaves its DO zeroed. */
static void chain_abandon(struct sim *sim)
{
    if (!sim->s.chain)
        return;
    if (sim->opt->torn && sim->s.chain_ins == 0xDB)
        sim_put_data_torn(sim, sim->s.chain_p1, sim->s.chain_p2, &sim->s.chain_data);
    sim->s.chain = 0;
    sim_buf_free(&sim->s.chain_data);
}

/* Power off/on, reset, deselect, card cut: everything volatile goes. */
void sim_session_reset(struct sim *sim)
{
    chain_abandon(sim);
    sim_buf_free(&sim->s.resp);
    memset(&sim->s, 0, sizeof sim->s);
    /*
     * No application is selected after power-on (GidsApplet installed without the
     * default-selected privilege): a host must SELECT after every reset.
     */
    sim->s.app = APP_NONE;
}

static int parse(const unsigned char *cmd, size_t n, struct sim_apdu *a)
{
    memset(a, 0, sizeof *a);
    if (n < 4)
        return -1;
    a->cla = cmd[0];
    a->ins = cmd[1];
    a->p1 = cmd[2];
    a->p2 = cmd[3];
    if (n == 4)
        return 0;
    if (n == 5) {
        a->has_le = 1;
        a->le = cmd[4] ? cmd[4] : 256;
        return 0;
    }
    if (cmd[4] == 0)
        return -1; /* extended length: not supported */
    a->lc = cmd[4];
    a->data = cmd + 5;
    if (n == 5 + a->lc)
        return 0;
    if (n == 6 + a->lc) {
        a->has_le = 1;
        a->le = cmd[n - 1] ? cmd[n - 1] : 256;
        return 0;
    }
    return -1;
}

/* Hands out up to ne bytes of the pending response; 61xx while more remains. */
static size_t take_response(struct sim *sim, size_t ne, unsigned char *rsp, unsigned *sw)
{
    size_t left = sim->s.resp.len - sim->s.resp_off;
    size_t n = left < ne ? left : ne;

    if (n > RESP_MAX)
        n = RESP_MAX;
    if (n)
        memcpy(rsp, sim->s.resp.p + sim->s.resp_off, n);
    sim->s.resp_off += n;
    left -= n;
    if (left) {
        *sw = 0x6100 | (left >= 256 ? 0 : (unsigned)left);
    } else {
        *sw = SW_OK;
        sim_buf_free(&sim->s.resp);
        sim->s.resp_off = 0;
    }
    return n;
}

/*
 * Buffers one link of a command chain (the first link of a new chain when none is open).
 * For the last link it fills *whole with the assembled command and returns 0.
 */
static unsigned chain_link(struct sim *sim, const struct sim_apdu *a, int last,
                           struct sim_apdu *whole)
{
    unsigned sw;

    if (!sim->s.chain) {
        sw = a->ins == 0xDB   ? sim_put_data_precheck(sim, a)
             : a->ins == 0x2A ? sim_pso_precheck(sim, a)
                              : 0;
        if (sw)
            return sw;
        sim->s.chain = 1;
        sim->s.chain_ins = a->ins;
        sim->s.chain_p1 = a->p1;
        sim->s.chain_p2 = a->p2;
    }
    if (sim->s.chain_data.len + a->lc > chain_cap(a->ins, a->p1, a->p2)) {
        chain_abandon(sim);
        return a->ins == 0xDB ? SW_NO_MEMORY : SW_WRONG_LENGTH;
    }
    if (sim_buf_put(&sim->s.chain_data, a->data, a->lc)) {
        chain_abandon(sim);
        return SW_NO_MEMORY;
    }
    if (!last)
        return SW_OK;
    *whole = *a;
    whole->cla = a->cla & (uint8_t)~0x10;
    whole->data = sim->s.chain_data.p;
    whole->lc = sim->s.chain_data.len;
    return 0;
}

static unsigned dispatch(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    struct sim_apdu whole;
    const struct sim_apdu *cmd = a;
    int chained = a->cla & 0x10;
    unsigned sw;
    sim_handler h;

    if (sim->s.app != APP_GIDS && a->ins != 0xA4)
        return SW_INS;
    if (chained && a->ins != 0xDB && a->ins != 0x2A && a->ins != 0x47)
        return SW_CHAIN_UNSUPPORTED;
    if (sim->s.chain &&
        (a->ins != sim->s.chain_ins || a->p1 != sim->s.chain_p1 || a->p2 != sim->s.chain_p2)) {
        chain_abandon(sim);
        return SW_CHAIN_BROKEN;
    }
    h = handler_for(a->ins);
    if (!h)
        return SW_INS;
    if (chained || sim->s.chain) {
        sw = chain_link(sim, a, !chained, &whole);
        if (sw)
            return sw; /* a refused link, or 9000 for a link before the last */
        cmd = &whole;
    }
    sw = h(sim, cmd, out);
    if (cmd == &whole) {
        /* The whole chain was applied or refused: it is over either way. */
        if (sw != SW_OK && sim->opt->torn && a->ins == 0xDB)
            sim_put_data_torn(sim, a->p1, a->p2, &sim->s.chain_data);
        sim->s.chain = 0;
        sim_buf_free(&sim->s.chain_data);
    }
    return sw;
}

size_t sim_process(struct sim *sim, const unsigned char *cmd, size_t n, unsigned char *rsp,
                   unsigned *sw)
{
    struct sim_apdu a;
    size_t ne;

    if (sim->card.terminated) {
        *sw = SW_TERMINATED;
        return 0;
    }
    if (parse(cmd, n, &a)) {
        *sw = SW_WRONG_LENGTH;
        return 0;
    }
    if (a.cla & 0xE0) {
        *sw = SW_CLA;
        return 0;
    }
    if (a.cla & 0x0C) {
        *sw = SW_SM;
        return 0;
    }
    if (a.cla & 0x03) {
        *sw = SW_CHANNEL;
        return 0;
    }
    if (a.ins == 0xC0 && !(a.cla & 0x10) && sim->s.app == APP_GIDS) {
        if (a.p1 || a.p2) {
            *sw = SW_WRONG_P1P2;
            return 0;
        }
        if (!sim->s.resp.len) {
            *sw = SW_CONDITIONS;
            return 0;
        }
        return take_response(sim, a.has_le ? a.le : RESP_MAX, rsp, sw);
    }
    /* Any other command discards what GET RESPONSE could still have fetched. */
    sim_buf_free(&sim->s.resp);
    sim->s.resp_off = 0;
    *sw = dispatch(sim, &a, &sim->s.resp);
    if (*sw != SW_OK || !sim->s.resp.len) {
        sim_buf_free(&sim->s.resp);
        return 0;
    }
    /* GENERATE without Le answers 61xx only (GidsApplet); others treat no Le as 256. */
    ne = a.has_le ? a.le : a.ins == 0x47 ? 0 : RESP_MAX;
    return take_response(sim, ne, rsp, sw);
}
