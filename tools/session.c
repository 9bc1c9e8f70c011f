/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The token session of keygen, csr and load: the same token layer the
 * PKCS#11 module uses (mdcard_core), so key generation, signatures and
 * certificate writes take exactly the module's paths.
 */
#include "tool.h"

#include <stdlib.h>
#include <string.h>

int tool_tok_open(const struct tool *t, struct tool_tok *s)
{
    CK_TOKEN_INFO info;
    CK_RV rv;

    memset(s, 0, sizeof(*s));
    s->reader = tool_pick_reader(t);
    if (s->reader == NULL)
        return TOOL_NOCARD;
    s->env = mdc_tok_env_new();
    if (s->env == NULL || (s->tok = mdc_tok_new(s->env, s->reader)) == NULL) {
        tool_err("out of memory");
        tool_tok_close(s);
        return TOOL_FAIL;
    }
    rv = mdc_tok_get_info(s->tok, &info);
    if (rv == CKR_OK && !(info.flags & CKF_TOKEN_INITIALIZED)) {
        tool_err("the card in '%s' is a blank GIDS card (no minidriver file system): "
                 "initialize it first (C_InitToken, gids-tool --initialize)",
                 s->reader);
        tool_tok_close(s);
        return TOOL_NOCARD;
    }
    if (rv != CKR_OK) {
        tool_err("cannot use the card in '%s': %s", s->reader, tool_rv_text(rv));
        tool_tok_close(s);
        return tool_rv_status(rv);
    }
    return TOOL_OK;
}

int tool_tok_login(const struct tool *t, struct tool_tok *s)
{
    struct mdc_secret *pin = tool_pin_get(t, "User PIN: ");
    CK_TOKEN_INFO info;
    CK_RV rv;

    if (pin == NULL)
        return TOOL_FAIL;
    rv = mdc_tok_login(s->tok, CKU_USER, pin->data, pin->len);
    mdc_util_secret_free(pin);
    if (rv == CKR_OK) {
        s->logged_in = true;
        return TOOL_OK;
    }
    if (rv == CKR_PIN_INCORRECT) {
        struct tool_card c;
        struct mdc_pin_info pi;
        const char *why;

        /* The exact count from the card's PIN status. */
        if (tool_card_open_reader(&c, s->reader, &why) == TOOL_OK &&
            c.edge->pin_info(c.card, MDC_PIN_USER, &pi).status == MDC_CARD_OK && pi.tries_known)
            tool_err("wrong PIN (%u %s left before the PIN locks)", pi.tries_left,
                     pi.tries_left == 1 ? "try" : "tries");
        else if (mdc_tok_get_info(s->tok, &info) == CKR_OK && (info.flags & CKF_USER_PIN_LOCKED))
            tool_err("wrong PIN (the PIN is now locked)");
        else
            tool_err("wrong PIN");
        tool_card_close(&c);
    } else {
        tool_err("login failed: %s", tool_rv_text(rv));
    }
    return tool_rv_status(rv);
}

void tool_tok_close(struct tool_tok *s)
{
    if (s->tok != NULL && s->logged_in)
        (void)mdc_tok_logout(s->tok);
    s->logged_in = false;
    mdc_tok_free(s->tok);
    s->tok = NULL;
    mdc_tok_env_free(s->env);
    s->env = NULL;
    free(s->reader);
    s->reader = NULL;
}

CK_RV tool_tok_find_id(struct tool_tok *s, CK_OBJECT_CLASS cls, const uint8_t *id, size_t id_len,
                       CK_OBJECT_HANDLE *h)
{
    CK_ATTRIBUTE tmpl[] = {
        {CKA_CLASS, &cls, sizeof(cls)},
        {CKA_ID, (void *)(uintptr_t)id, id_len},
    };
    CK_OBJECT_HANDLE *found = NULL;
    size_t n = 0;
    CK_RV rv;

    *h = CK_INVALID_HANDLE;
    rv = mdc_tok_find(s->tok, tmpl, 2, &found, &n);
    if (rv == CKR_OK && n > 0)
        *h = found[0];
    free(found);
    return rv;
}

CK_RV tool_tok_get_id(struct tool_tok *s, CK_OBJECT_HANDLE h, uint8_t *id, size_t *id_len)
{
    CK_ATTRIBUTE a = {CKA_ID, id, *id_len};
    CK_RV rv = mdc_tok_get_attributes(s->tok, h, &a, 1);

    if (rv == CKR_OK)
        *id_len = a.ulValueLen;
    return rv;
}
