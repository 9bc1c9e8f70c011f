// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * gids-sim: the user PIN (reference 80, also 00): VERIFY, logout, CHANGE REFERENCE
 * DATA, RESET RETRY COUNTER and the PIN status DOs (GIDS-AND-MINIDRIVER.md §2.7).
 */
#include <string.h>

#include <openssl/crypto.h>

#include "sim.h"

static unsigned tries_sw(const struct sim *sim)
{
    return 0x63C0 | (unsigned)sim->card.pin_tries;
}

static int pin_len_ok(size_t n)
{
    return n >= SIM_PIN_MIN && n <= SIM_PIN_MAX;
}

static int pin_matches(const struct sim *sim, const unsigned char *p, size_t n)
{
    return sim->card.pin_set && n == sim->card.pin_len && CRYPTO_memcmp(p, sim->card.pin, n) == 0;
}

static void pin_store(struct sim *sim, const unsigned char *p, size_t n)
{
    OPENSSL_cleanse(sim->card.pin, sizeof sim->card.pin);
    memcpy(sim->card.pin, p, n);
    sim->card.pin_len = n;
    sim->card.pin_set = 1;
    sim->card.pin_tries = SIM_PIN_TRIES;
}

/* A wrong presentation costs one try; the counter is persisted before answering. */
static unsigned pin_wrong(struct sim *sim)
{
    sim->s.pin_ok = 0;
    if (sim->card.pin_tries > 0)
        sim->card.pin_tries--;
    sim_persist(sim);
    return tries_sw(sim);
}

unsigned sim_cmd_verify(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    if (a->p1 != 0x00)
        return SW_WRONG_P1P2;
    if (a->p2 == 0x82) {
        /* Logout: PIN, admin and the admin-authentication state machine. */
        sim->s.pin_ok = 0;
        sim->s.admin_ok = 0;
        sim->s.ga_step = GA_NONE;
        return SW_OK;
    }
    if (a->p2 != 0x80 && a->p2 != 0x00)
        return SW_REF_NOT_FOUND;
    if (a->lc == 0)
        return tries_sw(sim); /* probe: 63Cx even when verified */
    if (sim->card.pin_tries == 0)
        return SW_PIN_BLOCKED;
    if (!pin_len_ok(a->lc))
        return tries_sw(sim);
    if (!sim->card.pin_set)
        return SW_INVALID_DATA;
    if (!pin_matches(sim, a->data, a->lc))
        return pin_wrong(sim);
    sim->s.pin_ok = 1;
    if (sim->card.pin_tries != SIM_PIN_TRIES) {
        sim->card.pin_tries = SIM_PIN_TRIES;
        sim_persist(sim);
    }
    return SW_OK;
}

unsigned sim_cmd_change_ref(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    size_t old;

    if (a->p2 != 0x80 && a->p2 != 0x00)
        return SW_REF_NOT_FOUND;
    if (a->p1 == 0x01) {
        /* New PIN without the old one: initialization mode or PIN verified. */
        if (sim->card.activated && !sim->s.pin_ok)
            return SW_SECURITY;
        if (!pin_len_ok(a->lc))
            return SW_WRONG_LENGTH;
        pin_store(sim, a->data, a->lc);
        sim_persist(sim);
        return SW_OK;
    }
    if (a->p1 != 0x00)
        return SW_WRONG_P1P2;
    if (sim->card.pin_tries == 0)
        return SW_PIN_BLOCKED;
    if (!sim->card.pin_set)
        return SW_INVALID_DATA;
    if (a->lc < 2 * SIM_PIN_MIN || a->lc > 2 * SIM_PIN_MAX)
        return tries_sw(sim);
    old = sim->card.pin_len; /* no separator: split at the stored PIN's length */
    if (a->lc <= old || !pin_matches(sim, a->data, old))
        return pin_wrong(sim);
    if (!pin_len_ok(a->lc - old)) {
        sim->card.pin_tries = SIM_PIN_TRIES;
        sim_persist(sim);
        return SW_WRONG_LENGTH;
    }
    pin_store(sim, a->data + old, a->lc - old);
    sim->s.pin_ok = 1;
    sim_persist(sim);
    return SW_OK;
}

unsigned sim_cmd_reset_retry(struct sim *sim, const struct sim_apdu *a, struct sim_buf *out)
{
    if (a->p1 != 0x02)
        return SW_WRONG_P1P2;
    if (a->p2 != 0x80)
        return SW_REF_NOT_FOUND;
    if (!sim->card.activated)
        return SW_NOT_ALLOWED;
    if (!sim->s.admin_ok)
        return SW_SECURITY;
    if (!pin_len_ok(a->lc))
        return SW_WRONG_LENGTH;
    pin_store(sim, a->data, a->lc);
    sim->s.pin_ok = 0;
    sim->s.admin_ok = 0;
    sim->s.ga_step = GA_NONE;
    sim_persist(sim);
    return SW_OK;
}

/* 7F71 (and 7F72 alike): 97 = tries left, 93 = try limit. */
unsigned sim_pin_status(struct sim *sim, unsigned tag, struct sim_buf *out)
{
    unsigned char v[6] = {0x97, 0x01, (unsigned char)sim->card.pin_tries,
                          0x93, 0x01, SIM_PIN_TRIES};
    return sim_tlv_put(out, tag, v, sizeof v) ? SW_INTERNAL : SW_OK;
}
