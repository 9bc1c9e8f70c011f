/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The card-edge interface: what the token layer (Base CSP role) asks of a
 * card, mirroring the Microsoft minidriver model (DESIGN.md section 3).
 * Files are named with minidriver names ("cardid", "mscp/cmapfile"); each
 * edge maps them to its own storage. Only the operations implemented so far
 * are declared; the table grows with read/write/create/delete file, keys,
 * PIN verify/change/unblock, admin auth, sign and decrypt.
 *
 * Every operation returns mdc_card_rc: a status plus the card's SW1SW2, so
 * that exactly one function per edge (`rv`) turns it into a CK_RV.
 */
#ifndef MDCARD_CARD_EDGE_H
#define MDCARD_CARD_EDGE_H

#include "mdcard/pkcs11.h"
#include "util/buf.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mdc_pcsc; /* transport context (pcsc layer), opaque here */
struct mdc_card; /* one open card; owned by the edge that opened it */

enum mdc_card_status {
    MDC_CARD_OK = 0,
    MDC_CARD_SW,            /* the card answered a status word other than success: see sw */
    MDC_CARD_ABSENT,        /* the requested file/data object does not exist */
    MDC_CARD_NOT_THIS_EDGE, /* the card is not one this edge drives (e.g. SELECT failed) */
    MDC_CARD_NO_CARD,       /* reader empty */
    MDC_CARD_REMOVED,       /* card removed while in use */
    MDC_CARD_RESET,         /* card reset by someone else and could not be re-selected */
    MDC_CARD_BUSY,          /* held exclusively by another process */
    MDC_CARD_COMM,          /* transport failure */
    MDC_CARD_NOMEM,
    MDC_CARD_BAD_RESPONSE, /* malformed answer from the card */
    MDC_CARD_UNSUPPORTED,  /* operation or file not supported (yet) by this edge */
    MDC_CARD_ARGS,         /* bad call: a bug in mdcard */
};

typedef struct mdc_card_rc {
    enum mdc_card_status status;
    uint16_t sw; /* last status word seen, 0 if none */
} mdc_card_rc;

/* What the operation was, for the few status words whose meaning depends on
 * it (6700: PIN length vs data length, 6A80: ciphertext vs data). */
enum mdc_card_op {
    MDC_CARD_OP_READ,
    MDC_CARD_OP_PIN,
    MDC_CARD_OP_CRYPTO,
};

/* CardGetProperty(CP_CARD_GUID, ...) and friends: identity of an open card. */
struct mdc_card_info {
    char model[17];  /* NUL-terminated, e.g. "GIDS" */
    uint8_t aid[16]; /* application identifier from the FCI, if the card gave one */
    size_t aid_len;
    uint8_t version_major; /* applet version from the AID (GIDS: 1, 2, 4 (TPM VSC)), 0 unknown */
    uint8_t version_minor;
    bool fs_present; /* minidriver file system present (initialized card) */
};

enum mdc_pin_role {
    MDC_PIN_USER,
};

/* CardGetProperty(CP_CARD_PIN_INFO / CP_PIN_TRIES_LEFT-style). */
struct mdc_pin_info {
    bool tries_known;
    unsigned tries_left;
    unsigned try_limit;
};

struct mdc_card_edge {
    const char *name;
    /* Connect to `reader` and identify the card (SELECT).
     * MDC_CARD_NOT_THIS_EDGE: some other card. */
    mdc_card_rc (*open)(struct mdc_pcsc *pcsc, const char *reader, struct mdc_card **card);
    void (*close)(struct mdc_card *card);
    /* Exclusive transaction around a multi-APDU operation. A reset seen at
     * the start is recovered (reconnect + re-select) before returning OK. */
    mdc_card_rc (*begin)(struct mdc_card *card);
    void (*end)(struct mdc_card *card);
    mdc_card_rc (*card_info)(struct mdc_card *card, struct mdc_card_info *info);
    /* CardReadFile: dir NULL or "" = root. Replaces the content of `out`. */
    mdc_card_rc (*read_file)(struct mdc_card *card, const char *dir, const char *name,
                             struct mdc_buf *out);
    mdc_card_rc (*pin_info)(struct mdc_card *card, enum mdc_pin_role role,
                            struct mdc_pin_info *info);
    /* The edge's one mapping of results to CK_RV. */
    CK_RV (*rv)(mdc_card_rc rc, enum mdc_card_op op);
};

/* Card edges known to the token layer, probed in order. */
extern const struct mdc_card_edge mdc_gids_edge;

#endif
