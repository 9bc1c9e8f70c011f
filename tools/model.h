/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What show, check and dump read from a card, in one transaction: every
 * file the GIDS master table names (raw bytes and where it lives), the
 * parsed cmapfile, keymap and master table, the public key found at each
 * container's key reference, and optionally the data objects of A010 that
 * no table record references.
 */
#ifndef MDC_TOOL_MODEL_H
#define MDC_TOOL_MODEL_H

#include "tool.h"

#include "gids/keymap.h"
#include "gids/mft.h"
#include "mdfs/cmapfile.h"

#define TOOL_MAX_FILES 512
#define TOOL_MAX_ORPHANS 64

struct tool_file {
    char dir[MDC_GIDS_MFT_NAME_FIELD + 1]; /* "" = root */
    char name[MDC_GIDS_MFT_NAME_FIELD + 1];
    uint32_t ef, tag;
    mdc_card_rc rc; /* of the read: OK, ABSENT (record pointing nowhere), ... */
    struct mdc_buf data;
    bool from_table; /* false: found at the standard location without a table */
};

struct tool_key {
    mdc_card_rc rc; /* OK: a key is there; ABSENT: none */
    struct mdc_card_pubkey pub;
    unsigned bits; /* from the modulus */
    uint8_t id[20];
};

struct tool_orphan {
    uint16_t ef, tag;
    size_t len;
};

struct tool_model {
    struct mdc_card_info info;
    bool pin_known;
    struct mdc_pin_info pin;

    mdc_card_rc mft_rc; /* OK, ABSENT, or an error */
    mdc_mdfs_rv mft_rv; /* parse result when read */
    struct mdc_buf mft_raw;
    mdc_gids_mft mft;

    mdc_card_rc keymap_rc;
    mdc_mdfs_rv keymap_rv;
    struct mdc_buf keymap_raw;
    mdc_gids_keymap km;

    struct tool_file *files;
    size_t nfiles;

    bool cm_present;
    mdc_mdfs_rv cm_rv;
    mdc_cmapfile cm;

    struct tool_key keys[MDC_CMAP_MAX_RECORDS];
    size_t nkeys; /* key references probed: 0x81 .. 0x81 + nkeys - 1 */

    bool orphans_probed;
    struct tool_orphan orphans[TOOL_MAX_ORPHANS];
    size_t norphans;
};

/* Reads the card; on a card-access failure prints why and returns TOOL_NOCARD. */
int tool_model_read(struct tool_card *c, struct tool_model *m, bool probe_orphans);
void tool_model_free(struct tool_model *m);
/* File by name (dir "" = root), ASCII case-insensitive; the first one read
 * successfully, else the first record; NULL when there is none. */
const struct tool_file *tool_model_file(const struct tool_model *m, const char *dir,
                                        const char *name);

/* GET DATA of one DO through the GIDS card edge (card.c). */
mdc_card_rc tool_gids_get_do(struct tool_card *c, uint16_t ef, uint16_t tag, struct mdc_buf *out);

#endif
