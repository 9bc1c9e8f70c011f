/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Minidriver files on a GIDS card: names resolved through the master table
 * (case-insensitively) to an (EF, DO) pair, read with GET DATA; directory
 * listings from the same table (GIDS-AND-MINIDRIVER.md 3.2, 4.1).
 */
#include "gids/gids.h"

#include "util/log.h"

#include <string.h>

static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

/* ASCII case-insensitive equality; the locale must not matter here. */
bool mdc_gids_same_name(const char *a, const char *b)
{
    for (; *a != '\0' && lower((unsigned char)*a) == lower((unsigned char)*b); a++, b++)
        ;
    return *a == '\0' && *b == '\0';
}

mdc_card_rc mdc_gids_read_file(struct mdc_card *card, const char *dir, const char *name,
                               struct mdc_buf *out)
{
    const mdc_gids_mft *mft;
    const mdc_gids_mft_record *r;
    mdc_card_rc rc;
    mdc_mdfs_rv frv;
    size_t idx;

    if (card == NULL || name == NULL || *name == '\0' || out == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    if (dir == NULL)
        dir = "";
    mdc_buf_clear(out);
    if (*dir == '\0' && card->probe_cached && mdc_gids_same_name(name, "cardid")) {
        card->probe_cached = false; /* read in this transaction by card_info */
        if (!mdc_buf_append(out, card->probe.data, card->probe.len))
            return (mdc_card_rc){MDC_CARD_NOMEM, 0};
        mdc_buf_clear(&card->probe);
        return (mdc_card_rc){MDC_CARD_OK, 0};
    }
    if (*dir == '\0' && !card->mft_cached &&
        (mdc_gids_same_name(name, "cardcf") || mdc_gids_same_name(name, "cardid"))) {
        const struct mdc_gids_location *loc =
            mdc_gids_same_name(name, "cardcf") ? &card->loc_cardcf : &card->loc_cardid;
        rc = mdc_gids_get_data(card->conn, loc->ef, loc->tag, out);
        if (rc.status != MDC_CARD_ABSENT && !(rc.status == MDC_CARD_SW && rc.sw == 0x6A82))
            return rc;
        /* Not where it usually is: ask the table (which also tells a blank card). */
        MDC_DEBUG(MDC_CAT_GIDS, "%s not at %04X/%04X; resolving through the master table", name,
                  loc->ef, loc->tag);
    }
    rc = mdc_gids_table_get(card, &mft);
    if (rc.status != MDC_CARD_OK)
        return rc; /* ABSENT: no table, so no file at all */
    frv = mdc_gids_mft_find(mft, dir, name, &idx);
    if (frv == MDC_MDFS_ERR_NOT_FOUND) {
        /* Cards written by some tools lack the cardid record; its location
         * is fixed by the GIDS annex of the minidriver specification. */
        if (*dir == '\0' && mdc_gids_same_name(name, "cardid")) {
            MDC_INFO(MDC_CAT_GIDS, "master table has no cardid record; reading A012/DF20");
            return mdc_gids_get_data(card->conn, MDC_GIDS_EF_A012, MDC_GIDS_DO_CARDID, out);
        }
        MDC_DEBUG(MDC_CAT_GIDS, "no file '%s/%s' in the master table", dir, name);
        return (mdc_card_rc){MDC_CARD_ABSENT, 0};
    }
    if (frv != MDC_MDFS_OK)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    r = &mft->records[idx];
    if (!mdc_gids_mft_location_usable(r->ef, r->tag)) {
        MDC_WARN(MDC_CAT_GIDS, "master table points '%s/%s' at EF %08X DO %08X: unusable", dir,
                 name, (unsigned)r->ef, (unsigned)r->tag);
        return (mdc_card_rc){MDC_CARD_BAD_RESPONSE, 0};
    }
    /* A record whose DO is gone (interrupted create, foreign delete) reads as
     * an absent file (GIDS-AND-MINIDRIVER.md 4.14): get_data says ABSENT. */
    rc = mdc_gids_get_data(card->conn, (uint16_t)r->ef, (uint16_t)r->tag, out);
    if (rc.status == MDC_CARD_ABSENT)
        MDC_INFO(MDC_CAT_GIDS, "'%s/%s' is listed at %04X/%04X but the DO is missing", dir, name,
                 (unsigned)r->ef, (unsigned)r->tag);
    return rc;
}

mdc_card_rc mdc_gids_list_files(struct mdc_card *card, const char *dir, struct mdc_buf *out)
{
    char rdir[MDC_GIDS_MFT_NAME_FIELD + 1], rfile[MDC_GIDS_MFT_NAME_FIELD + 1];
    const mdc_gids_mft *mft;
    mdc_card_rc rc;
    bool dir_known;
    size_t i;

    if (card == NULL || out == NULL)
        return (mdc_card_rc){MDC_CARD_ARGS, 0};
    if (dir == NULL)
        dir = "";
    mdc_buf_clear(out);
    rc = mdc_gids_table_get(card, &mft);
    if (rc.status != MDC_CARD_OK)
        return rc;
    dir_known = *dir == '\0';
    for (i = 0; i < mft->count; i++) {
        mdc_gids_mft_names(&mft->records[i], rdir, rfile);
        if (!mdc_gids_same_name(rdir, dir))
            continue;
        dir_known = true;
        if (rfile[0] == '\0')
            continue; /* the directory record itself */
        if (!mdc_buf_append(out, rfile, strlen(rfile) + 1)) {
            mdc_buf_clear(out);
            return (mdc_card_rc){MDC_CARD_NOMEM, 0};
        }
    }
    if (!dir_known) {
        MDC_DEBUG(MDC_CAT_GIDS, "no directory '%s' in the master table", dir);
        return (mdc_card_rc){MDC_CARD_ABSENT, 0};
    }
    return rc;
}
