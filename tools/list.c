/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdcard list: every PC/SC reader and what is in it — no card, a GIDS card
 * (initialized or blank, serial, PIN tries), or a card that is not GIDS.
 */
#include "model.h"

#include "gids/gids.h"
#include "pcsc/pcsc.h"

#include <stdlib.h>
#include <string.h>

static const char usage[] = "usage: mdcard list [--json]\n"
                            "Lists the card readers and the cards in them. Needs no PIN.\n";

struct card_facts {
    bool present, gids;
    const char *why; /* when present but not readable as GIDS */
    struct mdc_card_info info;
    uint8_t cardid[16];
    size_t cardid_len;
    bool pin_known;
    struct mdc_pin_info pin;
};

static int probe(struct mdc_pcsc_reader *r, struct card_facts *f)
{
    struct tool_card c;
    struct mdc_buf id = MDC_BUF_INIT;
    mdc_card_rc rc;

    memset(f, 0, sizeof(*f));
    f->present = r->card_present;
    if (!f->present)
        return TOOL_OK;
    if (tool_card_open_reader(&c, r->name, &f->why) != TOOL_OK)
        return TOOL_OK;
    f->gids = true;
    f->info = c.info;
    rc = c.edge->pin_info(c.card, MDC_PIN_USER, &f->pin);
    f->pin_known = rc.status == MDC_CARD_OK && f->pin.tries_known;
    if (c.info.fs_present &&
        tool_gids_get_do(&c, MDC_GIDS_EF_A012, MDC_GIDS_DO_CARDID, &id).status == MDC_CARD_OK &&
        id.len <= sizeof(f->cardid)) {
        memcpy(f->cardid, id.data, id.len);
        f->cardid_len = id.len;
    }
    mdc_buf_free(&id);
    tool_card_close(&c);
    return TOOL_OK;
}

int tool_cmd_list(struct tool *t, int argc, char **argv)
{
    struct mdc_pcsc *pcsc;
    struct mdc_pcsc_reader *r = NULL;
    struct json *j = &t->json_out;
    size_t n = 0;
    enum mdc_pcsc_err err;
    int st = TOOL_OK;

    if (tool_wants_help(argc, argv, usage))
        return TOOL_OK;
    if (argc > 1)
        return tool_usage_error(usage, "unexpected argument '%s'", argv[1]);
    pcsc = mdc_pcsc_new();
    if (pcsc == NULL)
        return TOOL_FAIL;
    err = mdc_pcsc_list_readers(pcsc, &r, &n);
    mdc_pcsc_free(pcsc);
    if (err != MDC_PCSC_OK) {
        tool_err("cannot list the card readers: %s", mdc_pcsc_err_str(err));
        return TOOL_NOCARD;
    }
    if (t->json) {
        json_begin_object(j, NULL);
        json_begin_array(j, "readers");
    } else if (n == 0) {
        printf("No card reader found (is pcscd running?)\n");
    }
    for (size_t i = 0; i < n; i++) {
        struct card_facts f;
        char serial[17] = "";
        char safe[TOOL_SAFE_SIZE(256)]; /* the reader's name, for text output */

        probe(&r[i], &f);
        if (f.cardid_len != 0)
            mdc_tok_serial_from_cardid(f.cardid, f.cardid_len, serial);
        if (t->json) {
            json_begin_object(j, NULL);
            json_int(j, "index", (long long)i);
            json_string(j, "name", r[i].name);
            json_bool(j, "card_present", f.present);
            if (f.present) {
                json_begin_object(j, "card");
                json_bool(j, "gids", f.gids);
                if (!f.gids) {
                    json_string(j, "error", f.why);
                } else {
                    json_bool(j, "initialized", f.info.fs_present);
                    if (f.cardid_len != 0) {
                        json_hex(j, "cardid", f.cardid, f.cardid_len);
                        json_string(j, "serial", serial);
                    }
                    if (f.pin_known) {
                        json_int(j, "pin_tries_left", f.pin.tries_left);
                        json_int(j, "pin_try_limit", f.pin.try_limit);
                    }
                }
                json_end_object(j);
            }
            json_end_object(j);
            continue;
        }
        printf("%zu  %s\n", i, tool_safe(safe, sizeof(safe), r[i].name));
        if (!f.present)
            printf("   no card\n");
        else if (!f.gids)
            printf("   card: %s\n", f.why);
        else if (!f.info.fs_present)
            printf("   card: %s, blank (not initialized)\n", f.info.model);
        else if (f.cardid_len != 0)
            printf("   card: %s, serial %s%s", f.info.model, serial, f.pin_known ? "" : "\n");
        else
            printf("   card: %s, no cardid%s", f.info.model, f.pin_known ? "" : "\n");
        if (f.present && f.gids && f.info.fs_present && f.pin_known)
            printf(", PIN %u of %u tries left\n", f.pin.tries_left, f.pin.try_limit);
    }
    if (t->json) {
        json_end_array(j);
        json_end_object(j);
        if (!json_finish(j))
            st = TOOL_FAIL;
    }
    mdc_pcsc_free_readers(r, n);
    return st;
}
