/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Token layer internals shared by the token/ sources: the per-slot token state
 * (connection, validated card snapshot, object cache, login state) and the
 * helpers that keep it true. Not included outside module/token/.
 */
#ifndef MDC_TOK_INT_H
#define MDC_TOK_INT_H

#include "mdfs/cmapfile.h"
#include "token/disk_record.h"
#include "token/objects.h"
#include "token/token.h"
#include "util/buf.h"
#include "util/secret.h"

struct mdc_tok_env {
    struct mdc_pcsc *pcsc;
};

/* Public key of one container as read from the card, kept per cache epoch. */
struct mdc_tok_pubkey {
    bool present;
    struct mdc_buf modulus;
    struct mdc_buf exponent;
};

struct mdc_tok {
    struct mdc_tok_env *env;
    char *reader;
    const struct mdc_card_edge *edge;
    struct mdc_card *card;
    unsigned long gen; /* bumped when the card goes away: sessions of older gens are gone */

    /* Card snapshot, valid for this connection only. */
    bool info_known;
    struct mdc_card_info info;
    bool snap_valid; /* cardid + cardcf read and checked in this connection */
    struct mdc_buf cardid;
    struct mdc_buf cardcf;
    bool cardcf_absent; /* blank card: no file system */
    /* cardid read on this connection by C_GetTokenInfo's identity check and
     * not yet paired with a cardcf read: the next state check need not read
     * it again (cache.c, validate). */
    bool id_fresh;

    /* Object cache, keyed by cardid + containers/files counters. */
    bool objs_valid;
    bool pubkeys_valid;
    struct mdc_tok_objects objs;
    struct mdc_tok_objects sess; /* session objects (CKA_TOKEN false), host memory only */
    struct mdc_tok_pubkey pubkeys[MDC_TOK_MAX_CONTAINERS];
    CK_OBJECT_HANDLE next_handle;
    /* What the object cache was built from (cmapfile, certificate files,
     * msroots, public keys), at the counters of `cardcf`; also the on-disk
     * record. objs_from_disk: loaded from disk, not read on this connection. */
    struct mdc_disk_record rec;
    bool objs_from_disk;
    bool rec_this_txn; /* rec was read from the card in the open transaction */

    /* Random generator probe: 0 unknown, 1 works, -1 does not. */
    int rng;

    /* Login state, shared by every session of the slot. */
    bool logged_in;
    struct mdc_secret *pin; /* PIN cache (when enabled) */
    bool so_logged_in;
    struct mdc_secret *so_key; /* 24-byte admin key of the SO session, wiped on logout */
};

/* The card went away (removed, swapped): forget connection, cache, login. */
void mdc_tok_card_lost(struct mdc_tok *tok);
/* Forget the login (host side; wipes the PIN cache). */
void mdc_tok_drop_login(struct mdc_tok *tok);
/* Forget the session objects (all sessions closed, card gone). */
void mdc_tok_drop_session_objects(struct mdc_tok *tok);
/* Forget cached objects and public keys. */
void mdc_tok_drop_cache(struct mdc_tok *tok);

/*
 * Start a transaction on a validated card state (DESIGN.md section 6):
 * open the card if needed, begin(), recover from a reset, re-read cardcf
 * (cardid too when cardcf changed or after a reset), and with want_objects
 * rebuild the object cache when it is stale. On CKR_OK the transaction is
 * open and must be closed with mdc_tok_end().
 */
CK_RV mdc_tok_begin(struct mdc_tok *tok, bool want_objects);
/* The same for calls that need only the card's identity (C_GetTokenInfo):
 * cardid is read instead of cardcf. */
CK_RV mdc_tok_begin_identity(struct mdc_tok *tok);
void mdc_tok_end(struct mdc_tok *tok);
/* Re-select after an unexpected 6A82/6D00/6982, re-validate, re-verify the
 * cached PIN; inside an open transaction. CKR_OK: retry the operation. */
CK_RV mdc_tok_recover(struct mdc_tok *tok);
/* Map an edge result to CK_RV, dropping the card when it is gone. */
CK_RV mdc_tok_rv(struct mdc_tok *tok, mdc_card_rc rc, enum mdc_card_op op);
bool mdc_tok_rc_gone(mdc_card_rc rc);
/* 6A82/6D00/6982 out of the blue: another application took the card. */
bool mdc_tok_rc_deselected(mdc_card_rc rc);

/* Enumerate the card's objects into tok->objs (inside a transaction), read
 * from the card, never from the disk cache. */
CK_RV mdc_tok_enumerate(struct mdc_tok *tok);
/* The objects of the card's disk record when its cardid and containers/files
 * counters match the validated cardcf (inside a transaction, no APDU). */
bool mdc_tok_objects_from_disk(struct mdc_tok *tok);
/* Rebuild tok->objs from tok->rec (no card access) and store tok->rec on
 * disk; used after a write that updated tok->rec with what it wrote. */
CK_RV mdc_tok_objects_from_rec(struct mdc_tok *tok);
/* Record the random generator probe in the disk record, if there is one. */
void mdc_tok_disk_note_rng(struct mdc_tok *tok);

/* ---- on-disk cache (disk_cache.c) ---- */
/* The record of this cardid, parsed and checked; false when there is none
 * or it was unusable (then deleted). */
bool mdc_tok_disk_load(const uint8_t *cardid, size_t len, struct mdc_disk_record *out);
/* Atomic replacement of the card's record (no-op when the cache is off). */
void mdc_tok_disk_save(const struct mdc_disk_record *r);

/* PIN verification with the card (inside a transaction). */
CK_RV mdc_tok_verify(struct mdc_tok *tok, const uint8_t *pin, size_t len);

/* C_Login(CKU_SO) (pinwrite.c). */
CK_RV mdc_tok_login_so(struct mdc_tok *tok, const uint8_t *pin, size_t len);
/* Admin key from the SO PIN (48 hex digits); false if malformed. */
bool mdc_tok_admin_key_parse(const uint8_t *pin, size_t len, uint8_t key[24]);
/* Admin authentication with the SO session's key (inside a transaction). */
CK_RV mdc_tok_admin_auth(struct mdc_tok *tok);

/* ---- write transactions (write.c) ---- */
struct mdc_tok_wr {
    struct mdc_buf cmap_raw; /* mscp/cmapfile as read in this transaction */
    bool cmap_absent;
    mdc_cmapfile cm;
    struct mdc_buf files; /* names in mscp, NUL-separated (may be empty), kept
                           * equal to the card's by the mdc_tok_wr_note_* calls */
    bool files_listed;    /* files is the card's listing (the edge can list) */
    bool bumped;
    bool changed;      /* something was written: the cache is rebuilt at the end */
    bool cmap_written; /* w->cm is what the card holds now */
    /* tok->rec agrees with the card read in this transaction (same cmapfile,
     * certificate names as listed): the cache after the write can be tok->rec
     * edited with what was written, instead of reading the card back. */
    bool rec_ok;
    bool rec_started, rec_failed;
    struct mdc_disk_record rec; /* tok->rec with this write's changes */
};
/* Open the transaction (cardcf re-read, objects validated), re-read the
 * cmapfile and the mscp file list from the card (DESIGN.md 5 step 1) and
 * compare tok->rec with them (rec_ok). Objects loaded from the disk cache
 * are not re-read here: each write checks what its decision rests on
 * (mdc_tok_wr_key_holds, rec_ok) and calls mdc_tok_wr_reread when not. */
CK_RV mdc_tok_wr_begin(struct mdc_tok *tok, struct mdc_tok_wr *w);
/* Read every object from the card inside the write transaction. */
CK_RV mdc_tok_wr_reread(struct mdc_tok *tok, struct mdc_tok_wr *w);
/* The card's public key of container c is the cached one (one GET DATA). */
bool mdc_tok_wr_key_holds(struct mdc_tok *tok, const struct mdc_tok_wr *w, int c);
/* The single cardcf write of the operation (MDC_CARDCF_* bits). */
CK_RV mdc_tok_wr_bump(struct mdc_tok *tok, struct mdc_tok_wr *w, unsigned which);
/* Write w->cm back as mscp/cmapfile. */
CK_RV mdc_tok_wr_cmap(struct mdc_tok *tok, struct mdc_tok_wr *w);
/* Names in mscp that are certificate files of container `index` (any
 * spelling), treating `index` as valid; returns how many (up to max). */
size_t mdc_tok_wr_certnames(const struct mdc_tok_wr *w, unsigned index, char (*names)[6],
                            size_t max);
/* What the card accepted, for the cache after the write: a file written in
 * mscp (kind MDC_DISK_CERTFILE of container `index`, or MDC_DISK_MSROOTS),
 * a file deleted, the public key of a container (NULL: gone). */
void mdc_tok_wr_note_file(const struct mdc_tok *tok, struct mdc_tok_wr *w,
                          enum mdc_disk_kind kind, unsigned index, const char *name,
                          const uint8_t *data, size_t len);
void mdc_tok_wr_note_deleted(const struct mdc_tok *tok, struct mdc_tok_wr *w, const char *name);
void mdc_tok_wr_note_key(const struct mdc_tok *tok, struct mdc_tok_wr *w, unsigned index,
                         const uint8_t *mod, size_t mod_len, const uint8_t *exp, size_t exp_len);
/* After the card accepted everything (DESIGN.md 5 step 5): the objects and
 * the disk record from tok->rec plus the noted changes, no card read. False
 * when that is not possible (rec_ok false, a check failed): mdc_tok_wr_end
 * then reads the card. */
bool mdc_tok_wr_commit(struct mdc_tok *tok, struct mdc_tok_wr *w);
/* Refresh the cache when something changed and was not committed, close the
 * transaction, free w. */
void mdc_tok_wr_end(struct mdc_tok *tok, struct mdc_tok_wr *w);
/* Card-side error of a write, logged with what was being done. */
CK_RV mdc_tok_wr_fail(struct mdc_tok *tok, mdc_card_rc rc, const char *what);

/* A card answer meaning "no such file or data object" (absent, 6A82, 6A88). */
static inline bool mdc_tok_rc_missing(mdc_card_rc rc)
{
    return rc.status == MDC_CARD_ABSENT ||
           (rc.status == MDC_CARD_SW && (rc.sw == 0x6A82 || rc.sw == 0x6A88));
}

/* The PIN cache knob (MDCARD_PIN_CACHE, default on), read once. */
bool mdc_tok_config_pin_cache(void);
/* On-disk cache of public card data (DESIGN.md 6): on unless configured off. */
bool mdc_tok_config_disk_cache(void);
/* Its directory from the configuration, or NULL for $XDG_CACHE_HOME/mdcard
 * (~/.cache/mdcard when XDG_CACHE_HOME is unset). */
const char *mdc_tok_config_cache_dir(void);

#endif
