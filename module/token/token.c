/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Token model, first part: reader listing for the slot table and the token
 * identity (C_GetTokenInfo) of a GIDS card: serial from cardid, label,
 * initialized state from the master table, PIN counters.
 */
#include "token/tok_int.h"

#include "pcsc/pcsc.h"
#include "token/config.h"
#include "util/hex.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static CK_RV pcsc_rv(enum mdc_pcsc_err err)
{
    switch (err) {
    case MDC_PCSC_OK:
        return CKR_OK;
    case MDC_PCSC_NOMEM:
        return CKR_HOST_MEMORY;
    case MDC_PCSC_ARGS:
        return CKR_GENERAL_ERROR;
    default:
        return CKR_DEVICE_ERROR;
    }
}

struct mdc_tok_env *mdc_tok_env_new(void)
{
    struct mdc_tok_env *env = calloc(1, sizeof(*env));

    if (env != NULL && (env->pcsc = mdc_pcsc_new()) == NULL) {
        free(env);
        env = NULL;
    }
    return env;
}

void mdc_tok_env_free(struct mdc_tok_env *env)
{
    if (env == NULL)
        return;
    mdc_pcsc_free(env->pcsc);
    free(env);
}

void mdc_tok_env_abandon(struct mdc_tok_env *env)
{
    if (env == NULL)
        return;
    mdc_pcsc_abandon(env->pcsc);
    free(env);
}

CK_RV mdc_tok_list_readers(struct mdc_tok_env *env, struct mdc_tok_reader **readers, size_t *count)
{
    struct mdc_pcsc_reader *pr = NULL;
    struct mdc_tok_reader *tr;
    size_t n = 0, used = 0;
    enum mdc_pcsc_err err;

    if (env == NULL || readers == NULL || count == NULL)
        return CKR_GENERAL_ERROR;
    *readers = NULL;
    *count = 0;
    err = mdc_pcsc_list_readers(env->pcsc, &pr, &n);
    if (err != MDC_PCSC_OK)
        return pcsc_rv(err);
    if (n == 0)
        return CKR_OK;
    tr = calloc(n, sizeof(*tr));
    if (tr == NULL) {
        mdc_pcsc_free_readers(pr, n);
        return CKR_HOST_MEMORY;
    }
    for (size_t i = 0; i < n; i++) {
        if (!mdc_tok_config_reader_allowed(pr[i].name)) { /* reader_include/exclude */
            MDC_DEBUG(MDC_CAT_TOKEN, "reader '%s' left out by the configuration", pr[i].name);
            continue;
        }
        tr[used].name = pr[i].name; /* ownership moves */
        pr[i].name = NULL;
        tr[used++].card_present = pr[i].card_present;
    }
    mdc_pcsc_free_readers(pr, n);
    if (used == 0) {
        free(tr);
        tr = NULL;
    }
    *readers = tr;
    *count = used;
    return CKR_OK;
}

void mdc_tok_free_readers(struct mdc_tok_reader *readers, size_t count)
{
    if (readers == NULL)
        return;
    for (size_t i = 0; i < count; i++)
        free(readers[i].name);
    free(readers);
}

CK_RV mdc_tok_card_present(struct mdc_tok_env *env, const char *reader, bool *present)
{
    if (env == NULL || reader == NULL || present == NULL)
        return CKR_GENERAL_ERROR;
    return pcsc_rv(mdc_pcsc_card_present(env->pcsc, reader, present));
}

struct mdc_tok *mdc_tok_new(struct mdc_tok_env *env, const char *reader)
{
    struct mdc_tok *tok = calloc(1, sizeof(*tok));

    if (tok == NULL)
        return NULL;
    tok->env = env;
    tok->reader = strdup(reader);
    if (tok->reader == NULL) {
        free(tok);
        return NULL;
    }
    return tok;
}

void mdc_tok_detach(struct mdc_tok *tok)
{
    if (tok == NULL)
        return;
    mdc_tok_card_lost(tok);
}

void mdc_tok_free(struct mdc_tok *tok)
{
    if (tok == NULL)
        return;
    mdc_tok_card_lost(tok);
    mdc_tok_drop_cache(tok);
    mdc_tok_drop_session_objects(tok);
    mdc_buf_free(&tok->cardid);
    mdc_buf_free(&tok->cardcf);
    free(tok->reader);
    free(tok);
}

void mdc_tok_card_lost(struct mdc_tok *tok)
{
    if (tok->card != NULL) {
        tok->edge->close(tok->card);
        tok->card = NULL;
        tok->edge = NULL;
        tok->gen++;
    }
    /* The object cache stays: it is keyed by cardid + cardcf and checked
     * against the next card before use. The login never survives. */
    tok->info_known = false;
    tok->snap_valid = false;
    tok->id_fresh = false;
    tok->rng = 0;
    mdc_tok_drop_login(tok);
    mdc_tok_drop_session_objects(tok); /* their sessions are gone with the card */
}

void mdc_tok_card_removed(struct mdc_tok *tok)
{
    if (tok == NULL)
        return;
    /* Seen empty: sessions end even if the card was never talked to. */
    if (tok->card == NULL)
        tok->gen++;
    mdc_tok_card_lost(tok);
}

unsigned long mdc_tok_generation(const struct mdc_tok *tok)
{
    return tok->gen;
}

bool mdc_tok_has_rng(const struct mdc_tok *tok)
{
    return tok->rng > 0;
}

void mdc_tok_serial_from_cardid(const uint8_t *cardid, size_t len, char serial[17])
{
    char hex[2 * 16 + 1];

    serial[0] = '\0';
    if (cardid == NULL)
        return;
    if (len > 16)
        len = 16; /* cardid is 16 bytes; only the last 8 matter anyway */
    if (!mdc_util_hex_encode(cardid, len, false, hex, sizeof(hex)))
        return;
    snprintf(serial, 17, "%s", hex + (2 * len > 16 ? 2 * len - 16 : 0));
}

void mdc_tok_fill_info(const struct mdc_card_info *card, const uint8_t *cardid, size_t cardid_len,
                       const struct mdc_pin_info *pin, CK_TOKEN_INFO *info)
{
    char serial[17], label[40];

    memset(info, 0, sizeof(*info));
    mdc_tok_serial_from_cardid(cardid, cardid_len, serial);
    if (serial[0] != '\0')
        snprintf(label, sizeof(label), "%s %s", card->model, serial);
    else if (!card->fs_present) /* blank card: no cardid yet */
        snprintf(label, sizeof(label), "%s blank card", card->model);
    else /* damaged: file system without cardid; still shown, so tools can repair it */
        snprintf(label, sizeof(label), "%s card without cardid", card->model);
    mdc_util_pad(info->label, sizeof(info->label), label);
    mdc_util_pad(info->manufacturerID, sizeof(info->manufacturerID), MDC_TOK_MANUFACTURER);
    mdc_util_pad(info->model, sizeof(info->model), card->model);
    mdc_util_pad(info->serialNumber, sizeof(info->serialNumber), serial);

    info->flags = CKF_LOGIN_REQUIRED;
    if (card->fs_present)
        info->flags |= CKF_TOKEN_INITIALIZED | CKF_USER_PIN_INITIALIZED;
    if (pin != NULL && pin->tries_known) {
        if (pin->tries_left == 0)
            info->flags |= CKF_USER_PIN_LOCKED;
        else if (pin->tries_left == 1)
            info->flags |= CKF_USER_PIN_FINAL_TRY | CKF_USER_PIN_COUNT_LOW;
        else if (pin->try_limit != 0 && pin->tries_left < pin->try_limit)
            info->flags |= CKF_USER_PIN_COUNT_LOW;
    }
    info->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
    info->ulSessionCount = CK_UNAVAILABLE_INFORMATION;
    info->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
    info->ulRwSessionCount = CK_UNAVAILABLE_INFORMATION;
    info->ulMaxPinLen = MDC_TOK_MAX_PIN_LEN;
    info->ulMinPinLen = MDC_TOK_MIN_PIN_LEN;
    info->ulTotalPublicMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulTotalPrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
    info->hardwareVersion.major = card->version_major;
    info->hardwareVersion.minor = card->version_minor;
    info->firmwareVersion.major = 0;
    info->firmwareVersion.minor = 0;
    /* No CKF_CLOCK_ON_TOKEN: utcTime is not meaningful. */
    memset(info->utcTime, ' ', sizeof(info->utcTime));
}

/* CKF_RNG: GET CHALLENGE is tried once per card (in an open transaction). */
static void probe_rng(struct mdc_tok *tok)
{
    uint8_t probe[8];
    mdc_card_rc rc;

    if (tok->rng != 0)
        return;
    if (tok->edge->get_random == NULL) {
        tok->rng = -1;
        return;
    }
    rc = tok->edge->get_random(tok->card, probe, sizeof(probe));
    tok->rng = rc.status == MDC_CARD_OK ? 1 : -1;
    MDC_DEBUG(MDC_CAT_TOKEN, "card random generator %s (status %d, SW %04X)",
              tok->rng > 0 ? "works" : "absent", (int)rc.status, rc.sw);
    mdc_tok_disk_note_rng(tok);
}

CK_RV mdc_tok_check_rng(struct mdc_tok *tok, bool *has_rng)
{
    CK_RV rv;

    if (tok->rng == 0) {
        rv = mdc_tok_begin_identity(tok);
        if (rv != CKR_OK)
            return rv;
        probe_rng(tok);
        mdc_tok_end(tok);
    }
    *has_rng = tok->rng > 0;
    return CKR_OK;
}

CK_RV mdc_tok_get_info(struct mdc_tok *tok, CK_TOKEN_INFO *info)
{
    struct mdc_pin_info pin;
    CK_RV rv = CKR_OK;

    if (tok == NULL || info == NULL)
        return CKR_GENERAL_ERROR;
    /* Two rounds: a stale connection (card swapped or reset) is reopened once. */
    for (int attempt = 0; attempt < 2; attempt++) {
        rv = mdc_tok_begin_identity(tok);
        if (rv != CKR_DEVICE_REMOVED)
            break;
        MDC_DEBUG(MDC_CAT_TOKEN, "card in '%s' went away; reopening", tok->reader);
    }
    if (rv != CKR_OK)
        return rv;
    memset(&pin, 0, sizeof(pin));
    /* PIN status is read every time: a wrong PIN does not change cardcf. */
    if (tok->info.fs_present) {
        mdc_card_rc prc = tok->edge->pin_info(tok->card, MDC_PIN_USER, &pin);

        if (mdc_tok_rc_gone(prc) || prc.status == MDC_CARD_COMM) {
            rv = mdc_tok_rv(tok, prc, MDC_CARD_OP_READ);
            mdc_tok_end(tok);
            return rv;
        }
        if (prc.status != MDC_CARD_OK) {
            MDC_DEBUG(MDC_CAT_TOKEN, "PIN status unavailable (status %d, SW %04X)", (int)prc.status,
                      prc.sw);
            memset(&pin, 0, sizeof(pin));
        }
    }
    probe_rng(tok);
    if (tok->cardid.len != 0 && tok->cardid.len != 16)
        MDC_INFO(MDC_CAT_TOKEN, "cardid has %zu bytes instead of 16", tok->cardid.len);
    mdc_tok_fill_info(&tok->info, tok->cardid.data, tok->cardid.len, &pin, info);
    if (tok->rng > 0)
        info->flags |= CKF_RNG;
    mdc_tok_end(tok);
    return CKR_OK;
}
