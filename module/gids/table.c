/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The master table (A000/DF1F) of an open card, read at most once per
 * transaction: the first file operation reads and parses it, later ones use
 * the copy, and begin()/end()/reselect drop it (card_edge.h: no state
 * across transactions).
 */
#include "gids/gids.h"

#include "util/log.h"

/* Remember where the table puts cardcf and cardid (see struct mdc_card). */
static void note_location(struct mdc_card *card, const mdc_gids_mft *t, const char *name,
                          struct mdc_gids_location *loc)
{
    size_t i;

    if (mdc_gids_mft_find(t, "", name, &i) != MDC_MDFS_OK)
        return;
    if (!mdc_gids_mft_location_usable(t->records[i].ef, t->records[i].tag))
        return;
    if (loc->ef != t->records[i].ef || loc->tag != t->records[i].tag)
        MDC_INFO(MDC_CAT_GIDS, "%s lives at %04X/%04X on this card", name,
                 (unsigned)t->records[i].ef, (unsigned)t->records[i].tag);
    loc->ef = (uint16_t)t->records[i].ef;
    loc->tag = (uint16_t)t->records[i].tag;
}

void mdc_gids_table_drop(struct mdc_card *card)
{
    if (card == NULL)
        return;
    mdc_gids_mft_clear(&card->mft);
    card->mft_cached = false;
    card->mft_rc = (mdc_card_rc){MDC_CARD_OK, 0};
    card->probe_cached = false;
    mdc_buf_clear(&card->probe);
}

/* Read and parse; only answers about the card itself are worth caching. */
static mdc_card_rc load(struct mdc_card *card)
{
    struct mdc_buf raw = MDC_BUF_INIT;
    mdc_gids_mft parsed = {NULL, 0};
    mdc_card_rc rc;
    mdc_mdfs_rv prv;
    bool keep;

    rc = mdc_gids_get_data(card->conn, MDC_GIDS_EF_A000, MDC_GIDS_DO_MASTER, &raw);
    if (rc.status == MDC_CARD_SW && rc.sw == 0x6A82)
        rc.status = MDC_CARD_ABSENT; /* a blank applet may lack EF A000 itself */
    keep = rc.status == MDC_CARD_ABSENT;
    if (rc.status == MDC_CARD_ABSENT) {
        MDC_DEBUG(MDC_CAT_GIDS, "no master table (SW %04X): card not initialized", rc.sw);
    } else if (rc.status == MDC_CARD_OK) {
        prv = mdc_gids_mft_parse(raw.data, raw.len, &parsed);
        if (prv == MDC_MDFS_ERR_NO_MEMORY) {
            rc.status = MDC_CARD_NOMEM;
        } else if (prv != MDC_MDFS_OK) {
            MDC_WARN(MDC_CAT_GIDS,
                     "master table of %zu bytes unusable (%s): foreign or corrupt card", raw.len,
                     mdc_mdfs_rv_name(prv));
            rc.status = MDC_CARD_BAD_RESPONSE;
        } else {
            MDC_DEBUG(MDC_CAT_GIDS, "master table: %zu records", parsed.count);
            note_location(card, &parsed, "cardcf", &card->loc_cardcf);
            note_location(card, &parsed, "cardid", &card->loc_cardid);
        }
        keep = rc.status != MDC_CARD_NOMEM;
    }
    mdc_buf_free(&raw);
    if (keep) {
        card->mft = parsed;
        card->mft_rc = rc;
        card->mft_cached = true;
    }
    return rc;
}

mdc_card_rc mdc_gids_table_get(struct mdc_card *card, const mdc_gids_mft **mft)
{
    mdc_card_rc rc;

    if (card == NULL || mft == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    *mft = NULL;
    rc = card->mft_cached ? card->mft_rc : load(card);
    if (rc.status == MDC_CARD_OK)
        *mft = &card->mft;
    return rc;
}
