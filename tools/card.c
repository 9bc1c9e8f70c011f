/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reader choice and the read-only card session of show, check, dump and
 * list: the card edge opened directly (this is a diagnostic tool) and one
 * transaction held for the whole read, so that what is shown is one
 * consistent state of the card. Writes never go through here.
 */
#include "tool.h"

#include "gids/gids.h"
#include "model.h"
#include "pcsc/pcsc.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

char *tool_pick_reader(const struct tool *t)
{
    struct mdc_pcsc *pcsc = mdc_pcsc_new();
    struct mdc_pcsc_reader *r = NULL;
    size_t n = 0, pick = SIZE_MAX, hits = 0;
    enum mdc_pcsc_err err;
    char *name = NULL;

    if (pcsc == NULL) {
        tool_err("out of memory");
        return NULL;
    }
    err = mdc_pcsc_list_readers(pcsc, &r, &n);
    if (err != MDC_PCSC_OK) {
        tool_err("cannot list the card readers: %s", mdc_pcsc_err_str(err));
        goto out;
    }
    if (n == 0) {
        tool_err("no card reader found (is pcscd running?)");
        goto out;
    }
    if (t->reader_arg == NULL) {
        for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
            if (r[i].card_present)
                pick = i;
        if (pick == SIZE_MAX)
            tool_err("no card in any of the %zu reader(s); see 'mdcard list'", n);
    } else if (all_digits(t->reader_arg)) {
        unsigned long i;

        errno = 0;
        i = strtoul(t->reader_arg, NULL, 10);
        if (errno == 0 && i < n)
            pick = i;
        else
            tool_err("no reader number %s (there are %zu; see 'mdcard list')", t->reader_arg, n);
    } else {
        for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
            if (strcmp(r[i].name, t->reader_arg) == 0)
                pick = i;
        for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
            if (strstr(r[i].name, t->reader_arg) != NULL)
                hits++;
        if (pick == SIZE_MAX && hits == 1)
            for (size_t i = 0; i < n && pick == SIZE_MAX; i++)
                if (strstr(r[i].name, t->reader_arg) != NULL)
                    pick = i;
        if (pick == SIZE_MAX)
            tool_err("%s reader matches '%s'; see 'mdcard list'", hits > 1 ? "more than one" : "no",
                     t->reader_arg);
    }
    if (pick != SIZE_MAX && (name = strdup(r[pick].name)) == NULL)
        tool_err("out of memory");
out:
    mdc_pcsc_free_readers(r, n);
    mdc_pcsc_free(pcsc);
    return name;
}

const char *tool_card_rc_text(mdc_card_rc rc)
{
    switch (rc.status) {
    case MDC_CARD_OK:
        return "ok";
    case MDC_CARD_SW:
        return "the card refused the command";
    case MDC_CARD_ABSENT:
        return "absent";
    case MDC_CARD_NOT_THIS_EDGE:
        return "not a GIDS card (no GIDS application)";
    case MDC_CARD_NO_CARD:
        return "no card in the reader";
    case MDC_CARD_REMOVED:
        return "the card was removed";
    case MDC_CARD_RESET:
        return "the card was reset by another application";
    case MDC_CARD_BUSY:
        return "the card is in exclusive use by another application";
    case MDC_CARD_COMM:
        return "communication with the card failed";
    case MDC_CARD_NOMEM:
        return "out of memory";
    case MDC_CARD_BAD_RESPONSE:
        return "malformed answer from the card";
    case MDC_CARD_UNSUPPORTED:
        return "not supported by the card";
    case MDC_CARD_ARGS:
        return "internal error";
    case MDC_CARD_RESELECTED:
        return "re-selected";
    case MDC_CARD_EXISTS:
        return "exists";
    }
    return "unknown error";
}

int tool_card_open_reader(struct tool_card *c, const char *reader, const char **why)
{
    mdc_card_rc rc;

    memset(c, 0, sizeof(*c));
    *why = NULL;
    c->edge = &mdc_gids_edge;
    c->pcsc = mdc_pcsc_new();
    c->reader = strdup(reader);
    if (c->pcsc == NULL || c->reader == NULL) {
        *why = "out of memory";
        goto fail;
    }
    rc = c->edge->open(c->pcsc, reader, &c->card);
    if (rc.status != MDC_CARD_OK) {
        c->card = NULL;
        *why = tool_card_rc_text(rc);
        goto fail;
    }
    rc = c->edge->begin(c->card);
    if (rc.status != MDC_CARD_OK && rc.status != MDC_CARD_RESELECTED) {
        *why = tool_card_rc_text(rc);
        goto fail;
    }
    c->in_tx = true;
    rc = c->edge->card_info(c->card, &c->info);
    if (rc.status != MDC_CARD_OK) {
        *why = tool_card_rc_text(rc);
        goto fail;
    }
    return TOOL_OK;
fail:
    tool_card_close(c);
    return TOOL_NOCARD;
}

int tool_card_open(const struct tool *t, struct tool_card *c)
{
    const char *why;
    char *reader = tool_pick_reader(t);
    int st;

    memset(c, 0, sizeof(*c));
    if (reader == NULL)
        return TOOL_NOCARD;
    st = tool_card_open_reader(c, reader, &why);
    if (st != TOOL_OK)
        tool_err("cannot read the card in '%s': %s", reader, why);
    free(reader);
    return st;
}

void tool_card_close(struct tool_card *c)
{
    if (c->card != NULL) {
        if (c->in_tx)
            c->edge->end(c->card);
        c->edge->close(c->card);
    }
    c->card = NULL;
    c->in_tx = false;
    mdc_pcsc_free(c->pcsc);
    c->pcsc = NULL;
    free(c->reader);
    c->reader = NULL;
}

/* The only GIDS-specific read of the tool: raw DOs for the master table,
 * the keymap, and the search for data objects nothing references. */
mdc_card_rc tool_gids_get_do(struct tool_card *c, uint16_t ef, uint16_t tag, struct mdc_buf *out)
{
    if (c->card == NULL || c->edge != &mdc_gids_edge)
        return (mdc_card_rc){MDC_CARD_UNSUPPORTED, 0};
    return mdc_gids_get_data(c->card->conn, ef, tag, out);
}
